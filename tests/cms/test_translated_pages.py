"""Pages in other languages: a translated page has its own address under the language's prefix
(`/pl/centres/…`) with `hreflang` alternates; a page not translated yet is shown in English with
a note; and sessions and every other record stay one, on the English page, whichever language
the page is read in."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale

from cms.models import CentrePage, in_active_language
from tests.factories import ActivityPageFactory, SessionFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

NOTE = 'class="alert alert-info untranslated-note"'


def translate(page, title: str, language: str = "pl"):
    """A published translation of `page` (and of any parent not yet translated), as a manager
    makes with wagtail-localize: a copy in the other locale with the same translation key."""
    translated = page.copy_for_translation(
        Locale.objects.get(language_code=language), copy_parents=True
    )
    for ancestor in translated.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    translated.title = title
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def alternates(response) -> dict[str, str]:
    return dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.text)
    )


def polish_visitor() -> Client:
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    return visitor


@pytest.fixture
def polish_centre(centre):
    return translate(centre, "Centrum Northfield")


def test_a_translated_page_has_its_own_address_under_the_language(polish_centre, centre):
    assert polish_centre.url == "/pl/centres/northfield/"

    response = Client().get(polish_centre.url)

    assert response.status_code == 200
    assert html_tag(response) == '<html lang="pl">'
    assert "<h1>Centrum Northfield</h1>" in response.text
    assert NOTE not in response.text
    assert alternates(response) == {
        "en-gb": "http://localhost/centres/northfield/",
        "pl": "http://localhost/pl/centres/northfield/",
    }


def test_the_english_page_names_its_translations(polish_centre, centre):
    response = Client().get(centre.url)

    assert html_tag(response) == '<html lang="en-gb">'
    assert "<h1>Northfield Centre</h1>" in response.text
    assert alternates(response)["pl"] == "http://localhost/pl/centres/northfield/"


def test_a_page_with_no_translation_has_no_alternates(centre):
    assert alternates(Client().get(centre.url)) == {}


def test_a_page_not_yet_translated_is_shown_in_english_with_a_note(polish_centre, other_centre):
    response = Client().get("/pl/centres/riverside/")

    assert response.status_code == 200
    assert html_tag(response) == '<html lang="pl">'
    assert "<h1>Riverside Centre</h1>" in response.text
    assert NOTE in response.text


def test_with_no_page_translated_at_all_every_page_is_shown_in_english(centre):
    response = Client().get("/pl/centres/northfield/")

    assert response.status_code == 200
    assert "<h1>Northfield Centre</h1>" in response.text
    assert NOTE in response.text


def test_a_missing_page_is_still_missing_in_every_language(polish_centre):
    assert Client().get("/pl/centres/nowhere/").status_code == 404
    assert Client().get("/ur/centres/nowhere/").status_code == 404


def test_someone_who_chose_polish_is_sent_to_the_polish_page(polish_centre, centre):
    response = polish_visitor().get(centre.url)

    assert response.status_code == 302
    assert response["Location"] == "/pl/centres/northfield/"


def test_someone_who_chose_polish_reads_an_untranslated_page_at_its_english_address(
    polish_centre, other_centre
):
    response = polish_visitor().get(other_centre.url)

    assert response.status_code == 200
    assert html_tag(response) == '<html lang="pl">'
    assert NOTE in response.text


def test_the_english_page_shows_no_note(polish_centre, centre):
    assert NOTE not in Client().get(centre.url).text


@pytest.mark.parametrize(
    ("language", "next_url", "location"),
    [
        ("pl", "/centres/northfield/", "/pl/centres/northfield/"),
        ("en-gb", "/pl/centres/northfield/", "/centres/northfield/"),
        ("ur", "/pl/centres/northfield/", "/ur/centres/northfield/"),
        ("pl", "/sessions/?centre=northfield", "/sessions/?centre=northfield"),
    ],
)
def test_changing_language_moves_to_the_same_page_in_that_language(
    polish_centre, language, next_url, location
):
    response = Client().post(reverse("set_language"), {"language": language, "next": next_url})

    assert response["Location"] == location


def test_the_home_page_lists_each_centre_once_in_the_visitors_language(polish_centre, other_centre):
    text = Client().get("/pl/").text

    assert "Centrum Northfield" in text
    assert "Riverside Centre" in text  # not translated: in English
    assert "Northfield Centre" not in text.split("<main", 1)[1]


def test_listings_in_english_cost_no_query_for_translations(
    polish_centre, django_assert_num_queries
):
    centres = list(CentrePage.objects.live().originals().order_by("title"))

    with django_assert_num_queries(0):
        assert in_active_language(centres) == centres


def test_a_translated_activity_shows_the_sessions_of_its_english_original(centre):
    activity = ActivityPageFactory(parent=centre, title="Rhyme time", slug="rhyme-time")
    venue = VenueFactory(centre=centre, name="Church hall")
    session = SessionFactory(activity=activity, venue=venue)
    polish = translate(activity, "Rymowanki")
    booking_link = reverse("bookings:book", args=[session.pk])

    activity_page = Client().get(polish.url)
    centre_page = Client().get(polish.get_parent().url)

    assert polish.url == "/pl/centres/northfield/rhyme-time/"
    assert "<h1>Rymowanki</h1>" in activity_page.text
    assert booking_link in activity_page.text
    assert booking_link in centre_page.text
    assert str(session.pk) in activity_page.text.split('type="application/ld+json"', 1)[1]


def test_the_timetable_and_forms_offer_each_centre_once(polish_centre):
    response = Client().get("/sessions/", {"centre": "northfield"})

    assert response.status_code == 200
    options = re.findall(r'<option value="northfield"', response.text)
    assert len(options) == 1


def card_links(text: str) -> list[tuple[str, str]]:
    """(address, title) of each session card's link to its activity."""
    return re.findall(r'<h\d class="h5 card-title"><a href="([^"]+)">([^<]+)</a>', text)


