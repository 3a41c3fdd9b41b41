"""Demo timetable: the borough's 2026/27 school holidays, activities at every demo centre with
weekly sessions for the school year (built with the series service, so holidays are skipped) and
a five-week baby massage course, and two children and a few bookings for the demo parent. Safe
to run again: it finds before it creates, and series only add the sessions that are missing."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cms.models import ActivityPage, CentrePage, PartnerOrganisation, Venue
from startwell import demo
from startwell.demo import CENTRES
from startwell.models import Child, User

from .errors import BookingError
from .models import Booking, Course, HolidayPeriod, Session
from .series import NOTHING_TO_CREATE, create_course, create_series, plan_series

SCHOOL_YEAR_START = datetime.date(2026, 9, 3)
SCHOOL_YEAR_END = datetime.date(2027, 7, 22)

# A typical English borough's 2026/27 school year (terms start on 3 September 2026).
HOLIDAYS = [
    ("Summer holidays 2026", datetime.date(2026, 7, 22), datetime.date(2026, 9, 2)),
    ("Autumn half term", datetime.date(2026, 10, 26), datetime.date(2026, 10, 30)),
    ("Christmas holidays", datetime.date(2026, 12, 21), datetime.date(2027, 1, 1)),
    ("February half term", datetime.date(2027, 2, 15), datetime.date(2027, 2, 19)),
    ("Easter holidays", datetime.date(2027, 3, 29), datetime.date(2027, 4, 9)),
    ("May half term", datetime.date(2027, 5, 31), datetime.date(2027, 6, 4)),
    ("Summer holidays 2027", datetime.date(2027, 7, 23), datetime.date(2027, 9, 1)),
]


@dataclass(frozen=True)
class DemoActivity:
    slug: str
    title: str
    summary: str
    category: str
    delivered_by: str
    partner_name: str = ""
    min_age_months: int | None = None
    max_age_months: int | None = None
    adults_only: bool = False
    # Children are left with the centre: booking asks each child's emergency contact and notes.
    drop_off: bool = False
    access_notes: str = ""
    # The weekly slot: weekday (Monday is 0), start and end (hour, minute), second venue or not.
    weekday: int = 0
    start: tuple[int, int] = (10, 0)
    end: tuple[int, int] = (11, 30)
    at_second_venue: bool = False
    capacity: int = 12
    max_places_per_booking: int = 3
    # Holiday clubs run in the school holidays instead of term time.
    in_holidays: bool = False
    # Price per place in pence (see bookings.pricing); free unless set.
    price_model: str = ActivityPage.PRICE_FREE
    suggested_pence: int | None = None
    minimum_pence: int | None = None
    funded_places: int = 0
    # A course: `course_weeks` weekly sessions booked as a whole, starting a week after loading.
    course_weeks: int = 0


ACTIVITIES = [
    DemoActivity(
        "stay-and-play",
        "Stay and play",
        "Messy play, songs and stories for under-fives, with a cuppa for grown-ups.",
        "stay_and_play",
        "champions",
        max_age_months=60,
        access_notes="Buggy park by the door. Please bring a drink for your child.",
        weekday=0,
        start=(9, 30),
        end=(11, 0),
        capacity=20,
    ),
    DemoActivity(
        "baby-massage",
        "Baby massage",
        "Five gentle weekly sessions to help you bond with your baby and soothe them.",
        "baby_toddler",
        "partner",
        partner_name="Health Visiting Team",
        max_age_months=12,
        access_notes="Bring a towel and wear something comfortable. Oils are provided.",
        weekday=1,
        start=(13, 30),
        end=(14, 30),
        capacity=8,
        max_places_per_booking=2,
    ),
    DemoActivity(
        "baby-massage-course",
        "Baby massage, 5 weeks",
        "A five-week course: book once for all five sessions and learn a routine with your baby.",
        "baby_toddler",
        "partner",
        partner_name="Health Visiting Team",
        max_age_months=10,
        access_notes="Bring a towel. Your baby should be between 6 weeks and 10 months old.",
        weekday=3,
        start=(13, 30),
        end=(14, 30),
        capacity=8,
        max_places_per_booking=1,
        course_weeks=5,
    ),
    DemoActivity(
        "health-visitor-drop-in",
        "Health visitor drop-in",
        "Weigh your baby and ask a health visitor about feeding, sleep or development.",
        "health_drop_in",
        "partner",
        partner_name="Health Visiting Team",
        max_age_months=60,
        weekday=2,
        start=(9, 30),
        end=(11, 30),
        at_second_venue=True,
        capacity=20,
    ),
    DemoActivity(
        "parenting-course",
        "Positive parenting course",
        "A friendly course for parents and carers: routines, behaviour and looking after you.",
        "parenting_course",
        "partner",
        partner_name="Early Help Team",
        adults_only=True,
        access_notes="Free crèche: ask when you book.",
        weekday=3,
        start=(10, 0),
        end=(12, 0),
        capacity=12,
        max_places_per_booking=2,
    ),
    DemoActivity(
        "holiday-club",
        "Holiday club",
        "Games, crafts, sport and a healthy lunch in the school holidays.",
        "holiday_club",
        "champions",
        min_age_months=48,
        max_age_months=132,
        access_notes="Lunch is provided. Children are left with us: when you book we ask who to "
        "call, about allergies and about photos.",
        drop_off=True,
        weekday=2,
        start=(10, 0),
        end=(14, 0),
        capacity=24,
        in_holidays=True,
        price_model=ActivityPage.PRICE_PAY_WHAT_YOU_CAN,
        suggested_pence=300,
        minimum_pence=0,
        funded_places=6,
    ),
    DemoActivity(
        "antenatal-group",
        "Antenatal group",
        "Meet other parents-to-be and the midwives: birth, feeding and the first weeks.",
        "antenatal",
        "partner",
        partner_name="Community Midwives",
        adults_only=True,
        weekday=4,
        start=(10, 0),
        end=(11, 30),
        at_second_venue=True,
        capacity=10,
        max_places_per_booking=2,
    ),
]

WINDOW = {"opens_days_before": 28, "closes_minutes_before": 60, "cutoff_hours_before": 24}


def _ensure_holidays() -> None:
    there = set(HolidayPeriod.objects.values_list("name", "start_date"))
    HolidayPeriod.objects.bulk_create(
        [
            HolidayPeriod(name=name, start_date=start, end_date=end)
            for name, start, end in HOLIDAYS
            if (name, start) not in there
        ]
    )


def _ensure_activity(
    centre: CentrePage,
    spec: DemoActivity,
    there: dict[str, ActivityPage],
    partners: dict[str, PartnerOrganisation],
) -> ActivityPage:
    """The centre's activity for `spec`: `there` holds the centre's activities by slug,
    `partners` the borough's partner organisations by name."""
    activity = there.get(spec.slug)
    if activity:
        return activity
    activity = ActivityPage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        category=spec.category,
        delivered_by=spec.delivered_by,
        partner=partners.get(spec.partner_name) if spec.partner_name else None,
        min_age_months=spec.min_age_months,
        max_age_months=spec.max_age_months,
        adults_only=spec.adults_only,
        drop_off=spec.drop_off,
        access_notes=spec.access_notes,
        price_model=spec.price_model,
        suggested_pence=spec.suggested_pence,
        minimum_pence=spec.minimum_pence,
        funded_places=spec.funded_places,
        is_course=bool(spec.course_weeks),
        # In the centre's language (which Wagtail would otherwise look up from the centre).
        locale_id=centre.locale_id,
        # Published as it is created; a revision is made when someone first edits it.
        live=True,
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
    )
    centre.add_child(instance=activity)
    return activity


