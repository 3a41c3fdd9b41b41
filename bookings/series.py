"""Series of sessions: "every Tuesday 10:00 to 11:30 from 6 January to 15 July", skipping school
holidays (the borough's `HolidayPeriod` rows) and bank holidays in England.

Times are wall-clock times in the portal's time zone (Europe/London): a 10:00 session is at 10:00
on both sides of a clock change."""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import transaction

from cms.models import ActivityPage, CentrePage, Venue
from startwell import pagecache

from .errors import BookingError
from .models import Course, HolidayPeriod, Session

# A series longer than this is almost certainly a typing mistake in a year.
MAX_SERIES_DAYS = 400

NO_WEEKDAYS = "Choose at least one day of the week."
ENDS_BEFORE_STARTS = "The end time must be after the start time."
LAST_BEFORE_FIRST = "The last date must be on or after the first date."
TOO_LONG = "A series can cover at most {days} days; split it into shorter series."
WRONG_VENUE = "Choose one of {centre}'s venues."
NOTHING_TO_CREATE = "Every date in this series is skipped, so there is nothing to create."
CLOSES_BEFORE_OPENS = "Booking would close before it opens; check the booking window."
CAPACITY_TOO_SMALL = "Capacity must be at least 1."
MAX_PLACES_TOO_SMALL = "Allow at least 1 place per booking."

NOT_A_COURSE = "This activity is not booked as a course. Tick “Booked as a course” on its page."

BANK_HOLIDAY = "Bank holiday: {name}"
SCHOOL_HOLIDAY = "School holiday: {name}"
ALREADY_SCHEDULED = "Already in the timetable at this time"


@dataclass(frozen=True)
class SkippedDate:
    day: datetime.date
    reason: str


@dataclass(frozen=True)
class SeriesPlan:
    dates: list[datetime.date] = field(default_factory=list)
    skipped: list[SkippedDate] = field(default_factory=list)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at_local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware moment at which the wall clock in the portal's time zone shows `time` on `day`."""
    return datetime.datetime.combine(day, time, tzinfo=local_zone())


@functools.lru_cache(maxsize=32)
def _bank_holidays_in(year: int) -> dict[datetime.date, str]:
    # Computed from the rules (and announced changes) the `holidays` package keeps up to date.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holidays(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """England's bank holidays between the two dates, with their names."""
    days = {}
    for year in range(first.year, last.year + 1):
        days.update(_bank_holidays_in(year))
    return {day: name for day, name in days.items() if first <= day <= last}


