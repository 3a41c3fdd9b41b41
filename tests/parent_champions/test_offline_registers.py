"""Registers without a signal, on the server's side: the service worker's address and headers,
the print stylesheet and the offline script on the register, today's registers marked on the
dashboard, and the endpoint that takes a check-in made offline, under the same rules as the
button, answering a conflict plainly and writing nothing for it."""

import pytest
from django.urls import reverse

from bookings import audit
from bookings.models import Attendance, Booking, SessionLogEntry
from cms.models import CentrePage
from tests.support.bookings import book

pytestmark = pytest.mark.django_db


def sync_url(session):
    return reverse("parent_champions:offline_check_in", args=[session.pk])


def test_the_service_worker_is_served_from_the_root_with_its_headers(client):
    response = client.get("/service-worker.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "startwell-registers-" in response.content.decode()


def test_the_register_links_the_print_stylesheet_and_the_offline_script(
    client, champion, session_today
):
    booking = book(session_today)
    client.force_login(champion.user)

    html = client.get(reverse("parent_champions:register", args=[session_today.pk])).content
    html = html.decode()

    assert 'href="/static/css/print.css" media="print"' in html
    assert 'src="/static/js/offline-register.js" defer' in html
    assert f'data-booking-id="{booking.pk}"' in html
    assert f'data-sync-url="{sync_url(session_today)}"' in html


def test_the_dashboard_marks_todays_registers_only(
    client, champion, session_today, session_tomorrow
):
    client.force_login(champion.user)

    html = client.get(reverse("parent_champions:dashboard")).content.decode()

    today_link = reverse("parent_champions:register", args=[session_today.pk])
    tomorrow_link = reverse("parent_champions:register", args=[session_tomorrow.pk])
    assert f'href="{today_link}" data-todays-register' in html
    assert f'href="{tomorrow_link}" data-todays-register' not in html


def test_a_check_in_made_offline_is_saved_and_logged(client, champion, session_today):
    booking = book(session_today)
    client.force_login(champion.user)

    response = client.post(sync_url(session_today), {"booking_id": booking.pk})

    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    booking.refresh_from_db()
    assert booking.attendance == Attendance.ATTENDED
    assert SessionLogEntry.objects.filter(action=audit.CHECKED_IN, user=champion.user).exists()


def test_a_booking_cancelled_meanwhile_is_a_conflict_and_nothing_is_written(
    client, champion, session_today
):
    booking = book(session_today)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    client.force_login(champion.user)

    response = client.post(sync_url(session_today), {"booking_id": booking.pk})

    assert response.status_code == 409
    answer = response.json()
    assert answer["status"] == "conflict"
    assert "not checked in. Their booking is now cancelled" in answer["message"]
    booking.refresh_from_db()
    assert booking.attendance == ""
    assert not SessionLogEntry.objects.filter(action=audit.CHECKED_IN).exists()


def test_a_booking_of_another_session_is_a_conflict(
    client, champion, session_today, session_tomorrow
):
    elsewhere = book(session_tomorrow)
    client.force_login(champion.user)

    response = client.post(sync_url(session_today), {"booking_id": elsewhere.pk})

    assert response.status_code == 409
    assert response.json()["message"] == "This family is not on this session's register any more."


@pytest.mark.parametrize("value", ["", "abc", "1" * 30])
def test_a_check_in_naming_no_booking_is_refused(client, champion, session_today, value):
    client.force_login(champion.user)
    response = client.post(sync_url(session_today), {"booking_id": value})
    assert response.status_code == 400


def test_another_centres_champion_is_not_found_and_nothing_is_written(
    client, other_champion, session_today
):
    booking = book(session_today)
    client.force_login(other_champion.user)

    response = client.post(sync_url(session_today), {"booking_id": booking.pk})

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.attendance == ""


def test_a_centre_that_asks_champions_for_a_second_factor_asks_here_too(
    client, champion, centre, session_today
):
    CentrePage.objects.filter(pk=centre.pk).update(champions_need_second_factor=True)
    booking = book(session_today)
    client.force_login(champion.user)

    response = client.post(sync_url(session_today), {"booking_id": booking.pk})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
    booking.refresh_from_db()
    assert booking.attendance == ""


def test_only_post_is_accepted(client, champion, session_today):
    client.force_login(champion.user)
    assert client.get(sync_url(session_today)).status_code == 405
