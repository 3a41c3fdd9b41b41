"""Reads for the centre reports: each report is one function taking the centres and a date range
and returning figures of counts, computed with aggregate queries so a report costs the same
few queries whatever the number of bookings. Counts only: no names leave this module.

Shared definitions:
- A session *ran* when it was not cancelled by the centre and has started (sessions later in
  the period are not counted yet).
- A family is *reached* by a confirmed booking for a session that ran, unless the register
  marked the booking a no-show.
- A *household* is the family's account, or for an anonymised booking (account deleted, or
  kept past its retention period) the random key its bookings share: figures stay the same.
- A *late cancellation* is a booking cancelled less than 24 hours before its session started,
  whatever the session's own cutoff (staff may cancel for a family after the cutoff).
"""

import datetime
import statistics

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.households import HOUSEHOLD
from bookings.models import Attendance, Booking, Session, WalkIn
from bookings.selectors import with_places
from cms.models import ActivityPage, CentrePage
from codesign.models import Idea, IdeaDecision, IdeaStatus, Support
from codesign.selectors import ideas_awaiting_decision
from feedback import selectors as feedback_selectors
from parent_champions.models import Champion, add_years

from .figures import Figure, percent
from .periods import months_between

LATE_CANCELLATION = datetime.timedelta(hours=24)
CATEGORY_NAMES = dict(ActivityPage.CATEGORY_CHOICES)


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes: from the start of `start` to the end of `end`, local time."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return since, until


def sessions_run(centres: QuerySet[CentrePage], start, end) -> QuerySet[Session]:
    since, until = bounds(start, end)
    return Session.objects.filter(
        centre__in=centres,
        status=Session.Status.SCHEDULED,
        start__gte=since,
        start__lt=min(until, timezone.now()),
    )


