"""Booking messages by the channels a family chose: e-mail, text or both. Texts are short and
plain: one SMS fragment (at most 160 characters of the GSM alphabet) with a link to the booking."""

import datetime

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from bookings import notifications, services
from bookings.models import Booking
from startwell.models import MobilePhone, User
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]

E164 = "+447911123456"
# The GSM 03.38 basic alphabet: a text of these alone fits 160 characters in one fragment.
GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@pytest.fixture
def notify(notify_server):
    return notify_server


@pytest.fixture
def session(centre):
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    return SessionFactory(activity=activity, capacity=1)


def family(contact_by):
    parent = UserFactory(contact_by=contact_by)
    MobilePhone.objects.create(user=parent, number=E164, confirmed_at=timezone.now())
    return parent, ChildFactory(parent=parent)


def texts_to(notify):
    return [entry["personalisation"]["body"] for entry in notify.texts]


def test_a_family_that_chose_text_gets_a_text_and_no_email(notify, session):
    parent, child = family(User.ContactBy.TEXT)
    booking = services.book_session(parent=parent, session_id=session.pk, children=[child])
    [text] = texts_to(notify)
    assert f"/bookings/{booking.reference}/" in text
    assert "Stay and play" in text
    assert mail.outbox == []


def test_both_means_both(notify, session):
    parent, child = family(User.ContactBy.BOTH)
    services.book_session(parent=parent, session_id=session.pk, children=[child])
    assert len(texts_to(notify)) == 1
    assert [m.to for m in mail.outbox] == [[parent.email]]


def test_email_only_sends_no_text(notify, session):
    parent, child = family(User.ContactBy.EMAIL)
    services.book_session(parent=parent, session_id=session.pk, children=[child])
    assert notify.log == []
    assert len(mail.outbox) == 1


def test_the_waiting_list_promotion_and_a_move_reach_the_family_by_text(notify, session):
    first, first_child = family(User.ContactBy.EMAIL)
    booking = services.book_session(parent=first, session_id=session.pk, children=[first_child])
    waiting_parent = UserFactory(contact_by=User.ContactBy.TEXT, email="w@example.org")
    MobilePhone.objects.create(
        user=waiting_parent, number="+447911654321", confirmed_at=timezone.now()
    )
    services.book_session(
        parent=waiting_parent,
        session_id=session.pk,
        children=[ChildFactory(parent=waiting_parent)],
        join_waiting_list=True,
    )
    services.cancel_booking(booking_id=booking.pk, by=first)
    later = session.start + datetime.timedelta(hours=2)
    services.update_session(
        session_id=session.pk,
        changes={"start": later, "end": later + datetime.timedelta(hours=1)},
        by=first,
    )
    bodies = texts_to(notify)
    assert len(bodies) == 3
    assert bodies[0].startswith("Start Well: waiting list for Stay and play")
    assert bodies[1].startswith("Start Well: a place came up and it's yours: Stay and play")
    assert bodies[2].startswith("Start Well: Stay and play moved to")
    assert "12:00" in bodies[2]


def test_money_matters_still_go_by_email_to_a_family_that_chose_text(
    notify, session, django_capture_on_commit_callbacks
):
    parent, child = family(User.ContactBy.TEXT)
    booking = BookingFactory(session=session, parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.hold_released(booking)
    assert notify.log == []
    assert [m.to for m in mail.outbox] == [[parent.email]]


@pytest.mark.parametrize("template", sorted(notifications.TEXTED))
def test_every_text_is_one_plain_fragment_with_a_link(settings, centre, template):
    settings.WAGTAILADMIN_BASE_URL = "https://startwell.example.gov.uk"
    activity = ActivityPageFactory(
        parent=centre, title="Baby massage and rhymes for little ones and their grown-ups"
    )
    venue = VenueFactory(centre=centre, name="Northfield Community Hub, Main Hall and Garden")
    session = SessionFactory(activity=activity, venue=venue)
    booking = BookingFactory(session=session, status=Booking.Status.CANCELLED)
    text = render_to_string(
        f"bookings/sms/{template}.txt",
        {
            "booking": booking,
            "session": session,
            "activity": activity,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
        },
    ).strip()
    assert len(text) <= 160, (len(text), text)
    assert set(text) <= GSM, set(text) - GSM
    assert "https://startwell.example.gov.uk/" in text


def test_a_number_notify_refused_is_shown_on_the_admin_register(client, session, centre):
    from django.urls import reverse

    from tests.accounts import staff

    parent, child = family(User.ContactBy.TEXT)
    booking = BookingFactory(session=session, parent=parent)
    booking.children.set([child])
    MobilePhone.objects.filter(user=parent).update(
        delivery_failed_at=timezone.now(), delivery_failure="Notify refused the text: bad number"
    )
    manager = staff(UserFactory())
    manager.groups.add(centre.manager_group)
    client.force_login(manager)
    page = client.get(reverse("bookings_session:inspect", args=[session.pk])).content.decode()
    assert "Texts to this family fail:" in page
    assert "Notify refused the text: bad number" in page
