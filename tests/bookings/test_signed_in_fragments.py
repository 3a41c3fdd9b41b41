"""Signed-in people share the cached fragments of /sessions/ and a centre page (the results and
the upcoming sessions): a booking, a cancellation or a session edit shows on the next request,
and nothing of one person's shows to another."""

import pytest

from bookings.models import BookingStatus
from tests.factories import ActivityPageFactory, SessionFactory, UserFactory, VenueFactory
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