def _reached_bookings(centres, *, since=None, until=None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(
        session__centre__in=centres,
        session__status=Session.Status.SCHEDULED,
        session__start__lt=timezone.now(),
        status=Booking.Status.CONFIRMED,
    ).exclude(attendance=Attendance.NO_SHOW)
    if since is not None:
        bookings = bookings.filter(session__start__gte=since, session__start__lt=until)
    return bookings


def _multiple_centres(centres) -> bool:
    return centres.count() > 1


# Reach ----------------------------------------------------------------------------------------

REACHED = {
    "families": Count(HOUSEHOLD, distinct=True),
    "children": Count("children", distinct=True),
}


def reach(*, centres: QuerySet[CentrePage], start, end) -> list[Figure]:
    since, until = bounds(start, end)
    reached = _reached_bookings(centres, since=since, until=until)
    totals = reached.aggregate(**REACHED)
    first_timers = (
        _reached_bookings(centres)
        .values(household_key=HOUSEHOLD)
        .annotate(first=Min("session__start"))
        .filter(first__gte=since, first__lt=until)
        .count()
    )
    summary = Figure(
        key="reach-totals",
        title="Families and children reached",
        label_heading="Measure",
        columns=["Number"],
        rows=[
            ("Families reached", [totals["families"]]),
            ("Children reached", [totals["children"]]),
            ("First-time families", [first_timers]),
        ],
        note="First-time families had their first session at the chosen centres in this period.",
    )
    by_footprint = Figure(
        key="reach-footprint",
        title="Reach by footprint",
        label_heading="Footprint",
        columns=["Families", "Children"],
        rows=[
            (row["session__centre__footprint__name"], [row["families"], row["children"]])
            for row in reached.values("session__centre__footprint__name")
            .annotate(**REACHED)
            .order_by("session__centre__footprint__name")
        ],
    )
    monthly = {
        timezone.localtime(row["month"]).date()
        if isinstance(row["month"], datetime.datetime)
        else row["month"]: row
        for row in reached.annotate(month=TruncMonth("session__start"))
        .values("month")
        .annotate(**REACHED)
        .order_by("month")
    }
    by_month = Figure(
        key="reach-month",
        title="Reach by month",
        label_heading="Month",
        columns=["Families", "Children"],
        rows=[
            (
                f"{month:%B %Y}",
                [
                    monthly.get(month, {}).get("families", 0),
                    monthly.get(month, {}).get("children", 0),
                ],
            )
            for month in months_between(start, end)
        ],
        note="A family reached in two months counts in each.",
    )
    return [summary, by_footprint, by_month]


# Take-up --------------------------------------------------------------------------------------


TAKE_UP_MEASURES = ["sessions", "offered", "booked", "attended", "no_show", "late", "walk_ins"]


def _take_up_rows(centres, start, end, group: list[str]) -> dict[tuple, dict]:
    return _take_up_rows_for(sessions_run(centres, start, end), group)


def _take_up_rows_for(sessions, group: list[str]) -> dict[tuple, dict]:
    """Session, booking and walk-in counts grouped by `group` (fields of the session); three
    queries, whatever the data."""
    rows: dict[tuple, dict] = {}

    def row_for(values, prefix=""):
        key = tuple(values[prefix + name] for name in group)
        return rows.setdefault(key, dict.fromkeys(TAKE_UP_MEASURES, 0))

    for values in sessions.values(*group).annotate(sessions=Count("pk"), offered=Sum("capacity")):
        row = row_for(values)
        row["sessions"] = values["sessions"]
        row["offered"] = values["offered"] or 0

    booking_group = [f"session__{name}" for name in group]
    confirmed = Q(status=Booking.Status.CONFIRMED)
    for values in (
        Booking.objects.filter(session__in=sessions)
        .values(*booking_group)
        .annotate(
            booked=Sum("places", filter=confirmed),
            attended=Sum("places", filter=confirmed & Q(attendance=Attendance.ATTENDED)),
            no_show=Sum("places", filter=confirmed & Q(attendance=Attendance.NO_SHOW)),
            late=Count(
                "pk",
                filter=Q(
                    status=Booking.Status.CANCELLED,
                    cancelled_at__gt=F("session__start") - LATE_CANCELLATION,
                ),
            ),
        )
    ):
        row = row_for(values, "session__")
        for name in ["booked", "attended", "no_show", "late"]:
            row[name] = values[name] or 0

    for values in (
        WalkIn.objects.filter(session__in=sessions)
        .values(*booking_group)
        .annotate(walk_ins=Sum("places"))
    ):
        row_for(values, "session__")["walk_ins"] = values["walk_ins"] or 0
    return rows


COUNT_COLUMNS = [
    ("sessions", "Sessions run"),
    ("offered", "Places offered"),
    ("booked", "Places booked"),
    ("walk_ins", "Walk-in places"),
    ("late", "Late cancellations"),
]
RATE_COLUMNS = ["Attendance rate", "No-show rate"]
RATE_NOTE = (
    "Rates are of the booked places whose attendance was recorded on the register. "
    "Late cancellations are bookings cancelled less than 24 hours before the session."
)


def _rates(row) -> list:
    recorded = row["attended"] + row["no_show"]
    return [percent(row["attended"], recorded), percent(row["no_show"], recorded)]


def take_up(*, centres: QuerySet[CentrePage], start, end) -> list[Figure]:
    by_category = _take_up_rows(centres, start, end, ["activity__category"])
    by_activity = _take_up_rows(
        centres, start, end, ["activity_id", "activity__title", "centre__title"]
    )
    several = _multiple_centres(centres)

    def category_label(key):
        return CATEGORY_NAMES.get(key[0], key[0])

    def activity_label(key):
        return f"{key[1]} ({key[2]})" if several else key[1]

    categories = sorted(by_category.items(), key=lambda item: category_label(item[0]))
    activities = sorted(by_activity.items(), key=lambda item: activity_label(item[0]).lower())
    total = {name: sum(row[name] for row in by_category.values()) for name in TAKE_UP_MEASURES}
    return [
        Figure(
            key="take-up-totals",
            title="Take-up: all activities",
            label_heading="Measure",
            columns=["Number"],
            rows=[(heading, [total[name]]) for name, heading in COUNT_COLUMNS],
        ),
        Figure(
            key="take-up-rates",
            title="Attendance and no-shows: all activities",
            label_heading="Measure",
            columns=["Rate"],
            rows=[
                (heading, [rate]) for heading, rate in zip(RATE_COLUMNS, _rates(total), strict=True)
            ],
            unit="%",
            note=RATE_NOTE,
        ),
        Figure(
            key="take-up-category",
            title="Take-up by activity category",
            label_heading="Category",
            columns=[heading for _, heading in COUNT_COLUMNS],
            rows=[(category_label(k), [row[n] for n, _ in COUNT_COLUMNS]) for k, row in categories],
        ),
        Figure(
            key="take-up-category-rates",
            title="Attendance and no-shows by activity category",
            label_heading="Category",
            columns=RATE_COLUMNS,
            rows=[(category_label(k), _rates(row)) for k, row in categories],
            unit="%",
            note=RATE_NOTE,
        ),
        Figure(
            key="take-up-activity",
            title="Take-up by activity",
            label_heading="Activity",
            columns=[heading for _, heading in COUNT_COLUMNS],
            rows=[(activity_label(k), [row[n] for n, _ in COUNT_COLUMNS]) for k, row in activities],
        ),
        Figure(
            key="take-up-activity-rates",
            title="Attendance and no-shows by activity",
            label_heading="Activity",
            columns=RATE_COLUMNS,
            rows=[(activity_label(k), _rates(row)) for k, row in activities],
            unit="%",
            note=RATE_NOTE,
        ),
    ]


# Unmet demand ---------------------------------------------------------------------------------


def unmet_demand(*, centres: QuerySet[CentrePage], start, end) -> list[Figure]:
    """Households that joined a waiting list for an activity's sessions in the period, and of
    those, how many had no place at any of that activity's sessions in the period."""
    sessions = sessions_run(centres, start, end)
    waited = Q(waiting_since__isnull=False)
    got_a_place = Booking.objects.annotate(household_key=HOUSEHOLD).filter(
        household_key=OuterRef("household_key"),
        session__activity=OuterRef("session__activity"),
        session__in=sessions,
        confirmed_at__isnull=False,
    )
    rows = (
        Booking.objects.filter(session__in=sessions)
        .filter(waited)
        .annotate(household_key=HOUSEHOLD)
        .values("session__activity_id", "session__activity__title", "session__centre__title")
        .annotate(
            households=Count("household_key", distinct=True),
            never=Count("household_key", distinct=True, filter=~Q(Exists(got_a_place))),
            full_sessions=Count("session", distinct=True),
        )
        .order_by("-households", "session__activity__title")
    )
    several = _multiple_centres(centres)

    def label(row):
        title = row["session__activity__title"]
        return f"{title} ({row['session__centre__title']})" if several else title

    rows = list(rows)
    return [
        Figure(
            key="unmet-totals",
            title="Unmet demand: all activities",
            label_heading="Measure",
            columns=["Number"],
            rows=[
                ("Households on a waiting list", [sum(r["households"] for r in rows)]),
                ("Households who never got a place", [sum(r["never"] for r in rows)]),
            ],
            note="A household waiting for two activities counts once for each.",
        ),
        Figure(
            key="unmet-activity",
            title="Waiting lists by activity",
            label_heading="Activity",
            columns=[
                "Households on a waiting list",
                "Never got a place",
                "Sessions with a waiting list",
            ],
            rows=[(label(r), [r["households"], r["never"], r["full_sessions"]]) for r in rows],
            note="Never got a place: no booked place at any of its sessions in the period.",
        ),
    ]


# Champions ------------------------------------------------------------------------------------


def champions(*, centres: QuerySet[CentrePage], start, end) -> list[Figure]:
    """Champions now (a snapshot, whatever the period), and the sessions they hosted in it.
    A check lapses `CHAMPION_*_VALID_YEARS` after it was taken."""
    counts = _champion_counts(centres)
    hosted = (
        sessions_run(centres, start, end)
        .filter(Q(hostings__isnull=False) | Q(activity__hostings__isnull=False))
        .values("pk")
        .distinct()
        .count()
    )
    return [
        Figure(
            key="champions-totals",
            title="Parent champions",
            label_heading="Measure",
            columns=["Number"],
            rows=[
                ("Active champions today", [counts["active"]]),
                ("Sessions hosted by champions in the period", [hosted]),
                ("Active champions with a check lapsing in 30 days", [counts["lapsing"]]),
                ("Active champions with a check lapsed or missing", [counts["lapsed"]]),
            ],
            note="Checks are the DBS check and safeguarding training.",
        )
    ]


def _champion_counts(centres) -> dict:
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    dbs_years = settings.CHAMPION_DBS_CHECK_VALID_YEARS
    training_years = settings.CHAMPION_TRAINING_VALID_YEARS

    def lapsing(field, years):
        # Lapses on taken + years: within the next 30 days means taken in this window.
        return Q(
            **{
                f"{field}__gt": add_years(today, -years),
                f"{field}__lte": add_years(soon, -years),
            }
        )

    def lapsed(field, years):
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": add_years(today, -years)})

    active = Q(status=Champion.Status.ACTIVE)
    counts = Champion.objects.filter(centre__in=centres).aggregate(
        active=Count("pk", filter=active),
        lapsing=Count(
            "pk",
            filter=active
            & (
                lapsing("dbs_checked_on", dbs_years)
                | lapsing("training_completed_on", training_years)
            ),
        ),
        lapsed=Count(
            "pk",
            filter=active
            & (
                lapsed("dbs_checked_on", dbs_years)
                | lapsed("training_completed_on", training_years)
            ),
        ),
    )
    return counts


# Co-design ------------------------------------------------------------------------------------

DECIDED = [IdeaStatus.ACCEPTED, IdeaStatus.DECLINED, IdeaStatus.SCHEDULED]


def codesign(*, centres: QuerySet[CentrePage], start, end) -> list[Figure]:
    """What happened to parents' ideas in the period, from the log of every status change: an
    idea counts as published, decided or scheduled in the period its change was made."""
    since, until = bounds(start, end)
    in_period = {"created_at__gte": since, "created_at__lt": until}
    ideas = Idea.objects.filter(centre__in=centres)
    proposed = ideas.filter(**in_period).count()
    changes = IdeaDecision.objects.filter(
        idea__centre__in=centres, decided_at__gte=since, decided_at__lt=until
    ).aggregate(
        published=Count("idea", distinct=True, filter=Q(to_status=IdeaStatus.PUBLISHED)),
        decided=Count("idea", distinct=True, filter=Q(to_status__in=DECIDED)),
        declined=Count("idea", distinct=True, filter=Q(to_status=IdeaStatus.DECLINED)),
        scheduled=Count("idea", distinct=True, filter=Q(to_status=IdeaStatus.SCHEDULED)),
    )
    support = Support.objects.filter(idea__centre__in=centres, **in_period).aggregate(
        ideas=Count("idea", distinct=True), supports=Count("pk")
    )
    waits = [
        (decided - created).total_seconds() / 86400
        for created, decided in ideas.annotate(
            decided=Min("decisions__decided_at", filter=Q(decisions__to_status__in=DECIDED))
        )
        .filter(decided__gte=since, decided__lt=until)
        .values_list("created_at", "decided")
    ]
    median = round(statistics.median(waits), 1) if waits else None

    from_ideas = sessions_run(centres, start, end).filter(
        activity__in=ideas.filter(activity__isnull=False).values("activity")
    )
    attendance = _take_up_rows_for(from_ideas, ["activity_id", "activity__title"])
    return [
        Figure(
            key="codesign-ideas",
            title="Ideas from parents",
            label_heading="Measure",
            columns=["Ideas"],
            rows=[
                ("Proposed", [proposed]),
                ("Published", [changes["published"]]),
                ("Given new support", [support["ideas"]]),
                ("Decided", [changes["decided"]]),
                ("Declined", [changes["declined"]]),
                ("Scheduled", [changes["scheduled"]]),
            ],
            note=f"Parents gave {support['supports']} new supports in the period. "
            "Decided: accepted, declined or scheduled.",
        ),
        Figure(
            key="codesign-time",
            title="Time from idea to decision",
            label_heading="Measure",
            columns=["Days"],
            rows=[("Median days from idea to first decision", [median])],
            note=f"Over the {len(waits)} ideas first decided in the period.",
        ),
        Figure(
            key="codesign-attendance",
            title="Attendance at sessions that came from ideas",
            label_heading="Activity",
            columns=["Sessions run", "Places attended", "Walk-in places"],
            rows=[
                (key[1], [row["sessions"], row["attended"], row["walk_ins"]])
                for key, row in sorted(attendance.items(), key=lambda item: item[0][1].lower())
            ],
        ),
    ]


# Feedback -------------------------------------------------------------------------------------

FEEDBACK_COLUMNS = ["Answers", "Satisfaction (%)", "Would come again (%)", "Comments"]
FEEDBACK_NOTE = (
    "Families are asked the day after a session they came to. Satisfaction: the share of answers "
    "saying it was good (the others said OK or not good). Would come again: the share answering "
    "yes. Comments: answers with something written, checked or not."
)


def _feedback_values(row) -> list:
    return [
        row["answers"],
        percent(row["good"], row["answers"]),
        percent(row["again"], row["answers"]),
        row["comments"],
    ]


def feedback(*, centres: QuerySet[CentrePage], start, end) -> list[Figure]:
    """What families said about the sessions that started in the period: two queries."""
    since, until = bounds(start, end)
    answered = feedback_selectors.answered_in(centres).filter(
        session__start__gte=since, session__start__lt=until
    )
    several = _multiple_centres(centres)

    def activity_label(row):
        title = row["session__activity__title"]
        return f"{title} ({row['session__centre__title']})" if several else title

    return [
        Figure(
            key="feedback-centre",
            title="Feedback by centre",
            label_heading="Centre",
            columns=FEEDBACK_COLUMNS,
            rows=[
                (row["session__centre__title"], _feedback_values(row))
                for row in feedback_selectors.summary_by_centre(answered)
            ],
            note=FEEDBACK_NOTE,
        ),
        Figure(
            key="feedback-activity",
            title="Feedback by activity",
            label_heading="Activity",
            columns=FEEDBACK_COLUMNS,
            rows=sorted(
                (
                    (activity_label(row), _feedback_values(row))
                    for row in feedback_selectors.summary_by_activity(answered)
                ),
                key=lambda item: item[0].lower(),
            ),
            note=FEEDBACK_NOTE,
        ),
    ]


# Admin home panels ----------------------------------------------------------------------------


def dashboard(*, centres: QuerySet[CentrePage]) -> dict:
    """This week's sessions with places left, ideas waiting for a decision, champion checks
    lapsing: four queries."""
    now = timezone.now()
    today = timezone.localdate()
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    _, week_end = bounds(today, sunday)
    sessions = list(
        with_places(
            Session.objects.filter(
                centre__in=centres,
                status=Session.Status.SCHEDULED,
                start__gte=now,
                start__lt=week_end,
            )
        )
        .filter(places_left__gt=0)
        .select_related("activity", "centre")
        .order_by("start")
    )
    return {
        "sessions": sessions,
        "ideas_awaiting": ideas_awaiting_decision(centres).count(),
        "champions": _champion_counts(centres),
    }