def _periods(spec: DemoActivity) -> list[tuple[datetime.date, datetime.date]]:
    if not spec.in_holidays:
        return [(SCHOOL_YEAR_START, SCHOOL_YEAR_END)]
    return [
        (max(start, SCHOOL_YEAR_START), min(end, SCHOOL_YEAR_END))
        for _, start, end in HOLIDAYS
        if start <= SCHOOL_YEAR_END and end >= SCHOOL_YEAR_START
    ]


def _ensure_sessions(venues: list[Venue], activity: ActivityPage, spec: DemoActivity) -> None:
    """`venues` are the centre's venues, in order."""
    venue = venues[1] if spec.at_second_venue and len(venues) > 1 else venues[0]
    for first, last in _periods(spec):
        when = {
            "activity": activity,
            # Holiday clubs run on Mondays and Wednesdays; term-time activities once a week.
            "weekdays": [0, 2] if spec.in_holidays else [spec.weekday],
            "start_time": datetime.time(*spec.start),
            "end_time": datetime.time(*spec.end),
            "first_date": first,
            "last_date": last,
            "skip_school_holidays": not spec.in_holidays,
        }
        try:
            create_series(
                **when,
                venue=venue,
                capacity=spec.capacity,
                max_places_per_booking=spec.max_places_per_booking,
                **WINDOW,
            )
        except BookingError as error:
            # Already in the timetable (or nothing but bank holidays): asked by the series
            # itself, rather than planning every series twice.
            if error.message != NOTHING_TO_CREATE:
                raise


