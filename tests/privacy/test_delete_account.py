"""Delete my account: behind re-authentication and a plain summary; upcoming bookings cancelled
through the bookings service (paid ones refunded, waiting households moved up); everything
personal erased from every table; the centre's figures unchanged."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session as BrowserSession
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Payment
from cms.models import CentrePage
from codesign.models import Comment, Idea, Support
from parent_champions.models import ChampionApplication
from reports.registry import REPORTS
from startwell.models import Child, User
from tests.accounts import activate_totp, confirm_password, sign_in
from tests.factories import BookingFactory, ChildFactory, SessionFactory
from tests.privacy.database_search import tables_holding
from tests.support.payments import paid_session, post_event

pytestmark = pytest.mark.django_db

DELETE = "/accounts/data/delete/"


def figures():
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
    return {
        slug: report.figures(centres=CentrePage.objects.all(), start=start, end=end)
        for slug, report in REPORTS.items()
    }


def pay_online(client, session, child, stripe_server) -> Booking:
    """Books a paid place the way a parent does, and pays at the (stand-in) Stripe page."""
    response = client.post(reverse("bookings:book", args=[session.pk]), {"children": [child.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    booking = Booking.objects.get(session=session, parent=child.parent)
    event = stripe_server.pay(booking.payment.checkout_session_id)
    assert post_event(client, event).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


def test_deleting_asks_to_confirm_the_password_first(client, family):
    sign_in(client, family.parent)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": timezone.now().timestamp() - 3600, "email": "x"}
    ]
    session.save()

    response = client.get(DELETE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(DELETE).status_code == 302
    assert User.objects.filter(pk=family.parent.pk).exists()

    confirm_password(client)
    page = client.get(DELETE).content.decode()
    assert "Your 1 upcoming booking will be cancelled" in page
    assert "You will leave 1 waiting list" in page
    assert "Your ideas and comments stay on the site" in page


def test_staff_cannot_delete_their_account_here(client, manager, manager_totp):
    sign_in(client, manager, totp_secret=manager_totp)
    assert "closed by the borough" in client.get("/accounts/data/").content.decode()
    confirm_password(client)
    assert "cannot be deleted here" in client.get(DELETE).content.decode()
    client.post(DELETE)
    assert User.objects.filter(pk=manager.pk).exists()


def test_deleting_a_rich_account_leaves_nothing_personal_and_the_figures_unchanged(
    client, family, centre, stripe_server, django_capture_on_commit_callbacks
):
    parent = family.parent
    EmailAddress.objects.create(user=parent, email="quillon.work@example.org", verified=True)
    secret = activate_totp(parent)
    past_full = SessionFactory(
        activity=family.past.session.activity, start=timezone.now() - datetime.timedelta(days=2)
    )
    BookingFactory(
        session=past_full,
        parent=parent,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
    )
    # Another family waits for the upcoming session the deletion frees a place on.
    family.upcoming.session.capacity = 1
    family.upcoming.session.save()
    next_in_line = BookingFactory(
        session=family.upcoming.session,
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        parent=ChildFactory().parent,
    )
    sign_in(client, parent, totp_secret=secret)
    confirm_password(client)
    other_device = client.__class__()
    other_device.force_login(parent)
    other_device_session = other_device.cookies[settings.SESSION_COOKIE_NAME].value
    paid = pay_online(client, paid_session(centre), family.children[0], stripe_server)
    before = figures()
    session_day = family.past.session.start.date()
    ages = sorted(child.age_in_months_on(session_day) for child in family.children)
    names = [*family.names, "quillon.work@example.org"]
    assert set(tables_holding(*names)) >= {"startwell_user", "startwell_child"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, follow=True)

    assert "Your account is deleted" in response.content.decode()
    # Upcoming bookings cancelled through the bookings service: the paid one refunded, the
    # waiting household moved up.
    assert Payment.objects.get(booking=paid).refund_status == Payment.RefundStatus.REFUNDED
    assert stripe_server.calls("POST", "/v1/refunds")
    assert Booking.objects.get(pk=family.upcoming.pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(pk=family.waiting.pk).status == Booking.Status.LEFT_WAITING_LIST
    assert Booking.objects.get(pk=next_in_line.pk).status == Booking.Status.CONFIRMED
    # Nothing personal is left anywhere, in any column of any table.
    assert tables_holding(*names) == {}
    assert not User.objects.filter(pk=parent.pk).exists()
    assert not EmailAddress.objects.filter(email__icontains="quillon").exists()
    assert not Authenticator.objects.filter(user_id=parent.pk).exists()
    assert not ChampionApplication.objects.filter(parent_id=parent.pk).exists()
    # Signed out here and on the other device: its stored session is gone.
    assert not BrowserSession.objects.filter(session_key=other_device_session).exists()
    assert client.get("/accounts/data/").status_code == 302
    assert other_device.get("/accounts/data/").status_code == 302
    # What the centre needs stays, anonymous: the past booking with its places, ages and
    # attendance; the idea and comment, credited to "a parent"; the support still counted.
    past = Booking.objects.get(pk=family.past.pk)
    assert past.parent is None and past.household and past.access_notes == ""
    assert past.places == 2 and past.attendance == "attended"
    assert sorted(c.age_in_months_on(session_day) for c in past.children.all()) == ages
    assert all(c.parent is None and c.first_name == "" for c in past.children.all())
    assert Idea.objects.get(pk=family.idea.pk).proposer is None
    assert Comment.objects.get(pk=family.comment.pk).author is None
    assert Support.objects.filter(parent__isnull=True).count() == 1
    assert not Child.objects.filter(first_name__in=["Zephyrine", "Barnabus"]).exists()
    assert figures() == before
    # The family heard about its cancellations and refund before the account went.
    assert any("refund" in message.subject.lower() for message in mail.outbox)


def test_the_audit_trail_keeps_its_entries_without_the_deleted_persons_name(
    family, django_capture_on_commit_callbacks
):
    from bookings import audit
    from privacy import services

    session = family.past.session
    audit.record(
        session, audit.COVER_ASSIGNED, user=None, detail="Quillon Marchbanks covers this session"
    )
    entries = session.log_entries.count()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=family.parent)

    assert session.log_entries.count() == entries
    assert tables_holding("Quillon Marchbanks", family.parent.email) == {}
