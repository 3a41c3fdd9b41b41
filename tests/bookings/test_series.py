"""Series of sessions: which dates are created, which are skipped and why, and wall-clock times
across the clock changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from bookings.errors import BookingError
from bookings.models import Session
from bookings.series import create_series, plan_series
from tests.factories import ActivityPageFactory, HolidayPeriodFactory, SessionFactory, VenueFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TUESDAY = 1


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Stay and play")


@pytest.fixture
def venue(centre):
    return VenueFactory(centre=centre, name="School hall")


def series(activity, venue, **overrides):
    options = {
        "activity": activity,
        "venue": venue,
        "weekdays": [TUESDAY],
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(11, 30),
        "first_date": datetime.date(2027, 1, 5),
        "last_date": datetime.date(2027, 1, 26),
        "capacity": 12,
        "max_places_per_booking": 3,
    }
    options.update(overrides)
    return options


def plan_options(options):
    keys = ["activity", "weekdays", "start_time", "end_time", "first_date", "last_date"]
    return {key: options[key] for key in keys}


def test_weekly_series_creates_one_session_per_chosen_weekday(activity, venue):
    sessions = create_series(**series(activity, venue))
    local_starts = [timezone_local(s.start) for s in Session.objects.order_by("start")]
    assert local_starts == [
        datetime.datetime(2027, 1, day, 10, 0, tzinfo=LONDON) for day in (5, 12, 19, 26)
    ]
    assert len(sessions) == 4
    first = Session.objects.order_by("start").first()
    assert first.centre_id == activity.get_parent().pk
    assert first.venue == venue
    assert first.capacity == 12
    assert first.max_places_per_booking == 3
    assert first.end - first.start == datetime.timedelta(hours=1, minutes=30)
    assert first.booking_opens is None and first.booking_closes is None


def timezone_local(moment):
    return moment.astimezone(LONDON)


def test_several_weekdays(activity, venue):
    plan = plan_series(
        **plan_options(
            series(
                activity,
                venue,
                weekdays=[0, 3],
                first_date=datetime.date(2027, 1, 4),
                last_date=datetime.date(2027, 1, 14),
            )
        )
    )
    assert plan.dates == [
        datetime.date(2027, 1, 4),
        datetime.date(2027, 1, 7),
        datetime.date(2027, 1, 11),
        datetime.date(2027, 1, 14),
    ]


def test_school_and_bank_holidays_are_skipped_with_reasons(activity, venue):
    HolidayPeriodFactory(
        name="Spring half term",
        start_date=datetime.date(2027, 2, 15),
        end_date=datetime.date(2027, 2, 19),
    )
    plan = plan_series(
        **plan_options(
            series(
                activity,
                venue,
                weekdays=[0],  # Mondays: Easter Monday is a bank holiday
                first_date=datetime.date(2027, 2, 8),
                last_date=datetime.date(2027, 4, 5),
            )
        )
    )
    skipped = {s.day: s.reason for s in plan.skipped}
    assert skipped == {
        datetime.date(2027, 2, 15): "School holiday: Spring half term",
        datetime.date(2027, 3, 29): "Bank holiday: Easter Monday",
    }
    assert datetime.date(2027, 2, 22) in plan.dates
    assert len(plan.dates) == 7


def test_holiday_club_runs_in_school_holidays_but_not_on_bank_holidays(activity, venue):
    HolidayPeriodFactory(
        name="Easter holidays",
        start_date=datetime.date(2027, 3, 29),
        end_date=datetime.date(2027, 4, 9),
    )
    plan = plan_series(
        **plan_options(
            series(
                activity,
                venue,
                weekdays=[0, 2],
                first_date=datetime.date(2027, 3, 29),
                last_date=datetime.date(2027, 4, 9),
            )
        ),
        skip_school_holidays=False,
    )
    assert plan.dates == [
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 5),
        datetime.date(2027, 4, 7),
    ]
    assert [(s.day, s.reason) for s in plan.skipped] == [
        (datetime.date(2027, 3, 29), "Bank holiday: Easter Monday")
    ]


def test_created_series_leaves_out_skipped_dates(activity, venue):
    HolidayPeriodFactory(
        name="Christmas", start_date=datetime.date(2026, 12, 21), end_date=datetime.date(2027, 1, 1)
    )
    create_series(
        **series(
            activity,
            venue,
            weekdays=[4],  # Fridays
            first_date=datetime.date(2026, 12, 18),
            last_date=datetime.date(2027, 1, 8),
        )
    )
    days = [timezone_local(s.start).date() for s in Session.objects.order_by("start")]
    assert days == [datetime.date(2026, 12, 18), datetime.date(2027, 1, 8)]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # Clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
        (datetime.date(2027, 3, 23), datetime.date(2027, 4, 6)),
        (datetime.date(2027, 10, 26), datetime.date(2027, 11, 9)),
    ],
)
def test_wall_clock_time_is_kept_across_clock_changes(activity, venue, first, last):
    create_series(
        **series(
            activity,
            venue,
            weekdays=[TUESDAY],
            first_date=first,
            last_date=last,
            opens_days_before=7,
            closes_minutes_before=30,
            cutoff_hours_before=24,
        )
    )
    sessions = list(Session.objects.order_by("start"))
    assert len(sessions) in (2, 3)  # Easter Tuesday is not a bank holiday
    utc_hours = set()
    for session in sessions:
        local = timezone_local(session.start)
        assert (local.hour, local.minute) == (10, 0)
        assert (timezone_local(session.end).hour, timezone_local(session.end).minute) == (11, 30)
        opens = timezone_local(session.booking_opens)
        assert opens.date() == local.date() - datetime.timedelta(days=7)
        assert (opens.hour, opens.minute) == (10, 0)
        assert session.booking_closes == session.start - datetime.timedelta(minutes=30)
        assert session.cancellation_cutoff == session.start - datetime.timedelta(hours=24)
        utc_hours.add(session.start.astimezone(datetime.UTC).hour)
    # The same wall-clock time is a different UTC hour on each side of the change.
    assert utc_hours == {9, 10}


def test_repeating_a_series_adds_only_what_is_missing(activity, venue):
    create_series(**series(activity, venue, last_date=datetime.date(2027, 1, 12)))
    plan = plan_series(**plan_options(series(activity, venue)))
    assert [s.reason for s in plan.skipped] == ["Already in the timetable at this time"] * 2
    create_series(**series(activity, venue))
    assert Session.objects.count() == 4


def test_a_series_with_nothing_to_create_is_refused(activity, venue):
    HolidayPeriodFactory(
        name="Christmas", start_date=datetime.date(2026, 12, 21), end_date=datetime.date(2027, 1, 1)
    )
    with pytest.raises(BookingError, match="nothing to create"):
        create_series(
            **series(
                activity,
                venue,
                first_date=datetime.date(2026, 12, 21),
                last_date=datetime.date(2027, 1, 1),
            )
        )
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "at least one day"),
        ({"end_time": datetime.time(9, 0)}, "end_time", "after the start time"),
        ({"last_date": datetime.date(2027, 1, 1)}, "last_date", "on or after the first date"),
        ({"last_date": datetime.date(2028, 6, 1)}, "last_date", "at most 400 days"),
        ({"capacity": 0}, "capacity", "at least 1"),
        ({"max_places_per_booking": 0}, "max_places_per_booking", "at least 1 place"),
        (
            {"opens_days_before": 0, "closes_minutes_before": 0},
            "closes_minutes_before",
            "close before it opens",
        ),
    ],
)
def test_bad_series_is_refused_and_writes_nothing(activity, venue, overrides, field, message):
    with pytest.raises(BookingError, match=message) as error:
        create_series(**series(activity, venue, **overrides))
    assert error.value.field == field
    assert not Session.objects.exists()


def test_venue_must_belong_to_the_activitys_centre(activity, other_centre):
    elsewhere = VenueFactory(centre=other_centre)
    with pytest.raises(BookingError, match="Choose one of Northfield Centre's venues") as error:
        create_series(**series(activity, elsewhere))
    assert error.value.field == "venue"
    assert not Session.objects.exists()


def test_existing_session_at_another_time_does_not_block_the_series(activity, venue):
    SessionFactory(
        activity=activity,
        start=datetime.datetime(2027, 1, 5, 14, 0, tzinfo=LONDON),
        end=datetime.datetime(2027, 1, 5, 15, 0, tzinfo=LONDON),
    )
    plan = plan_series(**plan_options(series(activity, venue)))
    assert len(plan.dates) == 4
    assert plan.skipped == []
