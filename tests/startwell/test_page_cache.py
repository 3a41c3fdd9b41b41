"""The anonymous page cache: public pages come from the cache, every kind of change shows on the
next anonymous request, and nobody's own page is ever kept for, or served to, anyone else."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from bookings import register, series, services
from bookings.models import Booking, Session
from codesign import services as ideas
from codesign.models import IdeaStatus
from startwell import pagecache
from tests.factories import (
    ActivityPageFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.factories.codesign import CommentFactory, IdeaFactory, SupportFactory
from tests.support.times import in_days, starting_later_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    """Someone who has never signed in: no cookies at all."""
    return Client()


@pytest.fixture
def activity(centre):
    return ActivityPageFactory(parent=centre, title="Rhyme time", slug="stay-and-play")


@pytest.fixture
def session(activity, centre):
    venue = VenueFactory(centre=centre, name="Church hall")
    return SessionFactory(
        activity=activity, venue=venue, start=in_days(3), capacity=4, max_places_per_booking=2
    )


@pytest.fixture
def family(db):
    parent = UserFactory(first_name="Priya")
    month, year = _months_ago(24)
    child = ChildFactory(parent=parent, first_name="Kit", birth_month=month, birth_year=year)
    return parent, child


def _months_ago(months: int) -> tuple[int, int]:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return index % 12 + 1, index // 12


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def places(client, url: str) -> list[str]:
    return re.findall(r"\d+ places? left|Full – join the waiting list", page(client, url))


# --- Served from the cache ------------------------------------------------------------------


def test_a_public_page_is_served_from_the_cache_until_something_changes(visitor, session):
    assert places(visitor, "/sessions/") == ["4 places left"]
    # A write that sends no signal (as bulk updates do) is not seen: the page is the cached one.
    Session.objects.filter(pk=session.pk).update(capacity=9)
    assert places(visitor, "/sessions/") == ["4 places left"]
    # Writes that bypass the model signals say so themselves.
    pagecache.invalidate()
    assert places(visitor, "/sessions/") == ["9 places left"]


def test_a_page_is_kept_compressed_and_served_byte_for_byte(visitor, session):
    rendered = visitor.get("/sessions/")
    key = pagecache.AnonymousPageCacheMiddleware(None).key_for(RequestFactory().get("/sessions/"))
    kept = caches[pagecache.CACHE_ALIAS].get(key)
    assert len(kept[3]) < len(rendered.content) / 2
    served = visitor.get("/sessions/")
    assert served.content == rendered.content
    assert served["Content-Type"] == rendered["Content-Type"]


def test_with_the_cache_switched_off_every_request_renders(visitor, session, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert places(visitor, "/sessions/") == ["4 places left"]
    Session.objects.filter(pk=session.pk).update(capacity=9)
    assert places(visitor, "/sessions/") == ["9 places left"]


# --- Every kind of change shows on the next anonymous request -------------------------------

PUBLIC_SESSION_PAGES = ["/sessions/", "/centres/northfield/", "/centres/northfield/stay-and-play/"]


def _cache_all(client, urls):
    for url in urls:
        page(client, url)


def test_a_booking_shows_at_once_on_every_page_listing_the_session(visitor, session, family):
    parent, child = family
    _cache_all(visitor, PUBLIC_SESSION_PAGES)
    services.book_session(parent=parent, session_id=session.pk, children=[child])
    for url in PUBLIC_SESSION_PAGES:
        assert places(visitor, url) == ["3 places left"], url


def test_a_cancellation_shows_at_once(visitor, session, family):
    parent, child = family
    booking = services.book_session(parent=parent, session_id=session.pk, children=[child])
    assert places(visitor, "/sessions/") == ["3 places left"]
    services.cancel_booking(booking_id=booking.pk, by=parent)
    assert places(visitor, "/sessions/") == ["4 places left"]


def test_a_filled_session_shows_full_at_once(visitor, session):
    page(visitor, "/sessions/?centre=northfield")
    for _ in range(2):
        parent = UserFactory()
        kids = [ChildFactory(parent=parent, birth_year=timezone.localdate().year - 2)]
        kids.append(ChildFactory(parent=parent, birth_year=timezone.localdate().year - 2))
        services.book_session(parent=parent, session_id=session.pk, children=kids)
    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 2
    assert places(visitor, "/sessions/?centre=northfield") == ["Full – join the waiting list"]


def test_a_session_change_shows_at_once(visitor, session, manager):
    _cache_all(visitor, PUBLIC_SESSION_PAGES)
    services.update_session(session_id=session.pk, changes={"capacity": 10}, by=manager)
    for url in PUBLIC_SESSION_PAGES:
        assert places(visitor, url) == ["10 places left"], url


def test_a_cancelled_session_leaves_the_timetable_and_the_calendar_feed_at_once(
    visitor, session, manager
):
    feed = "/centres/northfield/calendar.ics"
    assert "Rhyme time" in page(visitor, "/sessions/")
    assert "Rhyme time" in page(visitor, feed)
    services.cancel_session(session_id=session.pk, reason="The hall is flooded.", by=manager)
    assert "Rhyme time" not in page(visitor, "/sessions/")
    assert "Rhyme time" not in page(visitor, feed)


def test_a_new_series_of_sessions_shows_at_once(visitor, activity, centre):
    assert "No sessions" in page(visitor, "/centres/northfield/stay-and-play/")
    first = timezone.localdate() + datetime.timedelta(days=7)
    series.create_series(  # one bulk insert, no model signals
        activity=activity,
        venue=None,
        weekdays=[first.isoweekday()],
        start_time=datetime.time(10),
        end_time=datetime.time(11),
        first_date=first,
        last_date=first + datetime.timedelta(days=14),
        capacity=6,
        max_places_per_booking=2,
        skip_school_holidays=False,
    )
    assert places(visitor, "/centres/northfield/stay-and-play/").count("6 places left") >= 1


def test_a_walk_in_shows_at_once(visitor, activity, centre, manager):
    today = SessionFactory(activity=activity, start=starting_later_today(), capacity=4)
    assert places(visitor, "/sessions/") == ["4 places left"]
    register.record_walk_in(
        session_id=today.pk, label="Family at the door", children=1, adults=1, by=manager
    )
    assert places(visitor, "/sessions/") == ["3 places left"]


def test_a_session_that_starts_leaves_the_timetable_without_any_write(
    visitor, activity, monkeypatch
):
    SessionFactory(activity=activity, start=timezone.now() + datetime.timedelta(hours=2))
    assert "Rhyme time" in page(visitor, "/sessions/")
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Rhyme time" not in page(visitor, "/sessions/")


def test_booking_opening_shows_without_any_write(visitor, activity, monkeypatch):
    opens = timezone.now() + datetime.timedelta(hours=1)
    SessionFactory(activity=activity, start=in_days(5), booking_opens=opens)
    assert "Booking opens" in page(visitor, "/sessions/")
    later = opens + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Booking opens" not in page(visitor, "/sessions/")


def test_a_published_change_to_a_page_shows_at_once(visitor, centre):
    assert "Northfield Centre" in page(visitor, "/")
    centre.title = "Northfield Family Hub"
    centre.save_revision().publish()
    assert "Northfield Family Hub" in page(visitor, "/")
    assert "Northfield Family Hub" in page(visitor, "/centres/")


def test_an_unpublished_page_goes_at_once(visitor, centre, other_centre):
    assert "Riverside Centre" in page(visitor, "/centres/")
    other_centre.unpublish()
    assert "Riverside Centre" not in page(visitor, "/centres/")
    assert visitor.get(other_centre.url).status_code == 404


def test_an_idea_decision_shows_at_once_on_the_ideas_pages(visitor, centre, manager):
    idea = IdeaFactory(centre=centre, title="Messy play", status=IdeaStatus.UNDER_REVIEW)
    assert "Messy play" not in page(visitor, "/ideas/you-said-we-did/")
    assert "Under review" in page(visitor, f"/ideas/{idea.pk}/")
    ideas.accept_idea(idea=idea, by=manager, response="Starting in May.")
    assert "Starting in May." in page(visitor, "/ideas/you-said-we-did/")
    assert "Starting in May." in page(visitor, f"/ideas/{idea.pk}/")
    assert "Messy play" in page(visitor, "/centres/northfield/")


def test_support_and_comments_show_at_once(visitor, centre):
    idea = IdeaFactory(centre=centre, title="Messy play")
    assert "0 supporters" in page(visitor, "/ideas/")
    SupportFactory(idea=idea)
    assert "1 supporter" in page(visitor, "/ideas/")
    CommentFactory(idea=idea, body="We would come every week.")
    assert "We would come every week." in page(visitor, f"/ideas/{idea.pk}/")


# --- Nobody's own page is kept for, or served to, anyone else --------------------------------


def test_a_signed_in_person_never_gets_the_anonymous_page(visitor, client, parent, session):
    assert "Sign in" in page(visitor, "/sessions/")
    client.force_login(parent)
    signed_in = page(client, "/sessions/")
    assert "Sign out" in signed_in and "My bookings" in signed_in


def test_a_signed_in_page_is_never_kept_for_visitors(visitor, client, parent, session):
    client.force_login(parent)
    assert "Sign out" in page(client, "/sessions/")
    assert "Sign out" in page(client, "/centres/northfield/")
    for url in ["/sessions/", "/centres/northfield/"]:
        anonymous = page(visitor, url)
        assert "Sign out" not in anonymous and "Sign in" in anonymous
        assert parent.email not in anonymous


def test_a_visitor_with_a_message_sees_it_and_nobody_else_does(client, parent, centre):
    other = Client()
    page(other, "/centres/")  # the page is in the cache
    client.force_login(parent)
    client.post("/accounts/logout/")
    # Signed out, with the "You have signed out" message waiting in the session.
    response = client.get("/centres/")
    assert [str(m) for m in get_messages(response.wsgi_request)] or "signed out" in (
        response.content.decode()
    )
    assert "signed out" in response.content.decode()
    assert "signed out" not in page(other, "/centres/")
    assert "signed out" not in page(Client(), "/centres/")


def test_a_page_for_one_query_is_not_served_for_another(visitor, session, other_centre):
    assert places(visitor, "/sessions/?centre=northfield") == ["4 places left"]
    assert places(visitor, "/sessions/?centre=riverside") == []


def test_keys_differ_by_host_scheme_path_and_query():
    middleware = pagecache.AnonymousPageCacheMiddleware(lambda request: HttpResponse())
    requests = RequestFactory()
    keys = {
        middleware.key_for(requests.get("/sessions/")),
        middleware.key_for(requests.get("/sessions/", HTTP_HOST="other.example")),
        middleware.key_for(requests.get("/sessions/", secure=True)),
        middleware.key_for(requests.get("/sessions/?centre=northfield")),
        middleware.key_for(requests.get("/centres/")),
    }
    assert len(keys) == 5 and None not in keys


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/sessions/", "method": "post"},
        {"path": "/sessions/", "HTTP_COOKIE": "sessionid=abc"},
        {"path": "/sessions/", "HTTP_AUTHORIZATION": "Basic abc"},
        {"path": "/admin/"},
        {"path": "/accounts/login/"},
        {"path": "/bookings/"},
        {"path": "/healthz"},
    ],
)
def test_requests_that_are_never_served_from_the_cache(request_kwargs):
    middleware = pagecache.AnonymousPageCacheMiddleware(lambda request: HttpResponse())
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method", "get")
    path = kwargs.pop("path")
    request = getattr(RequestFactory(), method)(path, **kwargs)
    if "HTTP_COOKIE" in kwargs:
        request.COOKIES["sessionid"] = "abc"
    assert middleware.key_for(request) is None


def _response(**headers) -> HttpResponse:
    response = HttpResponse("page")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def test_answers_that_are_never_kept():
    assert pagecache.storable(_response())
    assert pagecache.storable(_response(Vary="Cookie, Accept-Language"))
    with_cookie = _response()
    with_cookie.set_cookie("csrftoken", "abc")
    assert not pagecache.storable(with_cookie)
    assert not pagecache.storable(HttpResponse("gone", status=404))
    assert not pagecache.storable(HttpResponse(status=302))
    assert not pagecache.storable(_response(Vary="User-Agent"))
    assert not pagecache.storable(_response(Cache_Control="private"))
    assert not pagecache.storable(_response(Cache_Control="no-cache, no-store"))
    assert not pagecache.storable(_response(Content_Security_Policy="script-src 'nonce-abc'"))


def test_a_page_with_a_form_token_is_not_kept(visitor, rf):
    """A page carrying a CSRF token sets the token's cookie, so it is never kept: each visitor
    gets their own token."""
    response = visitor.get("/accounts/signup/")
    assert response.status_code == 200 and "csrftoken" in response.cookies
    assert not pagecache.storable(response)


def test_a_page_made_private_leaves_the_public_pages_at_once(visitor, other_centre):
    from wagtail.models import PageViewRestriction

    assert visitor.get(other_centre.url).status_code == 200
    PageViewRestriction.objects.create(page=other_centre, restriction_type="login")
    assert visitor.get(other_centre.url).status_code == 302  # to sign in


# --- When the generation ends ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_change_in_a_transaction_ends_the_generation_when_it_commits(settings):
    """Outside the test settings' shortcut: a page rendered while a change is still uncommitted
    can never outlive the commit, and a change rolled back ends nothing."""
    settings.PAGE_CACHE_END_GENERATION_AT_ONCE = False
    cache = caches[pagecache.CACHE_ALIAS]

    def start():
        cache.set(pagecache.GENERATION_KEY, ("before", timezone.now().timestamp() + 600))

    start()
    with transaction.atomic():
        pagecache.invalidate()
        pagecache.invalidate()  # however many rows change, one end at the commit
        assert cache.get(pagecache.GENERATION_KEY)[0] == "before"
    assert cache.get(pagecache.GENERATION_KEY) is None

    start()
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.invalidate()
        raise RuntimeError("rolled back")
    assert cache.get(pagecache.GENERATION_KEY)[0] == "before"


def test_in_the_test_settings_a_change_ends_the_generation_at_once():
    cache = caches[pagecache.CACHE_ALIAS]
    cache.set(pagecache.GENERATION_KEY, ("before", timezone.now().timestamp() + 600))
    with transaction.atomic():
        pagecache.invalidate()
        assert cache.get(pagecache.GENERATION_KEY) is None
