"""Imports between the project's modules run one way: no module imports, however indirectly and
wherever in the file (inside a function too), a module that imports it back; and no module takes
another module's underscore-private names. The walk reads the source with `ast`, so it sees the
imports a test run would never execute."""

import ast
import textwrap
from collections.abc import Iterable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
# The project's apps; any other top-level folder with an `apps.py` counts as one too.
APPS = {"startwell", "cms", "bookings", "codesign", "parent_champions", "reports"}


def project_packages(root: Path) -> set[str]:
    named = {name for name in APPS if (root / name / "__init__.py").is_file()}
    return named | {path.parent.name for path in root.glob("*/apps.py")}


def project_modules(root: Path) -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    modules = {}
    for package in project_packages(root):
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _absolute(node: ast.ImportFrom, *, module: str, is_package: bool) -> str:
    """The absolute module a `from … import` names, resolving `from .` and `from ..x`."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], list[str]]:
    """The project modules `module` imports, and its uses of other modules' private names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    private: list[str] = []
    module_names: dict[str, str] = {}  # local name -> project module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets.add(alias.name)
                if alias.asname:
                    module_names[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module=module, is_package=is_package)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    targets.add(submodule)
                    module_names[alias.asname or alias.name] = submodule
                else:
                    targets.add(base)
                if _is_private(alias.name) and base in modules and base != module:
                    private.append(f"{module} imports {alias.name} from {base}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_names
            and _is_private(node.attr)
            and module_names[node.value.id] != module
        ):
            private.append(f"{module} uses {module_names[node.value.id]}.{node.attr}")
    return {target for target in targets if target in modules and target != module}, private


def import_graph(root: Path) -> tuple[dict[str, set[str]], list[str]]:
    modules = project_modules(root)
    graph, private = {}, []
    for module, path in modules.items():
        graph[module], uses = imports_of(module, path, modules)
        private.extend(uses)
    return graph, sorted(set(private))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import each other (Tarjan's strongly
    connected components), written `a -> b -> a`."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(_a_cycle_through(group, graph) for group in groups)


def _a_cycle_through(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest way from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not a cycle")


def _described(found: Iterable[list[str]]) -> str:
    return "\n".join(" -> ".join(cycle) for cycle in found)


# --- The project --------------------------------------------------------------------------------


def test_no_project_module_imports_itself_back_through_others():
    graph, _ = import_graph(PROJECT)
    assert {module.split(".")[0] for module in graph} >= APPS
    found = cycles(graph)
    assert not found, f"Import cycles between the project's modules:\n{_described(found)}"


def test_no_project_module_takes_another_modules_private_names():
    _, private = import_graph(PROJECT)
    assert not private, "Private names used across modules:\n" + "\n".join(private)


# --- The walk itself, on a tiny project ---------------------------------------------------------


def make_project(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    for folder in {path.parent for path in root.rglob("*.py")}:
        (folder / "__init__.py").touch()
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    root = make_project(
        tmp_path,
        {
            "low/apps.py": "",
            "low/demo.py": """
                def seed():
                    from high.demo import seed_high
                    seed_high()
            """,
            "high/apps.py": "",
            "high/demo.py": "from low.demo import seed\n",
        },
    )
    graph, _ = import_graph(root)
    assert cycles(graph) == [["high.demo", "low.demo", "high.demo"]]


def test_relative_imports_are_resolved_and_a_longer_cycle_is_listed_once(tmp_path):
    root = make_project(
        tmp_path,
        {
            "shop/apps.py": "",
            "shop/services.py": "from . import payments\n",
            "shop/payments.py": "from .money import refund\n",
            "shop/money.py": "from shop import services\n",
            "shop/sub/views.py": "from ..services import book\nfrom .. import money\n",
        },
    )
    graph, _ = import_graph(root)
    assert graph["shop.sub.views"] == {"shop.services", "shop.money"}
    assert cycles(graph) == [["shop.money", "shop.services", "shop.payments", "shop.money"]]


def test_imports_that_run_one_way_are_not_a_cycle(tmp_path):
    root = make_project(
        tmp_path,
        {
            "core/apps.py": "",
            "core/errors.py": "class ApplicationError(Exception):\n    pass\n",
            "shop/apps.py": "",
            "shop/services.py": "from core.errors import ApplicationError\n",
            "shop/views.py": "from core import errors\nfrom . import services\n",
            "elsewhere/ignored.py": "from shop import views\n",  # not an app: not walked
        },
    )
    graph, private = import_graph(root)
    assert cycles(graph) == []
    assert private == []
    assert "elsewhere.ignored" not in graph


def test_private_names_taken_from_another_module_are_listed(tmp_path):
    root = make_project(
        tmp_path,
        {
            "shop/apps.py": "",
            "shop/services.py": "def _locked_session():\n    pass\n",
            "shop/payments.py": """
                from shop.services import _locked_session
                from . import services as booking_services

                def pay():
                    booking_services._promote_waiting()
                    return _locked_session()
            """,
            "shop/views.py": """
                def _own_helper():
                    pass

                from . import views as me
                me._own_helper()
            """,
        },
    )
    _, private = import_graph(root)
    assert private == [
        "shop.payments imports _locked_session from shop.services",
        "shop.payments uses shop.services._promote_waiting",
    ]