def _ensure_course(centre: CentrePage, activity: ActivityPage, spec: DemoActivity) -> None:
    """One run of the course, starting a week after the demo is first loaded (so that it can be
    booked whenever the demo is tried); loading again leaves it as it is."""
    if Course.objects.filter(activity=activity).exists():
        return
    venue = centre.venues.first()
    today = timezone.localdate()
    first = today + datetime.timedelta(days=7 + (spec.weekday - today.weekday()) % 7)
    when = {
        "activity": activity,
        "weekdays": [spec.weekday],
        "start_time": datetime.time(*spec.start),
        "end_time": datetime.time(*spec.end),
        "first_date": first,
        "last_date": first + datetime.timedelta(weeks=spec.course_weeks - 1),
    }
    # Long enough for the weeks wanted once holidays are skipped.
    while len(plan_series(**when).dates) < spec.course_weeks:
        when["last_date"] += datetime.timedelta(weeks=1)
    create_course(
        **when,
        venue=venue,
        capacity=spec.capacity,
        max_places_per_booking=spec.max_places_per_booking,
        **WINDOW,
    )


def _ensure_children(parent: User) -> list[Child]:
    today = timezone.localdate()
    toddler, _ = Child.objects.get_or_create(
        parent=parent, first_name="Amara", defaults={"birth_month": 3, "birth_year": 2024}
    )
    # The baby is a few months old whenever the demo is loaded, so baby sessions fit.
    baby_born = today - datetime.timedelta(days=120)
    baby, _ = Child.objects.get_or_create(
        parent=parent,
        first_name="Leo",
        defaults={"birth_month": baby_born.month, "birth_year": baby_born.year},
    )
    return [toddler, baby]


def _next_session(centre: CentrePage, slug: str) -> Session | None:
    return (
        Session.objects.filter(
            centre=centre,
            activity__slug=slug,
            status=Session.Status.SCHEDULED,
            start__gt=timezone.now() + datetime.timedelta(days=1),
        )
        .order_by("start")
        .first()
    )


def _ensure_bookings(centre: CentrePage, parent: User, children: list[Child]) -> None:
    """A few upcoming bookings for the demo parent, made once: the demo parent's bookings are
    theirs to cancel while trying the portal, and loading the demo again must not undo that."""
    if Booking.objects.filter(parent=parent).exists():
        return
    toddler, baby = children
    now = timezone.now()
    wanted = [
        ("stay-and-play", [toddler, baby], 0),
        ("baby-massage", [baby], 0),
        ("parenting-course", [], 1),
    ]
    for slug, kids, adults in wanted:
        session = _next_session(centre, slug)
        if session is None:
            continue  # the demo school year is over
        booking = Booking.objects.create(
            session=session,
            parent=parent,
            status=Booking.Status.CONFIRMED,
            places=adults or len(kids),
            adults=adults,
            confirmed_at=now,
        )
        booking.children.set(kids)


@demo.step(order=demo.TIMETABLE)
@transaction.atomic
def seed_bookings_demo() -> None:
    """Loads the demo timetable (see the module's docstring); safe to repeat."""
    _ensure_holidays()
    centres = list(
        CentrePage.objects.originals()
        .filter(slug__in=[spec.slug for spec in CENTRES])
        .order_by("path")
    )
    # Asked once rather than for each activity.
    partners = {partner.name: partner for partner in PartnerOrganisation.objects.all()}
    for centre in centres:
        there = {page.slug: page for page in ActivityPage.objects.child_of(centre)}
        venues = list(centre.venues.all())
        for spec in ACTIVITIES:
            activity = _ensure_activity(centre, spec, there, partners)
            if spec.course_weeks:
                _ensure_course(centre, activity, spec)
            else:
                _ensure_sessions(venues, activity, spec)
    parent = User.objects.filter(email="parent@startwell.example").first()
    if parent and centres:
        children = _ensure_children(parent)
        _ensure_bookings(centres[0], parent, children)
