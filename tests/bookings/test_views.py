"""The parent's side of bookings through the pages: what a family sees, what it may do, and
every refusal (a clear message, nothing written)."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from bookings import notifications
from bookings.models import Booking, Session
from startwell.models import AttemptCount
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def months_ago(months: int) -> tuple[int, int]:
    """(birth_month, birth_year) of a child `months` old this month."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return index % 12 + 1, index // 12


def child_aged(parent, months: int, name: str):
    month, year = months_ago(months)
    return ChildFactory(parent=parent, first_name=name, birth_month=month, birth_year=year)


def soon(days=1, hour=10):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def venue(centre):
    return VenueFactory(centre=centre, name="St Mary's Church Hall", postcode="NF1 2AB")


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(
        parent=centre, title="Stay and play", slug="stay-and-play", max_age_months=60
    )


@pytest.fixture
def session(activity, venue):
    return SessionFactory(activity=activity, venue=venue, capacity=4, max_places_per_booking=2)


@pytest.fixture
def parent(db):
    return UserFactory(email="parent@example.org", first_name="Pat")


@pytest.fixture
def kids(parent):
    return [child_aged(parent, 30, "Ada"), child_aged(parent, 18, "Ben")]


@pytest.fixture
def signed_in(client, parent):
    client.force_login(parent)
    return client


def book_url(session):
    return f"/sessions/{session.pk}/book/"


# --- The timetable ---------------------------------------------------------------------------


