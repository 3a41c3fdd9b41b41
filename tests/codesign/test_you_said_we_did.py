"""'You said, we did': the ideas centres took up, the sessions that came of them and how many
families came, at /ideas/you-said-we-did/ and on each centre's page."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Attendance, Booking, Session, WalkIn
from codesign.models import IdeaDecision, IdeaStatus
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory, UserFactory
from tests.factories.codesign import IdeaFactory

S = IdeaStatus


def html(response) -> str:
    return response.content.decode()


def _scheduled(centre, activity, title="Dads' breakfast club", *, days_ago=30):
    """An idea the centre took up `days_ago` days ago (the decision is what counts)."""
    idea = IdeaFactory(
        centre=centre,
        title=title,
        status=S.SCHEDULED,
        activity=activity,
        response="We run it every first Saturday.",
    )
    _decided(idea, S.SCHEDULED, days_ago=days_ago, from_status=S.UNDER_REVIEW)
    return idea


def _decided(idea, to_status, *, days_ago, from_status=S.UNDER_REVIEW):
    decision = IdeaDecision.objects.create(idea=idea, from_status=from_status, to_status=to_status)
    # `decided_at` is set on creation; the test needs it in the past.
    IdeaDecision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - timedelta(days=days_ago)
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


# --- Only what came of the idea counts --------------------------------------------------------


def test_sessions_before_the_idea_was_taken_up_are_not_counted(client, centre, activity):
    idea = IdeaFactory(centre=centre, title="Baby yoga", status=S.SCHEDULED, activity=activity)
    # Accepted ten days ago, linked five days ago: it counts from the first of the two.
    _decided(idea, S.ACCEPTED, days_ago=10)
    _decided(idea, S.SCHEDULED, days_ago=5, from_status=S.ACCEPTED)
    long_before, just_before = _past_session(activity, 300), _past_session(activity, 11)
    after = _past_session(activity, 3)
    came = Attendance.ATTENDED
    for earlier in (long_before, just_before):
        BookingFactory(session=earlier, attendance=came)
        WalkIn.objects.create(session=earlier, label="At the door", children=1, places=1)
    BookingFactory(session=after, attendance=came)

    page = html(client.get(reverse("codesign:you_said_we_did")))

    assert "1 session so far · 1 family came" in page


def test_a_session_starting_at_the_decision_counts(client, centre, activity):
    idea = _scheduled(centre, activity, days_ago=4)
    decided_at = idea.decisions.get().decided_at
    BookingFactory(
        session=SessionFactory(
            activity=activity, start=decided_at, end=decided_at + timedelta(hours=1)
        ),
        attendance=Attendance.ATTENDED,
    )
    assert "1 session so far · 1 family came" in html(
        client.get(reverse("codesign:you_said_we_did"))
    )


def test_an_idea_without_a_recorded_decision_counts_from_when_it_was_proposed(
    client, centre, activity
):
    IdeaFactory(centre=centre, title="Messy play", status=S.SCHEDULED, activity=activity)
    _past_session(activity, 2)  # before the idea (created just now) existed
    assert "0 sessions so far · 0 families came" in html(
        client.get(reverse("codesign:you_said_we_did"))
    )


def test_the_cached_pages_show_the_count_from_the_decision_at_once_and_as_sessions_start(
    centre, activity, manager, monkeypatch
):
    """Served to visitors from the page cache: the decision itself, and a session starting after
    it, both show on the next visit with nothing else written."""
    from codesign import services as ideas

    visitor = Client()
    came = Attendance.ATTENDED
    BookingFactory(session=_past_session(activity, 20), attendance=came)
    idea = IdeaFactory(centre=centre, title="Dads' breakfast club", status=S.ACCEPTED)
    _decided(idea, S.ACCEPTED, days_ago=1)
    soon = SessionFactory(
        activity=activity,
        start=timezone.now() + timedelta(hours=1),
        end=timezone.now() + timedelta(hours=2),
    )
    BookingFactory(session=soon, attendance=came)
    outcomes_url = reverse("codesign:you_said_we_did")
    assert "sessions so far" not in html(visitor.get(outcomes_url))
    assert "sessions so far" not in html(visitor.get(centre.url))

    ideas.schedule_idea(idea=idea, by=manager, activity=activity)

    assert "0 sessions so far · 0 families came" in html(visitor.get(outcomes_url))
    assert "0 sessions so far · 0 families came" in html(visitor.get(centre.url))
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "1 session so far · 1 family came" in html(visitor.get(outcomes_url))
    assert "1 session so far · 1 family came" in html(visitor.get(centre.url))
