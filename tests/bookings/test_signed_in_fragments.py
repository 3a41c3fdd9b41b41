"""Signed-in people share the cached fragments of /sessions/ and a centre page (the results and
the upcoming sessions): a booking, a cancellation or a session edit shows on the next request,
and nothing of one person's shows to another."""

import pytest

from bookings.models import Booking, BookingStatus
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.support.bookings import book


@pytest.fixture
def session(centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play", slug="stay-and-play")
    venue = VenueFactory(centre=centre, name="St Mary's Church Hall")
    return SessionFactory(activity=activity, venue=venue, capacity=4, max_places_per_booking=2)


def pages_as(client, user, centre) -> list[str]:
    client.force_login(user)
    return [client.get(path).content.decode() for path in ("/sessions/", centre.url)]


def test_a_booking_a_cancellation_and_an_edit_show_on_the_next_signed_in_request(
    client, centre, session
):
    person = UserFactory()
    assert all("4 places left" in page for page in pages_as(client, person, centre))
    booking = book(session)
    assert all("3 places left" in page for page in pages_as(client, person, centre))
    booking.status = BookingStatus.CANCELLED
    booking.save()
    assert all("4 places left" in page for page in pages_as(client, person, centre))
    session.capacity = 6
    session.save()
    assert all("6 places left" in page for page in pages_as(client, person, centre))


def test_one_persons_booking_never_shows_to_another(client, centre, session):
    booking = book(session, first_name="Alexa", last_name="Quint")
    # Alexa's pages first, so any fragment kept is the one made while she was signed in.
    for page in pages_as(client, booking.parent, centre):
        assert "3 places left" in page
    other = UserFactory(first_name="Bo")
    for page in pages_as(client, other, centre):
        assert "3 places left" in page
        assert booking.reference not in page
        assert "Alexa" not in page and "Quint" not in page


def test_the_timetables_filters_are_shared_but_each_family_picks_from_its_own_children(client, db):
    ada = ChildFactory(first_name="Ada")
    bea = ChildFactory(first_name="Bea")
    client.force_login(ada.parent)
    page = client.get("/sessions/?has_places=on").content.decode()
    assert ">Ada<" in page and 'id="id_has_places" checked' in page
    client.force_login(bea.parent)
    page = client.get("/sessions/?has_places=on").content.decode()
    assert ">Bea<" in page and ">Ada<" not in page
    assert 'id="id_has_places" checked' in page


def test_a_centre_published_joins_the_timetables_filter_at_once(client, centre, other_centre):
    client.force_login(UserFactory())
    assert ">Riverside Centre<" in client.get("/sessions/").content.decode()
    other_centre.title = "Riverside Family Hub"
    other_centre.save_revision().publish()
    page = client.get("/sessions/").content.decode()
    assert ">Riverside Family Hub<" in page and ">Riverside Centre<" not in page


def test_the_booking_forms_facts_change_at_once(client, centre, session):
    client.force_login(UserFactory())
    url = f"/sessions/{session.pk}/book/"
    assert "4 places left" in client.get(url).content.decode()
    book(session)
    venue = VenueFactory(centre=centre, name="Library community room")
    session.venue = venue
    session.save()
    page = client.get(url).content.decode()
    assert "3 places left" in page and "Library community room" in page


def test_the_session_a_form_and_an_attempt_read_is_as_fresh_as_the_forms_facts(
    client, centre, session
):
    """The session with its places is kept for everyone under the page cache's generation: a
    session that fills, grows or has its activity unpublished is seen so by the next look at the
    form and the next attempt."""
    family = UserFactory()
    child = ChildFactory(parent=family, first_name="Kit")
    client.force_login(family)
    url = f"/sessions/{session.pk}/book/"
    assert "Join the waiting list" not in client.get(url).content.decode()
    book(session, children=2)
    book(session, children=2)
    assert "This session is full." in client.get(url).content.decode()
    assert client.post(url, {"children": [child.pk]}).status_code == 409
    session.capacity = 5
    session.save()
    assert "1 place left" in client.get(url).content.decode()
    booked = client.post(url, {"children": [child.pk]})
    assert booked.status_code == 302
    booking = Booking.objects.get(session=session, parent=family)
    assert booking.status == BookingStatus.CONFIRMED
    session.activity.unpublish()
    assert client.get(url).status_code == 404
    assert client.post(url, {"children": [child.pk]}).status_code == 404
