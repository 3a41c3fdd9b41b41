"""Download my data: a ZIP with `data.json` and a readable summary of everything held about
the person and their children; large downloads are built in the background and fetched through
a signed link that expires."""

import datetime
import json
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from privacy.models import DataExport
from tests.accounts import sign_in
from tests.factories import UserFactory
from tests.support.downloads import unzip

pytestmark = pytest.mark.django_db

DATA_PAGE = "/accounts/data/"


def test_the_data_page_is_under_the_account_and_lists_what_we_hold(client, family):
    sign_in(client, family.parent)
    assert reverse("privacy:your_data") == DATA_PAGE
    page = client.get(DATA_PAGE).content.decode()
    assert "2 children" in page
    assert "Download my data" in page
    assert 'href="/accounts/data/"' in client.get(reverse("account_email")).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(DATA_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("privacy:download")).status_code == 302


def test_a_small_download_is_served_at_once_with_everything(client, family):
    other = UserFactory(email="someone.else@example.org", first_name="Ottoline")
    sign_in(client, family.parent)

    response = client.post(reverse("privacy:download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data, summary = unzip(response.content)
    assert data["account"]["email"] == family.parent.email
    assert data["account"]["email_addresses"][0]["verified"] is True
    assert {child["first_name"] for child in data["children"]} == {"Zephyrine", "Barnabus"}
    [past, upcoming] = data["bookings"]
    assert sorted(past["children"]) == ["Barnabus", "Zephyrine"]
    assert past["attendance"] == "Attended"
    assert past["access_notes"] == "Quillon uses a wheelchair"
    assert upcoming["reference"] == family.upcoming.reference
    assert [w["reference"] for w in data["waiting_lists"]] == [family.waiting.reference]
    assert [i["title"] for i in data["ideas"]] == ["Dads' breakfast club"]
    assert [s["idea"] for s in data["supports"]] == ["Sensory room"]
    assert [c["comment"] for c in data["comments"]] == ["Saturdays suit working dads."]
    assert data["champion_applications"][0]["why"].startswith("I want to help")
    assert data["consents"][0]["given"] is True
    [message] = data["messages_sent_to_you"]
    assert message["subject"] == "Bring wellies"
    assert "bring wellies" in message["message"]
    # The readable summary says the same, and nothing of anyone else.
    for text in [
        "Zephyrine",
        "Dads&#x27; breakfast club",
        "Bring wellies",
        family.upcoming.reference,
    ]:
        assert text in summary
    assert other.email not in json.dumps(data) + summary
    assert "Ottoline" not in json.dumps(data) + summary


def test_a_large_download_is_emailed_as_a_link_that_works_for_its_owner(
    client, family, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_EXPORT_INLINE_MAX_RECORDS = 3
    sign_in(client, family.parent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:download"), follow=True)

    assert "preparing your download in the background" in response.content.decode()
    [message] = [m for m in mail.outbox if "download" in m.subject]
    link = re.search(r"https?://[^/\s]+(/accounts/data/download/\S+/)", message.body).group(1)
    stored = DataExport.objects.get(user=family.parent)
    assert len(stored.file.name) > 40  # a random, unguessable name

    response = client.get(link)
    assert response.status_code == 200
    data, _ = unzip(b"".join(response.streaming_content))
    assert data["account"]["email"] == family.parent.email

    # The same link is no use to anyone else.
    client.logout()
    stranger = UserFactory()
    sign_in(client, stranger)
    refused = client.get(link)
    assert refused.status_code == 410
    assert b"PK" not in refused.content[:2]


def test_the_emailed_link_expires_after_seven_days(client, family, monkeypatch):
    sign_in(client, family.parent)
    from privacy import export

    stored = export.store_export(family.parent)
    eight_days_ago = datetime.datetime.now().timestamp() - 8 * 24 * 3600
    six_days_ago = datetime.datetime.now().timestamp() - 6 * 24 * 3600

    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    old_token = export.link_token(stored)
    monkeypatch.setattr(signing.time, "time", lambda: six_days_ago)
    recent_token = export.link_token(stored)
    monkeypatch.undo()

    assert client.get(reverse("privacy:download_link", args=[recent_token])).status_code == 200
    expired = client.get(reverse("privacy:download_link", args=[old_token]))
    assert expired.status_code == 410
    assert "This download link has expired" in expired.content.decode()


def test_a_tampered_link_is_refused_plainly(client, family):
    sign_in(client, family.parent)
    response = client.get(reverse("privacy:download_link", args=["not-a-real-link"]))
    assert response.status_code == 410
    assert "This download link is not right" in response.content.decode()


def test_the_download_costs_the_same_queries_however_much_there_is(family, centre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from privacy.selectors import personal_data
    from tests.factories import BookingFactory, SessionFactory

    with CaptureQueriesContext(connection) as few:
        personal_data(family.parent)
    for _ in range(5):
        more = BookingFactory(parent=family.parent, session=SessionFactory(activity__parent=centre))
        more.children.set(family.children)
    with CaptureQueriesContext(connection) as many:
        data = personal_data(family.parent)
    assert len(data["bookings"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)
