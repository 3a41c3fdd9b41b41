"""Times relative to now, for sessions whose register may or may not be taken yet."""

import datetime

from django.utils import timezone


def at(year, month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def started_earlier_today() -> datetime.datetime:
    """A start time earlier today (half-way between midnight and now), so no-shows are allowed."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (now - midnight) / 2


def starting_later_today() -> datetime.datetime:
    now = timezone.localtime()
    next_midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=1
    )
    return now + (next_midnight - now) / 2


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
