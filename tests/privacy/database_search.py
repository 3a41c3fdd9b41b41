"""Looks for text anywhere in the database: every column of every table (including tables with
no model, such as the cache), so a test can show that something is no longer held at rest."""

from django.db import connection


def tables_holding(*needles: str) -> dict[str, list[str]]:
    """Which tables hold any of `needles` (case-insensitive) in any column, and which needle."""
    wanted = [needle.lower() for needle in needles if needle]
    assert wanted, "nothing to look for"
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "ignore")
                    if not isinstance(value, str):
                        continue
                    lowered = value.lower()
                    for needle in wanted:
                        if needle in lowered:
                            found.setdefault(table, []).append(needle)
    return found