def test_sessions_page_lists_upcoming_sessions_with_places_left(client, session, activity):
    BookingFactory(session=session, places=1)
    full = SessionFactory(activity=activity, capacity=2, start=soon(days=2))
    BookingFactory(session=full, places=2)
    SessionFactory(activity=activity, status=Session.Status.CANCELLED, start=soon(days=3))
    past = timezone.now() - datetime.timedelta(days=1)
    SessionFactory(activity=activity, start=past, end=past + datetime.timedelta(hours=1))

    response = client.get("/sessions/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 sessions" in html
    assert "3 places left" in html
    assert "Full – join the waiting list" in html
    assert "St Mary&#x27;s Church Hall" in html
    assert "Northfield Centre" in html
    assert "For: Up to 5 years" in html


def test_sessions_page_filters_by_centre_category_day_and_places(client, centre, other_centre):
    tuesday = soon(days=(1 - timezone.localdate().weekday()) % 7 + 7)
    wednesday = tuesday + datetime.timedelta(days=1)
    north_play = ActivityPageFactory(parent=centre, title="North play", category="stay_and_play")
    north_health = ActivityPageFactory(
        parent=centre, title="North health", category="health_drop_in"
    )
    river_play = ActivityPageFactory(parent=other_centre, title="River play")
    SessionFactory(activity=north_play, start=tuesday)
    SessionFactory(activity=north_health, start=wednesday)
    full = SessionFactory(activity=river_play, start=tuesday, capacity=1)
    BookingFactory(session=full)

    def titles(query):
        html = client.get("/sessions/" + query).content.decode()
        return sorted(t for t in ("North play", "North health", "River play") if t in html)

    assert titles("") == ["North health", "North play", "River play"]
    assert titles("?centre=northfield") == ["North health", "North play"]
    assert titles("?category=health_drop_in") == ["North health"]
    assert titles("?weekday=2") == ["North play", "River play"]
    assert titles("?weekday=2&has_places=on") == ["North play"]
    assert titles("?centre=riverside&category=health_drop_in") == []


def test_sessions_page_filters_by_a_typed_age_or_a_chosen_child(signed_in, parent, centre):
    babies = ActivityPageFactory(
        parent=centre, title="Baby massage", min_age_months=None, max_age_months=12
    )
    toddlers = ActivityPageFactory(
        parent=centre, title="Toddler time", min_age_months=18, max_age_months=36
    )
    adults = ActivityPageFactory(
        parent=centre, title="Cooking on a budget", adults_only=True, max_age_months=None
    )
    for activity in (babies, toddlers, adults):
        SessionFactory(activity=activity, start=soon(days=2))
    toddler = child_aged(parent, 24, "Cleo")

    def titles(query):
        html = signed_in.get("/sessions/" + query).content.decode()
        found = ("Baby massage", "Toddler time", "Cooking on a budget")
        return sorted(t for t in found if t in html)

    assert titles("?age=6") == ["Baby massage"]
    assert titles("?age=6&age_unit=months") == ["Baby massage"]
    assert titles("?age=2&age_unit=years") == ["Toddler time"]
    assert titles(f"?child={toddler.pk}") == ["Toddler time"]
    assert titles("?age=10&age_unit=years") == []


def test_age_filter_counts_the_age_on_the_session_day(client, centre):
    """A baby 12 months old today is 13 months old at a session next month."""
    babies = ActivityPageFactory(parent=centre, title="Baby massage", max_age_months=12)
    SessionFactory(activity=babies, start=soon(days=2))
    next_month = soon(days=40)
    SessionFactory(activity=babies, start=next_month)
    html = client.get("/sessions/?age=12").content.decode()
    assert "1 session" in html
    assert f"{soon(days=2):%-d %B}" in html
    assert f"{next_month:%-d %B}" not in html


def test_sessions_page_reports_a_bad_age_and_still_lists(signed_in, parent, session):
    child = child_aged(parent, 20, "Dev")
    response = signed_in.get(f"/sessions/?child={child.pk}&age=2")
    html = response.content.decode()
    assert "Choose one of your children or type an age, not both." in html
    assert "Stay and play" in html


def test_sessions_page_does_not_offer_someone_elses_child(signed_in, session):
    stranger = ChildFactory(first_name="Zed")
    html = signed_in.get(f"/sessions/?child={stranger.pk}").content.decode()
    assert "Zed" not in html
    assert "Select a valid choice" in html


def test_sessions_page_is_paginated(client, activity):
    for day in range(1, 26):
        SessionFactory(activity=activity, start=soon(days=day))
    first = client.get("/sessions/").content.decode()
    second = client.get("/sessions/?page=2").content.decode()
    assert "25 sessions" in first
    assert "Page 1 of 2" in first
    assert 'aria-label="Pages of sessions"' in first
    assert 'href="?page=2">Next</a>' in first
    assert 'href="?page=1">Previous</a>' in second
    assert first.count('class="card session-card') == 20
    assert second.count('class="card session-card') == 5


def _make_sessions(activity, venue, count):
    for n in range(count):
        session = SessionFactory(
            activity=activity, venue=venue, start=soon(days=1 + n % 30, hour=9 + n % 8)
        )
        if n % 3 == 0:
            BookingFactory(session=session)


def _queries(client, url):
    client.get(url)  # warm the site's caches (root paths, site)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("where", ["sessions", "centre", "activity"])
def test_listings_use_the_same_number_of_queries_for_1_and_200_sessions(
    signed_in, parent, centre, activity, venue, where
):
    ChildFactory(parent=parent)
    url = {"sessions": "/sessions/", "centre": centre.url, "activity": activity.url}[where]
    other = ActivityPageFactory(parent=centre, title="Health drop-in", category="health_drop_in")
    _make_sessions(activity, venue, 1)
    with_one = _queries(signed_in, url)
    _make_sessions(activity, venue, 120)
    _make_sessions(other, venue, 79)
    with_many = _queries(signed_in, url)
    assert Session.objects.count() == 200
    assert with_many == with_one, f"{with_one} queries for 1 session, {with_many} for 200"
    assert with_one < 25


def test_centre_and_activity_pages_list_their_upcoming_sessions(
    client, centre, other_centre, activity, session
):
    elsewhere = ActivityPageFactory(parent=other_centre, title="River rhymes")
    SessionFactory(activity=elsewhere)

    centre_html = client.get(centre.url).content.decode()
    activity_html = client.get(activity.url).content.decode()

    assert "Upcoming sessions" in centre_html
    assert "3 places left" not in centre_html  # 4 places, none booked
    assert "4 places left" in centre_html
    assert "River rhymes" not in centre_html
    assert "/centres/northfield/calendar.ics" in centre_html
    assert "<h1>Stay and play</h1>" in activity_html
    assert "4 places left" in activity_html
    assert "Up to 5 years" in activity_html
    assert "Centre staff" in activity_html
    assert book_url(session) in activity_html


# --- Booking ---------------------------------------------------------------------------------


def test_booking_needs_signing_in_first(client, session):
    response = client.get(book_url(session))
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/sessions/{session.pk}/book/"


def test_booking_form_offers_the_parents_own_children_with_ages_on_the_day(
    signed_in, session, kids
):
    ChildFactory(first_name="Stranger")
    response = signed_in.get(book_url(session))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada (" in html
    assert "Ben (" in html
    assert "Stranger" not in html
    assert "4 places left" in html
    assert ">Book<" in html
    assert not Booking.objects.exists()


def test_parent_books_for_two_children(signed_in, parent, session, kids):
    response = signed_in.post(book_url(session), {"children": [k.pk for k in kids]})

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == f"/bookings/{booking.reference}/"
    assert booking.parent == parent
    assert booking.status == Booking.Status.CONFIRMED
    assert set(booking.children.all()) == set(kids)
    assert [m.subject for m in mail.outbox] == ["You're booked: Stay and play"]
    page = signed_in.get(response.url).content.decode()
    assert f"You&#x27;re booked. Your reference is {booking.reference}." in page
    assert "Ada, Ben" in page


def test_adults_only_session_books_a_number_of_adults(signed_in, parent, centre):
    course = ActivityPageFactory(
        parent=centre, title="Cooking on a budget", adults_only=True, max_age_months=None
    )
    session = SessionFactory(activity=course, max_places_per_booking=2)
    html = signed_in.get(book_url(session)).content.decode()
    assert "How many adults are coming?" in html

    too_many = signed_in.post(book_url(session), {"adults": 3})
    assert too_many.status_code == 400
    assert "You can book up to 2 places on this session." in too_many.content.decode()
    assert 'id="adults-error"' in too_many.content.decode()
    assert not Booking.objects.exists()

    signed_in.post(book_url(session), {"adults": 2})
    booking = Booking.objects.get()
    assert (booking.places, booking.adults) == (2, 2)


def assert_refused(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()
    assert mail.outbox == []


def test_booking_before_it_opens_is_refused(signed_in, session, kids):
    opens = timezone.now() + datetime.timedelta(hours=5)
    Session.objects.filter(pk=session.pk).update(booking_opens=opens)
    shown = f"{timezone.localtime(opens):%-d %B at %H:%M}"
    assert f"Booking for this session opens on {shown}." in (
        signed_in.get(book_url(session)).content.decode()
    )
    response = signed_in.post(book_url(session), {"children": [kids[0].pk]})
    assert_refused(response, f"Booking for this session opens on {shown}.")


def test_booking_after_it_closes_is_refused(signed_in, session, kids):
    Session.objects.filter(pk=session.pk).update(
        booking_closes=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = signed_in.post(book_url(session), {"children": [kids[0].pk]})
    assert_refused(response, "Booking for this session has closed.")


def test_booking_after_the_start_is_refused(signed_in, session, kids):
    started = timezone.now() - datetime.timedelta(minutes=10)
    Session.objects.filter(pk=session.pk).update(
        start=started, end=started + datetime.timedelta(hours=1)
    )
    response = signed_in.post(book_url(session), {"children": [kids[0].pk]})
    assert_refused(response, "This session has already started.")


def test_booking_more_places_than_allowed_is_refused(signed_in, parent, session, kids):
    third = child_aged(parent, 40, "Cas")
    response = signed_in.post(book_url(session), {"children": [k.pk for k in [*kids, third]]})
    assert_refused(response, "You can book up to 2 places on this session.")
    assert 'id="children-error"' in response.content.decode()


def test_child_outside_the_age_range_is_refused_by_name_range_and_age(signed_in, parent, centre):
    babies = ActivityPageFactory(parent=centre, title="Baby massage", max_age_months=12)
    session = SessionFactory(activity=babies)
    day = timezone.localtime(session.start).date()
    toddler = child_aged(parent, 14, "Ada")
    age = toddler.age_in_months_on(day)

    response = signed_in.post(book_url(session), {"children": [toddler.pk]})

    assert_refused(
        response,
        f"Baby massage is for children aged up to 12 months; "
        f"Ada will be {age} months old on {day:%-d %B}.",
    )


def test_only_the_child_outside_the_age_range_is_marked(signed_in, parent, centre):
    babies = ActivityPageFactory(parent=centre, title="Baby massage", max_age_months=12)
    session = SessionFactory(activity=babies)
    toddler = child_aged(parent, 14, "Ada")
    baby = child_aged(parent, 3, "Bo")

    response = signed_in.post(book_url(session), {"children": [toddler.pk, baby.pk]})

    assert response.status_code == 400
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', response.content.decode())
    marked = [box for box in boxes if "is-invalid" in box]
    assert len(boxes) == 2
    assert len(marked) == 1
    assert f'value="{toddler.pk}"' in marked[0]
    assert 'aria-invalid="true"' in marked[0]
    assert not Booking.objects.exists()


def test_an_older_child_is_offered_in_years_and_months(signed_in, parent, centre):
    session = SessionFactory(activity=ActivityPageFactory(parent=centre, title="Stay and play"))
    ben = child_aged(parent, 30, "Ben")
    age = ben.age_in_months_on(timezone.localtime(session.start).date())

    html = signed_in.get(book_url(session)).content.decode()

    rest = age - 24
    assert f"Ben (2 years {rest} month{'' if rest == 1 else 's'} old on the day)" in html


def test_e_mails_link_to_the_address_the_site_is_reached_at(signed_in, session, kids, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"

    signed_in.post(book_url(session), {"children": [kids[0].pk]}, HTTP_HOST="localhost:8123")

    (confirmation,) = mail.outbox
    assert "http://localhost:8123/bookings/" in confirmation.body
    assert "127.0.0.1:8000" not in confirmation.body
    # Outside a request (the scheduler's reminders), the configured address.
    mail.outbox.clear()
    notifications.session_reminder(Booking.objects.get(session=session))
    assert "http://127.0.0.1:8000/bookings/" in mail.outbox[0].body


def test_choosing_nobody_is_refused(signed_in, session, kids):
    response = signed_in.post(book_url(session), {})
    assert_refused(response, "Choose at least one child to book for.")


def test_someone_elses_child_cannot_be_booked(signed_in, session, kids):
    stranger = ChildFactory()
    response = signed_in.post(book_url(session), {"children": [stranger.pk]})
    assert_refused(response, "Select a valid choice.")


def test_duplicate_booking_is_refused(signed_in, parent, session, kids):
    first = BookingFactory(session=session, parent=parent)
    html = signed_in.get(book_url(session)).content.decode()
    assert f"See booking {first.reference}" in html
    response = signed_in.post(book_url(session), {"children": [kids[1].pk]})
    assert response.status_code == 400
    assert f"You already have a booking for this session (reference {first.reference})." in (
        response.content.decode()
    )
    assert Booking.objects.count() == 1


def test_unverified_parent_is_asked_to_verify_and_can_resend(client, session):
    unverified = UserFactory(verified=False)
    child = ChildFactory(parent=unverified)
    client.force_login(unverified)

    page = client.get(book_url(session)).content.decode()
    assert "Please confirm your e-mail address first" in page
    assert 'name="action_send"' in page
    assert 'action="/accounts/email/"' in page

    response = client.post(book_url(session), {"children": [child.pk]})
    assert response.status_code == 403
    assert "Please confirm your e-mail address first" in response.content.decode()
    assert not Booking.objects.exists()

    resend = client.post("/accounts/email/", {"email": unverified.email, "action_send": ""})
    assert resend.status_code == 302
    assert [m.to for m in mail.outbox] == [[unverified.email]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_full_session_offers_the_waiting_list(signed_in, parent, session, kids):
    BookingFactory(session=session, places=4)
    html = signed_in.get(book_url(session)).content.decode()
    assert "Full – join the waiting list" in html
    assert ">Book<" not in html
    assert 'name="join_waiting_list"' in html

    refused = signed_in.post(book_url(session), {"children": [kids[0].pk]})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Sorry, this session is full." in page
    assert not Booking.objects.filter(parent=parent).exists()
    # A short page, not the form again: it offers the waiting list with the same choices.
    assert "<title>Error: Sorry, this session is full. – Start Well</title>" in page
    assert '<main id="main-content"' in page
    assert "Who is coming?" not in page
    assert f'<input type="hidden" name="children" value="{kids[0].pk}">' in page
    assert '<button type="submit" name="join_waiting_list" value="1"' in page
    assert f'href="/sessions/{session.pk}/book/"' in page

    response = signed_in.post(
        book_url(session), {"children": [kids[0].pk], "join_waiting_list": "1"}
    )
    waiting = Booking.objects.get(parent=parent)
    assert response.url == f"/bookings/{waiting.reference}/"
    assert waiting.status == Booking.Status.WAITING
    assert "You&#x27;re on the waiting list" in signed_in.get(response.url).content.decode()


def test_a_refused_attempt_on_a_full_session_is_a_few_queries_however_many_have_booked(
    client, session
):
    """What hundreds of families get when a popular session opens: each attempt is counted
    against the family's limit, and refused in the same few queries (its facts kept by its
    first request, here a look at the form, with whether its address is confirmed, and the
    session as the form read it, kept as a shared fragment): the sign-in (session, person), the
    count, the family's children, and one for the family's own booking and the places left."""
    for places in (2, 1, 1):
        BookingFactory(session=session, places=places)
    counts = []
    for _ in range(3):
        family = UserFactory()
        child = child_aged(family, 30, "Kit")
        client.force_login(family)
        client.get(book_url(session))
        with CaptureQueriesContext(connection) as queries:
            refused = client.post(book_url(session), {"children": [child.pk]})
        assert refused.status_code == 409
        assert "Sorry, this session is full." in refused.content.decode()
        assert AttemptCount.objects.get(key=f"book_session:{family.pk}:60").count == 1
        counts.append(len(queries))
    assert counts == [5, 5, 5]
    assert Booking.objects.filter(session=session).count() == 3


def test_too_many_booking_attempts_are_refused(signed_in, session, kids, settings):
    settings.BOOKINGS_RATE_LIMIT = "3/m/user"
    for _ in range(3):
        assert signed_in.post(book_url(session), {}).status_code == 400
    response = signed_in.post(book_url(session), {"children": [kids[0].pk]})
    assert response.status_code == 429
    assert "You have tried to book a lot of times in a short while." in (response.content.decode())
    assert not Booking.objects.exists()


def test_booking_a_missing_or_unpublished_session_is_not_found(signed_in, session, activity):
    assert signed_in.get("/sessions/999999/book/").status_code == 404
    activity.unpublish()
    assert signed_in.get(book_url(session)).status_code == 404


# --- My bookings -----------------------------------------------------------------------------


def test_my_bookings_lists_upcoming_and_past_with_reference_status_and_children(
    signed_in, parent, session, kids, activity
):
    upcoming = BookingFactory(session=session, parent=parent, places=2)
    upcoming.children.set(kids)
    ended = timezone.now() - datetime.timedelta(days=3)
    old = SessionFactory(activity=activity, start=ended, end=ended + datetime.timedelta(hours=1))
    past = BookingFactory(session=old, parent=parent, status=Booking.Status.CANCELLED)
    someone_elses = BookingFactory(session=session)

    html = signed_in.get("/bookings/").content.decode()

    coming_up, past_part = html.split("Past bookings")
    assert upcoming.reference in coming_up
    assert "Booked" in coming_up
    assert "2 places: Ada, Ben" in coming_up
    assert past.reference in past_part
    assert "Cancelled" in past_part
    assert someone_elses.reference not in html
    assert "/children/" in html


def test_my_bookings_puts_cancelled_ones_under_their_own_heading(
    signed_in, parent, session, activity
):
    coming = BookingFactory(session=session, parent=parent)
    later = SessionFactory(activity=activity, start=session.start + datetime.timedelta(days=7))
    cancelled = BookingFactory(session=later, parent=parent, status=Booking.Status.CANCELLED)
    called_off = SessionFactory(
        activity=activity,
        start=session.start + datetime.timedelta(days=14),
        status=Session.Status.CANCELLED,
    )
    by_the_centre = BookingFactory(session=called_off, parent=parent)

    html = signed_in.get("/bookings/").content.decode()

    coming_up, rest = html.split('<h2 id="cancelled-heading">Cancelled</h2>')
    cancelled_part, _ = rest.split("Past bookings")
    assert coming.reference in coming_up
    assert cancelled.reference not in coming_up
    assert by_the_centre.reference not in coming_up
    assert cancelled.reference in cancelled_part
    assert by_the_centre.reference in cancelled_part
    assert "Session cancelled by the centre" in cancelled_part


def test_the_date_of_a_booking_is_part_of_its_links_name(signed_in, parent, session):
    BookingFactory(session=session, parent=parent)

    html = signed_in.get("/bookings/").content.decode()

    # One name with no stray space before the comma ("Stay and play , 7 December").
    day = timezone.localtime(session.start)
    assert f'aria-label="{session.activity.title}, {day:%-d %B}"' in html


def test_my_bookings_uses_the_same_number_of_queries_for_1_and_100_bookings(
    signed_in, parent, activity
):
    def add_bookings(count):
        for n in range(count):
            session = SessionFactory(activity=activity, start=soon(days=1 + n))
            booking = BookingFactory(session=session, parent=parent)
            booking.children.set([ChildFactory(parent=parent)])

    add_bookings(1)
    with_one = _queries(signed_in, "/bookings/")
    add_bookings(99)
    with_many = _queries(signed_in, "/bookings/")
    assert with_many == with_one


def test_someone_elses_booking_reference_is_not_found(signed_in, session):
    other = BookingFactory(session=session)
    for url in (
        f"/bookings/{other.reference}/",
        f"/bookings/{other.reference}/cancel/",
        f"/bookings/{other.reference}/calendar.ics",
        "/bookings/NOSUCHREF/",
    ):
        assert signed_in.get(url).status_code == 404, url
    assert signed_in.post(f"/bookings/{other.reference}/cancel/").status_code == 404
    assert Booking.objects.get(pk=other.pk).status == Booking.Status.CONFIRMED


def test_my_bookings_needs_signing_in(client):
    response = client.get("/bookings/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/bookings/")


def test_cancelling_asks_first_and_then_promotes_the_waiting_household(signed_in, parent, session):
    booking = BookingFactory(session=session, parent=parent, places=4)
    waiting = BookingFactory(
        session=session,
        status=Booking.Status.WAITING,
        places=2,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    url = f"/bookings/{booking.reference}/cancel/"

    confirm = signed_in.get(url)
    assert "Cancel this booking?" in confirm.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED

    response = signed_in.post(url)

    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(pk=waiting.pk).status == Booking.Status.CONFIRMED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([parent.email, waiting.parent.email])
    assert "Your booking is cancelled." in signed_in.get(response.url).content.decode()


def test_cancelling_after_the_cutoff_means_calling_the_centre(signed_in, parent, session):
    Session.objects.filter(pk=session.pk).update(
        cancellation_cutoff=timezone.now() - datetime.timedelta(hours=1)
    )
    session.centre.phone = "0161 496 0000"
    session.centre.save()
    booking = BookingFactory(session=session, parent=parent)

    detail = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert "Cancel this booking" not in detail
    assert "It is too late to cancel online" in detail
    assert "0161 496 0000" in detail

    response = signed_in.post(f"/bookings/{booking.reference}/cancel/")
    assert response.status_code == 400
    assert "It is too late to cancel this booking online. Please call the centre." in (
        response.content.decode()
    )
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert mail.outbox == []


def test_leaving_the_waiting_list(signed_in, parent, session):
    waiting = BookingFactory(
        session=session, parent=parent, status=Booking.Status.WAITING, confirmed_at=None
    )
    detail = signed_in.get(f"/bookings/{waiting.reference}/").content.decode()
    assert "Leave the waiting list" in detail
    assert "calendar.ics" not in detail
    assert "Leave the waiting list?" in (
        signed_in.get(f"/bookings/{waiting.reference}/cancel/").content.decode()
    )
    signed_in.post(f"/bookings/{waiting.reference}/cancel/")
    assert Booking.objects.get(pk=waiting.pk).status == Booking.Status.LEFT_WAITING_LIST


def test_get_never_changes_anything(signed_in, parent, session, kids):
    booking = BookingFactory(session=session, parent=parent)
    urls = [
        book_url(session) + f"?children={kids[0].pk}",
        f"/bookings/{booking.reference}/cancel/",
        f"/bookings/{booking.reference}/",
        f"/bookings/{booking.reference}/calendar.ics",
        "/bookings/",
        f"/children/{kids[0].pk}/remove/",
    ]
    for url in urls:
        assert signed_in.get(url).status_code == 200, url
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    assert parent.children.count() == 2
    assert mail.outbox == []


def test_booking_calendar_download(signed_in, parent, session):
    booking = BookingFactory(session=session, parent=parent)
    response = signed_in.get(f"/bookings/{booking.reference}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="start-well-{booking.reference}.ics"'
    )
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["summary"]) == f"Stay and play (booking {booking.reference})"
    assert event.decoded("dtstart") == session.start


def test_centre_feed_lists_upcoming_scheduled_sessions_without_personal_data(
    client, centre, other_centre, activity, session
):
    BookingFactory(session=session, parent=UserFactory(email="family@example.org"))
    SessionFactory(activity=activity, status=Session.Status.CANCELLED, start=soon(days=2))
    ended = timezone.now() - datetime.timedelta(days=1)
    SessionFactory(activity=activity, start=ended, end=ended + datetime.timedelta(hours=1))
    SessionFactory(activity=ActivityPageFactory(parent=other_centre, title="River rhymes"))

    response = client.get("/centres/northfield/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"session-{session.pk}@startwell"]
    assert "St Mary's Church Hall" in str(events[0]["location"])
    body = response.content.decode()
    assert "family@example.org" not in body
    assert "booking" not in body.lower()
    assert client.get("/centres/nowhere/calendar.ics").status_code == 404


def test_header_links_to_sessions_and_my_bookings(client, signed_in, home):
    html = signed_in.get("/sessions/").content.decode()
    assert re.search(r'href="/sessions/"\s+aria-current="page">Sessions<', html)
    assert 'href="/bookings/"' in html
    client.logout()
    assert 'href="/bookings/"' not in client.get("/sessions/").content.decode()


def test_centre_page_shows_the_next_few_sessions_and_links_to_the_rest(client, centre, activity):
    for day in range(1, 9):
        SessionFactory(activity=activity, start=soon(days=day))
    html = client.get(centre.url).content.decode()
    assert html.count('class="card session-card') == 6
    assert 'href="/sessions/?centre=northfield">See all upcoming sessions' in html
    activity_html = client.get(activity.url).content.decode()
    assert activity_html.count('class="card session-card') == 8
    assert "See all upcoming sessions" not in activity_html


def test_a_session_whose_booking_has_closed_says_so_in_the_list(client, session):
    Session.objects.filter(pk=session.pk).update(
        booking_closes=timezone.now() - datetime.timedelta(minutes=1)
    )
    html = client.get("/sessions/").content.decode()
    assert "Booking has closed" in html
    assert book_url(session) not in html


def test_booking_for_a_session_the_centre_cancelled_shows_why(signed_in, parent, session):
    booking = BookingFactory(session=session, parent=parent)
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.CANCELLED, cancellation_reason="The hall is flooded."
    )
    html = signed_in.get(f"/bookings/{booking.reference}/").content.decode()
    assert "Session cancelled by the centre: The hall is flooded." in html
    assert "Cancel this booking" not in html
    assert "calendar.ics" not in html
    assert session.pk not in [s.pk for s in signed_in.get("/sessions/").context["sessions"]]


def test_a_new_activity_previewed_before_saving_lists_no_sessions(rf, centre):
    from django.template import Context, Template

    from cms.models import ActivityPage

    unsaved = ActivityPage(title="New group", summary="Soon.", category="stay_and_play")
    html = Template("{% load bookings_tags %}{% upcoming_sessions_for page %}").render(
        Context({"page": unsaved, "request": rf.get("/")})
    )
    assert "No sessions are planned yet." in html
