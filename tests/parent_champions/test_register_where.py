"""The register's venue, activity and centre are kept for everyone between changes (under the page
cache's generation); who may see the register never is. A venue renamed, a session moved to
another venue or an activity republished shows on the next look; a champion who stops hosting
is refused at once."""

from django.urls import reverse

from bookings.models import Session
from cms.models import ActivityPage
from parent_champions.models import Hosting
from tests.factories import VenueFactory


def register(client, session) -> str:
    response = client.get(reverse("parent_champions:register", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_renamed_venue_shows_on_the_next_look(client, champion, centre, session_today):
    venue = VenueFactory(centre=centre, name="Garden room")
    Session.objects.filter(pk=session_today.pk).update(venue=venue)
    client.force_login(champion.user)
    assert "Garden room" in register(client, session_today)

    venue.name = "Sunflower room"
    venue.save()

    page = register(client, session_today)
    assert "Sunflower room" in page and "Garden room" not in page


def test_a_session_moved_to_another_venue_shows_on_the_next_look(
    client, champion, centre, session_today
):
    hall = VenueFactory(centre=centre, name="Main hall")
    client.force_login(champion.user)
    assert "Venue to be confirmed" in register(client, session_today)

    session_today.venue = hall
    session_today.save()

    assert "Main hall" in register(client, session_today)


def test_an_activity_republished_shows_on_the_next_look(client, champion, activity, session_today):
    client.force_login(champion.user)
    assert "Register: Stay and play" in register(client, session_today)

    page = ActivityPage.objects.get(pk=activity.pk)
    page.title = "Stay and play (garden)"
    page.save_revision().publish()

    assert "Register: Stay and play (garden)" in register(client, session_today)


def test_a_champion_who_stops_hosting_is_refused_at_once(client, champion, session_today):
    client.force_login(champion.user)
    register(client, session_today)

    Hosting.objects.filter(champion=champion).delete()

    url = reverse("parent_champions:register", args=[session_today.pk])
    assert client.get(url).status_code == 404
