"""Asking for feedback once, the day after a session a family came to, by their chosen channels;
taking the answer once, from that booking's link only; and the managers' check of comments."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import Attendance, Booking, Session
from feedback import services
from feedback.models import CommentStatus, Feedback
from startwell import mobiles
from startwell.models import MobilePhone, User
from tests.factories import (
    BookingFactory,
    ChampionFactory,
    FamilyContactFactory,
    HostingFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_a_family_who_came_yesterday_is_asked_once_by_email(came):
    assert services.ask_for_feedback() == 1
    assert services.ask_for_feedback() == 0  # a second run asks nobody again

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["came@example.org"]
    assert message.subject == "How was Stay and play?"
    assert f"http://127.0.0.1:8000/feedback/{came.reference}:" in message.body
    assert f"/ideas/new/?centre={came.session.centre_id}" in message.body
    feedback = Feedback.objects.get()
    assert feedback.booking == came and not feedback.is_answered


def test_only_those_marked_as_attended_yesterday_are_asked(came, yesterday, activity):
    BookingFactory(session=yesterday, attendance=Attendance.NO_SHOW)
    BookingFactory(session=yesterday)  # attendance never recorded
    BookingFactory(session=yesterday, status=Booking.Status.CANCELLED)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = SessionFactory(activity=activity, start=midnight + datetime.timedelta(minutes=1))
    BookingFactory(session=today, attendance=Attendance.ATTENDED)  # asked tomorrow, not today
    two_days_ago = SessionFactory(
        activity=activity, start=yesterday.start - datetime.timedelta(days=1)
    )
    BookingFactory(session=two_days_ago, attendance=Attendance.ATTENDED)
    anonymised = BookingFactory(session=yesterday, attendance=Attendance.ATTENDED)
    Booking.objects.filter(pk=anonymised.pk).update(parent=None, household="h1")
    cancelled = SessionFactory(
        activity=activity,
        start=yesterday.start,
        end=yesterday.end,
        status=Session.Status.CANCELLED,
    )
    BookingFactory(session=cancelled, attendance=Attendance.ATTENDED)

    assert services.ask_for_feedback() == 1
    assert list(Feedback.objects.values_list("booking", flat=True)) == [came.pk]


@pytest.mark.parametrize(
    ("contact_by", "texts", "emails"),
    [(User.ContactBy.TEXT, 1, 0), (User.ContactBy.BOTH, 1, 1), (User.ContactBy.EMAIL, 0, 1)],
)
def test_the_family_is_asked_by_the_channels_they_chose(
    came, texts_queued_at_once, notify_server, contact_by, texts, emails
):
    MobilePhone.objects.create(
        user=came.parent, number="+447700900123", confirmed_at=timezone.now()
    )
    mobiles.choose_contact(user=came.parent, contact_by=contact_by)

    assert services.ask_for_feedback() == 1

    bodies = [entry["personalisation"]["body"] for entry in notify_server.texts]
    assert len(bodies) == texts and len(mail.outbox) == emails
    for body in bodies:
        assert body.startswith("Start Well: how was Stay and play yesterday? 3 quick questions:")
        assert f"/feedback/{came.reference}:" in body


@pytest.mark.parametrize(
    ("contact_by", "texts", "emails"),
    [("text", 1, 0), ("both", 1, 1), ("email", 0, 1)],
)
def test_a_family_kept_without_an_account_is_asked_by_their_own_channels(
    yesterday, texts_queued_at_once, notify_server, contact_by, texts, emails
):
    contact = FamilyContactFactory(
        centre=yesterday.centre,
        first_name="Zofia",
        mobile="+447700900456",
        email="zofia@example.org",
        contact_by=contact_by,
    )
    booking = BookingFactory(
        session=yesterday, parent=None, family_contact=contact, attendance=Attendance.ATTENDED
    )

    assert services.ask_for_feedback() == 1
    assert services.ask_for_feedback() == 0  # once, as for a family with an account

    assert len(notify_server.texts) == texts and len(mail.outbox) == emails
    bodies = [entry["personalisation"]["body"] for entry in notify_server.texts]
    bodies += [message.body for message in mail.outbox]
    for body in bodies:
        assert f"/feedback/{booking.reference}:" in body
    assert all(entry["phone_number"] == "+447700900456" for entry in notify_server.texts)
    assert all(message.to == ["zofia@example.org"] for message in mail.outbox)
    assert all(message.body.startswith("Hello Zofia") for message in mail.outbox)
    # The link is the family's proof, as for anyone: the answer is taken once.
    token = re.search(r"/feedback/([^/\s]+)/", bodies[0]).group(1)
    feedback = answer(token, comment="Lovely")
    assert feedback.booking == booking and feedback.is_answered


def test_a_family_kept_without_an_account_then_erased_is_not_asked(yesterday, notify_server):
    contact = FamilyContactFactory(centre=yesterday.centre)
    booking = BookingFactory(
        session=yesterday, parent=None, family_contact=contact, attendance=Attendance.ATTENDED
    )
    Booking.objects.filter(pk=booking.pk).update(family_contact=None, household="h2")

    assert services.ask_for_feedback() == 0
    assert not notify_server.texts and not Feedback.objects.exists()


def answer(token, user=None, **fields):
    from django.contrib.auth.models import AnonymousUser

    values = {"rating": "good", "come_again": "yes", "comment": ""} | fields
    return services.give_feedback(token=token, user=user or AnonymousUser(), **values)


def test_the_link_takes_one_answer_without_signing_in(asked, came):
    feedback = answer(asked, comment="  Lovely songs  ")

    assert feedback.is_answered
    assert (feedback.rating, feedback.come_again, feedback.comment) == (
        "good",
        "yes",
        "Lovely songs",
    )
    assert feedback.comment_status == CommentStatus.WAITING


def test_an_answer_without_a_comment_waits_for_no_check(asked):
    assert answer(asked).comment_status == CommentStatus.NONE


def test_feedback_twice_is_refused_and_the_first_answer_stays(asked):
    answer(asked, rating="good")

    with pytest.raises(services.FeedbackError) as refused:
        answer(asked, rating="not_good", comment="changed my mind")

    assert refused.value.message == services.ALREADY_ANSWERED
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment) == ("good", "")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token.replace(token[:8], "ABCDEFGH"),  # another booking's reference
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature changed
        lambda token: "nonsense",
        lambda token: signing.TimestampSigner(salt="another.purpose").sign(token.split(":")[0]),
    ],
)
def test_a_tampered_link_is_refused_and_nothing_is_written(asked, tamper):
    with pytest.raises(services.FeedbackError) as refused:
        answer(tamper(asked))

    assert refused.value.message == services.NOT_A_LINK
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


def test_a_link_for_a_booking_never_asked_is_refused(came):
    with pytest.raises(services.FeedbackError) as refused:
        answer(services.link_token(came))
    assert refused.value.message == services.NOT_A_LINK


def test_someone_elses_link_is_refused_when_signed_in_as_another_family(asked):
    other = User.objects.create_user("other@example.org", "pw-long-enough-123")

    with pytest.raises(services.FeedbackError) as refused:
        answer(asked, user=other)

    assert refused.value.message == services.NOT_YOURS
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


def test_the_family_signed_in_may_answer_from_their_link(asked, came):
    assert answer(asked, user=came.parent).is_answered


def test_an_old_link_has_expired(asked, monkeypatch):
    later = signing.time.time() + 15 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)

    with pytest.raises(services.FeedbackError) as refused:
        answer(asked)

    assert refused.value.message == services.EXPIRED.format(days=14)
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"rating": ""}, "rating", services.RATING_REQUIRED),
        ({"rating": "great"}, "rating", services.RATING_REQUIRED),
        ({"come_again": ""}, "come_again", services.COME_AGAIN_REQUIRED),
        ({"comment": "x" * 1001}, "comment", services.COMMENT_TOO_LONG),
    ],
)
def test_bad_answers_are_refused_next_to_their_field(asked, fields, field, message):
    with pytest.raises(services.FeedbackError) as refused:
        answer(asked, **fields)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Feedback.objects.filter(answered_at__isnull=False).exists()


def test_the_database_keeps_one_feedback_per_booking(asked, came):
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(booking=came, session=came.session, asked_at=timezone.now())


def test_the_database_refuses_an_answer_without_a_rating(asked):
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.update(answered_at=timezone.now(), rating="", come_again="yes")


def test_managers_share_or_keep_comments_others_may_not(asked, manager, centre, came):
    feedback = answer(asked, comment="More songs please")
    champion = ChampionFactory(centre=centre)
    HostingFactory(champion=champion, activity=came.session.activity)

    with pytest.raises(services.FeedbackError) as refused:
        services.publish_comment(feedback=feedback, by=champion.user)
    assert refused.value.message == services.NOT_ALLOWED
    assert Feedback.objects.get().comment_status == CommentStatus.WAITING

    services.publish_comment(feedback=feedback, by=manager)
    assert Feedback.objects.get().comment_status == CommentStatus.PUBLISHED

    with pytest.raises(services.FeedbackError) as again:
        services.reject_comment(feedback=feedback, by=manager)
    assert again.value.message == services.ALREADY_CHECKED


def test_a_manager_of_another_centre_may_not_check(asked, other_centre):
    from tests.factories import UserFactory

    feedback = answer(asked, comment="More songs please")
    elsewhere = UserFactory()
    elsewhere.groups.add(other_centre.manager_group)

    with pytest.raises(services.FeedbackError):
        services.reject_comment(feedback=feedback, by=elsewhere)
    assert Feedback.objects.get().comment_status == CommentStatus.WAITING


def test_the_familys_download_holds_their_answer(asked, came):
    from privacy.selectors import personal_data

    answer(asked, rating="ok", come_again="maybe", comment="Too hot")

    [booking] = personal_data(came.parent)["bookings"]
    assert booking["feedback"]["how_it_was"] == "OK"
    assert booking["feedback"]["comment"] == "Too hot"
