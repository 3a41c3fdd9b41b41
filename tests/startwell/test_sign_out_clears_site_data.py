"""Signing out tells the browser to clear this site's data from the device (the registers kept
for use without a signal, check-ins queued on the phone); a sign-in that merely lapses does not,
so that check-ins waiting to be sent are never wiped unseen."""

import pytest
from django.contrib.auth import logout
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from startwell.sign_out import CLEAR_SITE_DATA, ClearSiteDataOnSignOutMiddleware
from tests.accounts import confirm_password, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signing_out_clears_the_sites_cache_and_storage(client):
    client.force_login(UserFactory())

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"' == CLEAR_SITE_DATA
    assert "_auth_user_id" not in client.session


def test_pages_without_a_sign_out_leave_the_device_alone(client):
    client.force_login(UserFactory())
    assert "Clear-Site-Data" not in client.get(reverse("bookings:booking_list"))
    client.logout()
    assert "Clear-Site-Data" not in client.post(reverse("account_logout"))  # nobody signed in


def test_a_sign_in_lapsing_elsewhere_clears_nothing():
    """A sign-out the person did not ask for (a staff session running out while the phone sends
    its queued check-ins) leaves their data on the device."""
    user = UserFactory()
    request = RequestFactory().post("/champions/sessions/1/offline-check-ins/")
    request.user = user
    request.session = SessionStore()
    request.resolver_match = resolve("/champions/")

    def lapsed(request):
        logout(request)
        return HttpResponse()

    response = ClearSiteDataOnSignOutMiddleware(lapsed)(request)

    assert "Clear-Site-Data" not in response


def test_deleting_ones_account_clears_the_device_too(client):
    user = UserFactory()
    sign_in(client, user)
    confirm_password(client)

    response = client.post(reverse("privacy:delete_account"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA
