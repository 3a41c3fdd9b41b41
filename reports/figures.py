"""The shape every report takes: figures, each a small table of counts that is drawn as a chart,
shown as a table and exported as CSV from the same rows."""

from dataclasses import dataclass, field

Number = int | float | None


@dataclass
class Figure:
    key: str
    title: str
    label_heading: str
    columns: list[str]
    rows: list[tuple[str, list[Number]]] = field(default_factory=list)
    # "%" for rates; counts have no unit.
    unit: str = ""
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows


def percent(part: int, whole: int) -> float | None:
    """A rate to one decimal place; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
