"""CSV downloads that a spreadsheet opens as text, never as a formula: an activity or centre title
such as `=HYPERLINK(...)` must not become a live link or calculation on a manager's computer."""

import csv

# A spreadsheet reads a cell that begins with one of these as a formula (or, for tab and carriage
# return, strips them and reads what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """Text that would start a formula gets a leading apostrophe, which spreadsheets show as
    text; numbers are left as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell goes through `neutralised`."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([neutralised(value) for value in row])
