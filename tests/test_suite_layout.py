"""The test suite's own rule: test modules share code through fixtures (conftest.py) and the
non-test modules beside the factories (tests/support, tests/accounts.py), never by importing
one another or a conftest.py."""

import ast
from pathlib import Path

import pytest

from tests.support.runs import repeats_nothing_on_a_second_database, uses_database

TESTS = Path(__file__).resolve().parent


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def imported_modules(path: Path):
    """Absolute names of the modules `path` imports, relative imports resolved."""
    package = module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield base
            # `from tests.e2e import test_x` names the module in the imported names.
            for alias in node.names:
                yield f"{base}.{alias.name}"


def is_shared_by_mistake(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return name.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def test_no_test_module_imports_another_or_a_conftest():
    offenders = sorted(
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in TESTS.rglob("*.py")
        for name in imported_modules(path)
        if is_shared_by_mistake(name)
    )
    assert offenders == []


def test_the_rule_catches_each_way_of_importing():
    assert is_shared_by_mistake("tests.e2e.test_booking_journey")
    assert is_shared_by_mistake("tests.parent_champions.conftest")
    assert not is_shared_by_mistake("tests.support.payments")
    assert not is_shared_by_mistake("tests.accounts")


def test_the_second_database_leaves_out_only_what_it_would_repeat(request):
    """The PostgreSQL run leaves out tests that never touch the database and browser journeys;
    a test of the database runs on both."""
    assert not uses_database(request.node)  # this test touches no database
    assert repeats_nothing_on_a_second_database(request.node)


@pytest.mark.django_db
def test_a_test_of_the_database_runs_on_both(request):
    assert uses_database(request.node)
    assert not repeats_nothing_on_a_second_database(request.node)
