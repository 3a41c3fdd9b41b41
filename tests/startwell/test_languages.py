"""Choosing a language: the first visit follows the browser, the control on every page (no
JavaScript) changes it, a signed-in person's choice is kept on their account, Urdu is right to
left, and the anonymous page cache never answers in another language than the one asked for."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from startwell import pagecache
from tests.accounts import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = "/sessions/"


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def choose(client, language: str, next_url: str = SESSIONS):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.fixture
def visitor():
    return Client()


@pytest.mark.parametrize(
    ("accept", "tag"),
    [
        ("", '<html lang="en-gb">'),
        ("pl-PL,pl;q=0.9,en;q=0.5", '<html lang="pl">'),
        ("ur", '<html lang="ur" dir="rtl">'),
        ("de-DE,de;q=0.9", '<html lang="en-gb">'),  # not one of ours: English
    ],
)
def test_a_first_visit_follows_the_browsers_languages(visitor, centre, accept, tag):
    response = visitor.get(SESSIONS, HTTP_ACCEPT_LANGUAGE=accept)

    assert html_tag(response) == tag
    assert response["Content-Language"] == re.search(r'lang="([^"]+)"', tag).group(1)


def test_urdu_pages_use_bootstraps_right_to_left_stylesheet(visitor, centre):
    urdu = visitor.get(SESSIONS, HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    english = visitor.get(SESSIONS).content.decode()

    assert "bootstrap.rtl.min.css" in urdu
    assert "bootstrap.min.css" not in urdu
    assert "bootstrap.min.css" in english
    assert "rtl" not in english.split("<body", 1)[0]


def test_every_page_has_the_language_control_naming_each_language_in_itself(visitor, centre):
    html = visitor.get(SESSIONS).content.decode()
    control = html.split('class="language-control"', 1)[1].split("</form>", 1)[0]

    assert f'action="{reverse("set_language")}"' in html
    assert 'method="post"' in html.split('class="language-control"', 1)[0].rsplit("<form", 1)[1]
    buttons = re.findall(r"<button[^>]*>[^<]*</button>", control)
    assert [re.search(r">([^<]*)<", button).group(1) for button in buttons] == [
        "English",
        "Polski",
        "اردو",
    ]
    assert 'lang="pl"' in buttons[1] and 'type="submit"' in buttons[1]
    assert 'lang="ur" dir="rtl"' in buttons[2]
    assert 'aria-current="true"' in buttons[0]
    assert f'name="next" value="{SESSIONS}"' in control
    # No CSRF token for a visitor: the page stays cacheable (startwell/language_views.py).
    assert "csrfmiddlewaretoken" not in control


def test_choosing_a_language_keeps_it_for_the_next_pages(visitor, centre):
    response = choose(visitor, "pl")

    assert response.status_code == 302
    assert response["Location"] == SESSIONS
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "pl"
    assert cookie["httponly"]
    # The cookie beats the browser's own languages.
    assert html_tag(visitor.get(SESSIONS, HTTP_ACCEPT_LANGUAGE="ur")) == '<html lang="pl">'


def test_choosing_a_language_needs_no_csrf_token_from_a_visitor(centre):
    visitor = Client(enforce_csrf_checks=True)

    assert choose(visitor, "ur").status_code == 302
    assert html_tag(visitor.get(SESSIONS)) == '<html lang="ur" dir="rtl">'


def test_the_control_is_a_post_form_only(visitor, centre):
    response = visitor.get(reverse("set_language"), {"language": "pl", "next": SESSIONS})

    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("language", ["de", "xx", ""])
def test_a_language_the_portal_does_not_speak_changes_nothing(visitor, centre, language):
    response = choose(visitor, language)

    assert response.status_code == 302
    assert html_tag(visitor.get(SESSIONS)) == '<html lang="en-gb">'


def test_the_control_never_sends_anyone_to_another_site(visitor, centre):
    response = choose(visitor, "pl", next_url="https://evil.example/")

    assert response["Location"] == "/pl/"  # the home page, in Polish


def test_a_signed_in_persons_choice_is_kept_on_their_account(client, parent, centre):
    client.force_login(parent)

    html = client.get(SESSIONS).content.decode()
    control = html.split('class="language-control"', 1)[1].split("</form>", 1)[0]
    assert "csrfmiddlewaretoken" in control
    choose(client, "ur")

    parent.refresh_from_db()
    assert parent.language == "ur"
    # On another device (no language cookie, an English browser) it is still Urdu.
    elsewhere = Client()
    elsewhere.force_login(parent)
    assert html_tag(elsewhere.get(SESSIONS, HTTP_ACCEPT_LANGUAGE="en")).startswith(
        '<html lang="ur"'
    )


def test_a_signed_in_persons_choice_needs_the_csrf_token(parent, centre):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)

    response = choose(client, "pl")

    assert response.status_code == 403
    parent.refresh_from_db()
    assert parent.language == ""


def test_signing_in_keeps_the_language_the_person_was_browsing_in(client, centre):
    person = UserFactory(email="agnieszka@example.org")
    choose(client, "pl")

    sign_in(client, person)

    person.refresh_from_db()
    assert person.language == "pl"


def test_signing_in_never_overrides_a_language_chosen_before(client, centre):
    person = UserFactory(email="imran@example.org", language="ur")
    choose(client, "pl")

    sign_in(client, person)

    person.refresh_from_db()
    assert person.language == "ur"
    assert html_tag(client.get(SESSIONS)).startswith('<html lang="ur"')


# --- The anonymous page cache ------------------------------------------------------------------


def test_the_page_cache_keeps_each_language_apart(centre, centres_index):
    url = centres_index.url
    english, polish, urdu = Client(), Client(), Client()

    first = english.get(url)
    assert html_tag(first) == '<html lang="en-gb">'
    # Each language is rendered for itself, then served from the cache in that language only.
    assert html_tag(polish.get(url, HTTP_ACCEPT_LANGUAGE="pl")) == '<html lang="pl">'
    assert html_tag(urdu.get(url, HTTP_ACCEPT_LANGUAGE="ur")).startswith('<html lang="ur"')
    polish.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    assert html_tag(polish.get(url)) == '<html lang="pl">'
    assert html_tag(english.get(url)) == '<html lang="en-gb">'
    assert html_tag(Client().get(url, HTTP_ACCEPT_LANGUAGE="ur")).startswith('<html lang="ur"')


def test_the_page_cache_serves_a_cached_page_in_the_language_it_was_kept_in(
    centre, centres_index, django_assert_num_queries
):
    url = centres_index.url
    Client().get(url, HTTP_ACCEPT_LANGUAGE="pl")

    with django_assert_num_queries(0):  # from the cache
        again = Client().get(url, HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9")
    assert html_tag(again) == '<html lang="pl">'


def test_the_page_cache_key_holds_the_chosen_language(rf):
    middleware = pagecache.AnonymousPageCacheMiddleware(lambda request: None)
    keys = {
        middleware.key_for(rf.get("/centres/", HTTP_ACCEPT_LANGUAGE=accept))
        for accept in ["en-GB", "pl", "ur"]
    }
    same = {
        middleware.key_for(rf.get("/centres/", HTTP_ACCEPT_LANGUAGE=accept))
        for accept in ["pl", "pl-PL", "pl-PL,en;q=0.5"]
    }

    assert len(keys) == 3
    assert len(same) == 1


def test_the_language_middleware_sits_where_the_cache_and_urls_need_it():
    order = settings.MIDDLEWARE
    language = order.index("startwell.languages.LanguageMiddleware")

    assert order.index("startwell.pagecache.AnonymousPageCacheMiddleware") == 0
    assert order.index("django.contrib.sessions.middleware.SessionMiddleware") < language
    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < language
    assert language < order.index("django.middleware.common.CommonMiddleware")