def test_session_cards_link_to_the_activity_in_the_visitors_language(centre):
    venue = VenueFactory(centre=centre, name="Church hall")
    rhymes = ActivityPageFactory(parent=centre, title="Rhyme time", slug="rhyme-time")
    messy = ActivityPageFactory(parent=centre, title="Messy play", slug="messy-play")
    SessionFactory(activity=rhymes, venue=venue)
    SessionFactory(activity=messy, venue=venue)
    translate(rhymes, "Rymowanki")

    polish = polish_visitor()
    for url in ["/sessions/", "/pl/centres/northfield/"]:
        assert sorted(card_links(polish.get(url).text)) == [
            ("/centres/northfield/messy-play/", "Messy play"),  # not translated: in English
            ("/pl/centres/northfield/rhyme-time/", "Rymowanki"),
        ], url
    assert sorted(card_links(Client().get("/sessions/").text)) == [
        ("/centres/northfield/messy-play/", "Messy play"),
        ("/centres/northfield/rhyme-time/", "Rhyme time"),
    ]


def test_the_translated_links_cost_one_query_for_the_whole_list(centre, without_page_cache):
    venue = VenueFactory(centre=centre, name="Church hall")

    def translated_activity(number: int):
        activity = ActivityPageFactory(parent=centre, title=f"Group {number}")
        SessionFactory(activity=activity, venue=venue)
        translate(activity, f"Grupa {number}")

    def queries(client, url) -> int:
        client.get(url)  # warm the site and page-path caches, as a running site would be
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    translated_activity(1)
    polish, english = polish_visitor(), Client()
    with_one = {url: queries(polish, url) for url in ["/sessions/", "/pl/centres/northfield/"]}
    in_english = queries(english, "/sessions/")
    for number in range(2, 5):
        translated_activity(number)

    assert {url: queries(polish, url) for url in with_one} == with_one
    assert queries(english, "/sessions/") == in_english
    assert len(card_links(polish.get("/sessions/").text)) == 4


def test_a_translation_published_or_unpublished_shows_in_the_alternates_at_once(centre):
    """Signed in, a page's alternates are kept between changes (`pagecache.fragment`): a
    translation published or unpublished shows on the next request."""
    client = Client()
    client.force_login(UserFactory())
    assert alternates(client.get(centre.url)) == {}

    polish = translate(centre, "Centrum Northfield")
    assert set(alternates(client.get(centre.url))) == {"en-gb", "pl"}

    polish.unpublish()
    assert alternates(client.get(centre.url)) == {}
