"""'You said, we did': the ideas centres took up, the sessions that came of them and how many
families came, at /ideas/you-said-we-did/ and on each centre's page."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Attendance, Booking, Session, WalkIn
from codesign.models import IdeaStatus
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory
from tests.factories.codesign import IdeaFactory

S = IdeaStatus


def html(response) -> str:
    return response.content.decode()


def _scheduled(centre, activity, title="Dads' breakfast club"):
    return IdeaFactory(
        centre=centre,
        title=title,
        status=S.SCHEDULED,
        activity=activity,
        response="We run it every first Saturday.",
    )


def _past_session(activity, days_ago):
    start = timezone.now() - timedelta(days=days_ago)
    return SessionFactory(activity=activity, start=start, end=start + timedelta(hours=1))


def test_outcomes_show_sessions_and_the_families_who_came(client, centre, activity):
    _scheduled(centre, activity)
    first, second = _past_session(activity, 14), _past_session(activity, 7)
    regular, once = UserFactory(), UserFactory()
    came = Attendance.ATTENDED
    BookingFactory(session=first, parent=regular, attendance=came)
    BookingFactory(session=second, parent=regular, attendance=came)
    BookingFactory(session=second, parent=once, attendance=came)
    WalkIn.objects.create(session=second, label="Grandad and Leo", children=1, places=1)
    # No-shows, unmarked bookings, cancelled bookings, cancelled sessions and sessions still to
    # come are not attendance.
    BookingFactory(session=first, attendance=Attendance.NO_SHOW)
    BookingFactory(session=second)
    BookingFactory(session=first, status=Booking.Status.CANCELLED)
    cancelled = _past_session(activity, 3)
    cancelled.status = Session.Status.CANCELLED
    cancelled.save()
    BookingFactory(session=cancelled)
    upcoming = SessionFactory(activity=activity)
    BookingFactory(session=upcoming)
    IdeaFactory(centre=centre, title="Still open")
    IdeaFactory(centre=centre, title="Said no", status=S.DECLINED, response="Sorry")

    page = html(client.get(reverse("codesign:you_said_we_did")))

    assert "Dads&#x27; breakfast club" in page
    assert "We run it every first Saturday." in page
    assert "2 sessions so far · 3 families came" in page
    assert timezone.localtime(upcoming.start).strftime("%A %-d %B, %H:%M") in page
    assert "Still open" not in page and "Said no" not in page


def test_accepted_ideas_show_their_response_before_sessions_exist(client, centre):
    IdeaFactory(centre=centre, title="Messy play", status=S.ACCEPTED, response="From May.")
    page = html(client.get(reverse("codesign:you_said_we_did")))
    assert "Messy play" in page and "From May." in page


def test_the_page_uses_the_same_queries_for_one_and_many_outcomes(
    client, centre, without_page_cache
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("codesign:you_said_we_did")).status_code == 200
        return len(captured)

    activity = ActivityPageFactory(parent=centre)
    _scheduled(centre, activity, "First")
    SessionFactory(activity=activity)
    queries()  # the first visit warms the site's cached page paths
    one = queries()
    for n in range(8):
        other = ActivityPageFactory(parent=centre)
        _scheduled(centre, other, f"More {n}")
        SessionFactory(activity=other)
        BookingFactory(session=_past_session(other, 2))
    assert queries() == one


def test_a_centres_page_shows_its_own_outcomes_in_a_fixed_number_of_queries(
    client, centre, other_centre, activity, other_activity, without_page_cache
):
    _scheduled(centre, activity, "Northfield breakfast")
    _scheduled(other_centre, other_activity, "Riverside outcome")
    SessionFactory(activity=activity)

    client.get(centre.url)  # the first visit warms the site's cached page paths
    with CaptureQueriesContext(connection) as one:
        page = html(client.get(centre.url))
    assert "You said, we did" in page
    assert "Northfield breakfast" in page and "Riverside outcome" not in page

    for n in range(5):
        more = ActivityPageFactory(parent=centre)
        _scheduled(centre, more, f"More {n}")
        SessionFactory(activity=more)
    with CaptureQueriesContext(connection) as many:
        client.get(centre.url)
    assert len(many) == len(one)


def test_a_centre_without_outcomes_invites_ideas(client, centre):
    page = html(client.get(centre.url))
    assert "You said, we did" not in page
    assert f"{reverse('codesign:new')}?centre={centre.pk}" in page
