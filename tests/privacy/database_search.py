"""Looks for text anywhere in the database: every column of every table (including tables with
no model, such as the cache), so a test can show that something is no longer held at rest.

It reads values as someone holding a copy of the database would, without the portal's keys:
besides the text itself, a value in Django's signed format (a session's data, for one) is read
by decoding its payload, which signing protects from change but does not hide, and a base64
value (the database cache's pickles) by decoding it."""

import base64
import binascii
import contextlib
import re
import zlib

from django.db import connection

# Django's signing.dumps: [.]base64(payload):timestamp:signature, the dot when compressed.
SIGNED = re.compile(r"^(?P<compressed>\.?)(?P<payload>[A-Za-z0-9_-]+):[A-Za-z0-9_-]+:")
BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]{16,}$")


def readings(value: str) -> list[str]:
    """The value and what it decodes to without any key."""
    found = [value]
    signed = SIGNED.match(value)
    if signed:
        payload = signed["payload"]
        try:
            data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            if signed["compressed"]:
                data = zlib.decompress(data)
            found.append(data.decode("utf-8", "ignore"))
        except (binascii.Error, zlib.error):
            pass
    elif BASE64.match(value):
        with contextlib.suppress(binascii.Error):
            found.append(base64.b64decode(value).decode("utf-8", "ignore"))
    return found


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
                    lowered = " ".join(readings(value)).lower()
                    for needle in wanted:
                        if needle in lowered:
                            found.setdefault(table, []).append(needle)
    return found
