"""On PostgreSQL, a query asked again and again is prepared once per connection, so PostgreSQL
stops planning it afresh (startwell/settings/base.py); a deployment behind a pooler that cannot
keep prepared statements turns that off with DATABASE_PREPARED_STATEMENTS=0."""

import json

import pytest
from django.db import connection

from tests.support.processes import environment, run_python


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.django_db
def test_a_query_asked_again_and_again_is_prepared_on_its_connection():
    asked = "SELECT %s::integer AS asked_again_and_again"

    def prepared() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%asked_again_and_again%"],
            )
            return cursor.fetchone()[0] > 0

    with connection.cursor() as cursor:
        cursor.execute(asked, [1])
        assert cursor.fetchone() == (1,)
    assert not prepared()  # asked once: planned as any query is

    for n in range(10):
        with connection.cursor() as cursor:
            cursor.execute(asked, [n])
            assert cursor.fetchone() == (n,)
    assert prepared()


PRINT_OPTIONS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def database_options(**values: str) -> dict:
    env = environment(
        dropping=("DATABASE_", "DJANGO_"),
        DJANGO_SETTINGS_MODULE="startwell.settings.test",
        **values,
    )
    result = run_python(PRINT_OPTIONS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


POSTGRES = "postgres://startwell@db.example:5432/startwell"


def test_postgresql_prepares_repeated_queries_unless_turned_off():
    assert database_options(DATABASE_URL=POSTGRES) == {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    assert database_options(DATABASE_URL=POSTGRES, DATABASE_PREPARED_STATEMENTS="0") == {}
    # SQLite has nothing to prepare: its own options only.
    assert "prepare_threshold" not in database_options(DATABASE_URL="sqlite:///startwell.db")
