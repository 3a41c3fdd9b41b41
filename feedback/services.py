"""Writes for feedback: asking each family once, the day after a session they came to; taking
their answer once, from the link sent to them; and the managers' check of comments.

The link carries the booking's reference, signed (Django's `TimestampSigner`, with a salt of its
own): it cannot be changed to another booking's, and it lapses after FEEDBACK_LINK_DAYS. It works
without signing in, because the family may read the message on a phone where they are not
signed in: holding the link is the proof, as with a password-reset link. Someone signed in as
another account is refused, so a forwarded link is not answered by the wrong family. The answer
is taken once: the row is locked and `answered_at` must still be empty."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookings.models import Attendance, Booking
from startwell.errors import ApplicationError
from startwell.site_address import site_url

from . import notifications, selectors
from .models import COMMENT_MAX_LENGTH, ComeAgain, CommentStatus, Feedback, Rating

SALT = "feedback.answer"

NOT_A_LINK = _(
    "This feedback link is not right. Please open the link in the message we sent you, in full."
)
EXPIRED = _(
    "This feedback link has expired: we ask for feedback for {days} days after a session. "
    "Thank you all the same."
)
NOT_YOURS = _(
    "This link was sent to another family. If you came to this session, please use the link "
    "in your own message."
)
ALREADY_ANSWERED = _("You have already told us about this session. Thank you!")
RATING_REQUIRED = _("Choose how it was: good, OK or not good.")
COME_AGAIN_REQUIRED = _("Choose whether you would come again.")
COMMENT_TOO_LONG = format_lazy(_("Keep it to {most} characters or fewer."), most=COMMENT_MAX_LENGTH)
NOT_ALLOWED = _("Only the centre's managers can do that.")
ALREADY_CHECKED = _("This comment has already been checked.")


class FeedbackError(ApplicationError):
    """A feedback rule refused the request; `message` is shown to the person as it stands."""


# --- The link -----------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def link_token(booking: Booking) -> str:
    return _signer().sign(booking.reference)


def feedback_url(booking: Booking) -> str:
    return site_url() + reverse("feedback:give", args=[link_token(booking)])


def feedback_for_link(token: str, *, user) -> Feedback:
    """The feedback the link is for, if the link is whole, not too old and, for someone signed
    in, theirs. Refusals say which."""
    max_age = datetime.timedelta(days=settings.FEEDBACK_LINK_DAYS)
    try:
        reference = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise FeedbackError(
            EXPIRED.format(days=settings.FEEDBACK_LINK_DAYS), extra={"reason": "expired"}
        ) from None
    except signing.BadSignature:
        raise FeedbackError(NOT_A_LINK, extra={"reason": "not_found"}) from None
    feedback = (
        Feedback.objects.select_related("booking", "session__activity", "session__centre")
        .filter(booking__reference=reference)
        .first()
    )
    if feedback is None:
        raise FeedbackError(NOT_A_LINK, extra={"reason": "not_found"})
    parent_id = feedback.booking.parent_id
    if user.is_authenticated and parent_id is not None and parent_id != user.pk:
        raise FeedbackError(NOT_YOURS, extra={"reason": "not_found"})
    return feedback


# --- Asking -------------------------------------------------------------------------------------


def ask_for_feedback(*, now: datetime.datetime | None = None) -> int:
    """Asks every family who came to a session yesterday, once each; returns how many were asked.
    Safe to run as often as you like and from several processes: the feedback row, one per
    booking, is the claim, and the message is queued in the same transaction."""
    now = now or timezone.now()
    asked = 0
    for booking_id in list(selectors.due_for_feedback(now).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                booking = (
                    Booking.objects.select_for_update(of=("self",))
                    .select_related(
                        "parent", "family_contact", "session__activity", "session__centre"
                    )
                    .get(pk=booking_id)
                )
                # Re-read under the lock: the register may have been corrected since.
                if booking.attendance != Attendance.ATTENDED:
                    continue
                if booking.parent_id is None and booking.family_contact_id is None:
                    continue  # anonymised since: nobody to ask
                if booking.status != Booking.Status.CONFIRMED:
                    continue
                Feedback.objects.create(booking=booking, session=booking.session, asked_at=now)
                notifications.ask_for_feedback(booking, url=feedback_url(booking))
        except IntegrityError:
            continue  # another run asked this family a moment ago
        asked += 1
    return asked


# --- Answering ----------------------------------------------------------------------------------


def give_feedback(*, token: str, user, rating: str, come_again: str, comment: str) -> Feedback:
    """Takes the family's answer once. Nothing is written when anything is refused."""
    feedback = feedback_for_link(token, user=user)
    if feedback.is_answered:
        raise FeedbackError(ALREADY_ANSWERED)
    if rating not in Rating.values:
        raise FeedbackError(RATING_REQUIRED, field="rating")
    if come_again not in ComeAgain.values:
        raise FeedbackError(COME_AGAIN_REQUIRED, field="come_again")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise FeedbackError(COMMENT_TOO_LONG, field="comment")
    now = timezone.now()
    with transaction.atomic():
        # The condition on `answered_at` makes a second answer (two taps, two tabs) a no-op.
        taken = Feedback.objects.filter(pk=feedback.pk, answered_at__isnull=True).update(
            answered_at=now,
            rating=rating,
            come_again=come_again,
            comment=comment,
            comment_status=CommentStatus.WAITING if comment else CommentStatus.NONE,
        )
        if not taken:
            raise FeedbackError(ALREADY_ANSWERED)
    feedback.refresh_from_db()
    return feedback


# --- Checking comments --------------------------------------------------------------------------


def publish_comment(*, feedback: Feedback, by) -> Feedback:
    """Shares a checked comment with the hosts of the activity (still without a name)."""
    return _check_comment(feedback=feedback, by=by, to=CommentStatus.PUBLISHED)


def reject_comment(*, feedback: Feedback, by) -> Feedback:
    """Keeps a comment to the managers (it names someone, say, or is unkind)."""
    return _check_comment(feedback=feedback, by=by, to=CommentStatus.REJECTED)


def _check_comment(*, feedback: Feedback, by, to: str) -> Feedback:
    if not selectors.can_read_feedback(by, feedback.session.centre_id):
        raise FeedbackError(NOT_ALLOWED)
    with transaction.atomic():
        updated = Feedback.objects.filter(
            pk=feedback.pk, comment_status=CommentStatus.WAITING
        ).update(comment_status=to, moderated_by=by, moderated_at=timezone.now())
        if not updated:
            raise FeedbackError(ALREADY_CHECKED)
    feedback.refresh_from_db()
    return feedback
