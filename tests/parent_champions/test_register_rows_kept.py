"""A register keeps each family's row rendered in the worker (`{% process_fragment %}`): the rows
come back exactly as they would be rendered afresh, each viewer's forms carry their own CSRF
token, and any change to a row shows on the next look."""

import re

import pytest
from django.template import Template, TemplateSyntaxError
from django.urls import reverse

from bookings.models import Attendance, Session
from startwell.templatetags.fragments import KeptInProcess, process_fragments
from tests.accounts import SignedInClient
from tests.factories import ChampionFactory, HostingFactory, UserFactory
from tests.support.bookings import book

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def register_url(session):
    return reverse("parent_champions:register", args=[session.pk])


def rows(page: str) -> str:
    """The booked families' part of a register."""
    return page.split('id="booked-heading"', 1)[1].split("</ul>", 1)[0]


def signed_in(user) -> SignedInClient:
    client = SignedInClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def co_host(centre, activity):
    """A second champion hosting the same activity."""
    champion = ChampionFactory(centre=centre, user=UserFactory(first_name="Sam", last_name="Co"))
    HostingFactory(champion=champion, activity=activity)
    return champion


def test_kept_rows_are_the_rows_rendered_afresh(champion, session_today):
    for i in range(3):
        book(session_today, first_name=f"P{i}", children=2)
    client = signed_in(champion.user)

    first = client.get(register_url(session_today)).content.decode()
    assert len(process_fragments) == 3
    again = client.get(register_url(session_today)).content.decode()

    # The same page but for the CSRF token, which is masked afresh on every page.
    assert TOKEN.sub("", again) == TOKEN.sub("", first)
    assert "P0 B." in rows(again) and "P2kid1 (2 years)" in rows(again)


def test_each_viewer_gets_their_own_token_and_their_forms_work(champion, co_host, session_today):
    booking = book(session_today, first_name="Jo")
    other = book(session_today, first_name="Wen")
    chris, sam = signed_in(champion.user), signed_in(co_host.user)

    pages = [client.get(register_url(session_today)).content.decode() for client in (chris, sam)]

    assert len(process_fragments) == 2  # Sam's rows came from Chris's look
    for page in pages:
        tokens = TOKEN.findall(page)
        in_rows = TOKEN.findall(rows(page))
        assert in_rows and len(set(tokens)) == 1  # the rows carry the page's own token
        assert "csrf-stand-in" not in page
    assert TOKEN.findall(pages[0])[0] != TOKEN.findall(pages[1])[0]
    for client, page, who in ((chris, pages[0], booking), (sam, pages[1], other)):
        response = client.post(
            reverse("parent_champions:booking_action", args=[session_today.pk, who.pk, "check-in"]),
            {"csrfmiddlewaretoken": TOKEN.findall(rows(page))[0]},
        )
        assert response.status_code == 302
        who.refresh_from_db()
        assert who.attendance == Attendance.ATTENDED


def test_another_viewers_token_is_refused(champion, co_host, session_today):
    booking = book(session_today)
    chris_page = signed_in(champion.user).get(register_url(session_today)).content.decode()
    sam = signed_in(co_host.user)
    sam.get(register_url(session_today))

    # The row Sam was given is the one kept from Chris's look; the token in it must be Sam's.
    chris_token = TOKEN.findall(rows(chris_page))[0]
    response = sam.post(
        reverse("parent_champions:booking_action", args=[session_today.pk, booking.pk, "check-in"]),
        {"csrfmiddlewaretoken": chris_token},
    )

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.attendance == ""


@pytest.mark.parametrize("tag", ["process_fragment", "shared_fragment"])
def test_a_kept_part_without_a_name_is_refused(tag):
    with pytest.raises(TemplateSyntaxError, match=f"{tag} needs a name for its key"):
        Template(f"{{% load fragments %}}{{% {tag} %}}x{{% end{tag} %}}")


def test_a_change_to_a_row_shows_on_the_next_look(champion, session_today):
    booking = book(session_today, first_name="Jo")
    client = signed_in(champion.user)
    before = rows(client.get(register_url(session_today)).content.decode())
    assert "Checked in" not in before and "Needs the ramp." not in before

    booking.attendance = Attendance.ATTENDED
    booking.access_notes = "Needs the ramp."
    booking.save()
    booking.parent.first_name = "Joanna"
    booking.parent.save()
    after = rows(client.get(register_url(session_today)).content.decode())

    assert "Checked in" in after and "Needs the ramp." in after and "Joanna B." in after
    assert "Jo B." not in after


def test_a_change_to_the_session_shows_on_the_next_look(champion, session_today):
    book(session_today)
    client = signed_in(champion.user)
    assert "Check in" in rows(client.get(register_url(session_today)).content.decode())

    session_today.status = Session.Status.CANCELLED
    session_today.save()

    assert "Check in" not in rows(client.get(register_url(session_today)).content.decode())


def test_the_least_recently_used_go_first():
    kept = KeptInProcess(size=2, idle_seconds=60)
    kept.keep(("a",), "A")
    kept.keep(("b",), "B")
    assert kept.get(("a",)) == "A"  # a is now the most recent

    kept.keep(("c",), "C")

    assert kept.get(("b",)) is None
    assert (kept.get(("a",)), kept.get(("c",))) == ("A", "C")


def test_rows_unused_for_too_long_are_dropped():
    now = [0.0]
    kept = KeptInProcess(size=10, idle_seconds=60, clock=lambda: now[0])
    kept.keep(("a",), "A")
    kept.keep(("b",), "B")
    now[0] = 50
    assert kept.get(("b",)) == "B"  # used again: kept another minute

    now[0] = 70
    kept.get(("c",))

    assert len(kept) == 1  # a, unused for 70 s, is gone even though nobody asked for it
    assert kept.get(("b",)) == "B"
    now[0] = 200
    assert kept.get(("b",)) is None and len(kept) == 0
