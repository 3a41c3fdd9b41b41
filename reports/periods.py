"""Reporting periods. Terms are fixed: autumn 1 September to 31 December, spring 1 January to
31 March, summer 1 April to 31 August (the summer holidays count with the summer term, so
holiday clubs appear in it)."""

import datetime
from dataclasses import dataclass

TERMS = [  # (name, first month, last month)
    ("Spring term", 1, 3),
    ("Summer term", 4, 8),
    ("Autumn term", 9, 12),
]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str


def _last_day(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def term_containing(day: datetime.date) -> Period:
    for name, first, last in TERMS:
        if first <= day.month <= last:
            return Period(
                datetime.date(day.year, first, 1),
                _last_day(day.year, last),
                f"{name} {day.year}",
            )
    raise AssertionError("every month belongs to a term")


def term_before(day: datetime.date) -> Period:
    this = term_containing(day)
    return term_containing(this.start - datetime.timedelta(days=1))


def year_containing(day: datetime.date) -> Period:
    return Period(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), str(day.year))


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month the range touches."""
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months