def school_holidays(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """Each day of the borough's school holidays between the two dates, with the holiday's name."""
    days = {}
    periods = HolidayPeriod.objects.filter(start_date__lte=last, end_date__gte=first)
    for period in periods:
        day = max(period.start_date, first)
        while day <= min(period.end_date, last):
            days.setdefault(day, period.name)
            day += datetime.timedelta(days=1)
    return days


def _check_dates(
    *,
    weekdays: Iterable[int],
    start_time: datetime.time,
    end_time: datetime.time,
    first_date: datetime.date,
    last_date: datetime.date,
) -> set[int]:
    weekdays = {int(day) for day in weekdays}
    if not weekdays:
        raise BookingError(NO_WEEKDAYS, field="weekdays")
    if end_time <= start_time:
        raise BookingError(ENDS_BEFORE_STARTS, field="end_time")
    if last_date < first_date:
        raise BookingError(LAST_BEFORE_FIRST, field="last_date")
    if (last_date - first_date).days >= MAX_SERIES_DAYS:
        raise BookingError(TOO_LONG.format(days=MAX_SERIES_DAYS), field="last_date")
    return weekdays


def plan_series(
    *,
    activity: ActivityPage,
    weekdays: Iterable[int],
    start_time: datetime.time,
    end_time: datetime.time,
    first_date: datetime.date,
    last_date: datetime.date,
    skip_school_holidays: bool = True,
) -> SeriesPlan:
    """The dates a series would create, and the dates it skips with the reason for each.

    `weekdays` are Python's numbers (Monday is 0). A date is skipped for a bank holiday, a school
    holiday (unless `skip_school_holidays` is off, as for a holiday club), or because the activity
    already has a session starting at that time (so repeating a series adds only what is
    missing)."""
    weekdays = _check_dates(
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        first_date=first_date,
        last_date=last_date,
    )
    banks = bank_holidays(first_date, last_date)
    schools = school_holidays(first_date, last_date) if skip_school_holidays else {}
    existing = set(
        Session.objects.filter(
            activity=activity,
            start__gte=at_local(first_date, datetime.time.min),
            start__lt=at_local(last_date + datetime.timedelta(days=1), datetime.time.min),
        ).values_list("start", flat=True)
    )

    plan = SeriesPlan()
    day = first_date
    while day <= last_date:
        if day.weekday() in weekdays:
            if day in banks:
                plan.skipped.append(SkippedDate(day, BANK_HOLIDAY.format(name=banks[day])))
            elif day in schools:
                plan.skipped.append(SkippedDate(day, SCHOOL_HOLIDAY.format(name=schools[day])))
            elif at_local(day, start_time) in existing:
                plan.skipped.append(SkippedDate(day, ALREADY_SCHEDULED))
            else:
                plan.dates.append(day)
        day += datetime.timedelta(days=1)
    return plan


def _window(
    start: datetime.datetime,
    *,
    opens_days_before: int | None,
    closes_minutes_before: int | None,
    cutoff_hours_before: int | None,
) -> dict:
    opens = closes = cutoff = None
    if opens_days_before is not None:
        # Opens at the same wall-clock time, that many calendar days earlier.
        local = start.astimezone(local_zone())
        opens = at_local(local.date() - datetime.timedelta(days=opens_days_before), local.time())
    if closes_minutes_before is not None:
        closes = start - datetime.timedelta(minutes=closes_minutes_before)
    if cutoff_hours_before is not None:
        cutoff = start - datetime.timedelta(hours=cutoff_hours_before)
    return {"booking_opens": opens, "booking_closes": closes, "cancellation_cutoff": cutoff}


def create_series(
    *,
    activity: ActivityPage,
    venue: Venue | None,
    weekdays: Iterable[int],
    start_time: datetime.time,
    end_time: datetime.time,
    first_date: datetime.date,
    last_date: datetime.date,
    capacity: int,
    max_places_per_booking: int,
    opens_days_before: int | None = None,
    closes_minutes_before: int | None = None,
    cutoff_hours_before: int | None = None,
    skip_school_holidays: bool = True,
    allow_pay_at_centre: bool = False,
    course: Course | None = None,
) -> list[Session]:
    """Creates the sessions `plan_series` lists, all in one transaction (the run of `course`,
    when given)."""
    centre = CentrePage.objects.ancestor_of(activity).get()
    if venue is not None and venue.centre_id != centre.pk:
        raise BookingError(WRONG_VENUE.format(centre=centre.title), field="venue")
    if capacity < 1:
        raise BookingError(CAPACITY_TOO_SMALL, field="capacity")
    if max_places_per_booking < 1:
        raise BookingError(MAX_PLACES_TOO_SMALL, field="max_places_per_booking")
    window = {
        "opens_days_before": opens_days_before,
        "closes_minutes_before": closes_minutes_before,
        "cutoff_hours_before": cutoff_hours_before,
    }
    with transaction.atomic():
        plan = plan_series(
            activity=activity,
            weekdays=weekdays,
            start_time=start_time,
            end_time=end_time,
            first_date=first_date,
            last_date=last_date,
            skip_school_holidays=skip_school_holidays,
        )
        if not plan.dates:
            raise BookingError(NOTHING_TO_CREATE)
        sessions = []
        for day in plan.dates:
            start = at_local(day, start_time)
            times = _window(start, **window)
            if (
                times["booking_opens"]
                and times["booking_closes"]
                and times["booking_closes"] <= times["booking_opens"]
            ):
                raise BookingError(CLOSES_BEFORE_OPENS, field="closes_minutes_before")
            sessions.append(
                Session(
                    activity=activity,
                    centre=centre,
                    venue=venue,
                    start=start,
                    end=at_local(day, end_time),
                    capacity=capacity,
                    max_places_per_booking=max_places_per_booking,
                    allow_pay_at_centre=allow_pay_at_centre,
                    course=course,
                    **times,
                )
            )
        created = Session.objects.bulk_create(sessions)
        # bulk_create sends no model signals: the new sessions are on the public pages.
        pagecache.invalidate()
        return created


def create_course(
    *,
    activity: ActivityPage,
    capacity: int,
    max_places_per_booking: int,
    allow_late_joiners: bool = False,
    allow_pay_at_centre: bool = False,
    price: dict | None = None,
    **series,
) -> tuple[Course, list[Session]]:
    """A course and its run of dated sessions, made as a series is (skipping the same holidays),
    in one transaction. `price` is the course's price for the whole run (`Course`'s price
    fields; none: the activity's); `series` are `create_series`'s other arguments."""
    if not activity.is_course:
        raise BookingError(NOT_A_COURSE, field="activity")
    with transaction.atomic():
        course = Course.objects.create(
            activity=activity,
            capacity=max(capacity, 1),
            max_places_per_booking=max(max_places_per_booking, 1),
            allow_late_joiners=allow_late_joiners,
            allow_pay_at_centre=allow_pay_at_centre,
            **(price or {}),
        )
        sessions = create_series(
            activity=activity,
            capacity=capacity,
            max_places_per_booking=max_places_per_booking,
            allow_pay_at_centre=allow_pay_at_centre,
            course=course,
            **series,
        )
        return course, sessions
