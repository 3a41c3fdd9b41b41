"""What families thought of a session they came to: asked once, the day after, by a link that
works for that booking only. Rules live in services.py; the database guards one answer per
booking and the shape of an answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Session

COMMENT_MAX_LENGTH = 1000


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    OK = "ok", _("OK")
    NOT_GOOD = "not_good", _("Not good")


class ComeAgain(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class CommentStatus(models.TextChoices):
    """A comment is checked by the centre's managers before anyone else reads it, as ideas are
    checked before they are public."""

    NONE = "", "No comment"
    WAITING = "waiting", "Waiting for a check"
    PUBLISHED = "published", "Shared with the team"
    REJECTED = "rejected", "Not shared"


class Feedback(models.Model):
    """The request for feedback on one booking, and the family's answer once given. Created when
    the family is asked; `answered_at` is set once, by the answer. Nobody outside the centre's
    managers reads it, and they never see whose it is."""

    # One row per booking: a family is asked once and answers once.
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    # Copied from the booking so that figures group by session, activity and centre directly.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField("how it was", max_length=10, choices=Rating.choices, blank=True)
    come_again = models.CharField(
        "would you come again", max_length=10, choices=ComeAgain.choices, blank=True
    )
    comment = models.TextField("anything to tell the centre", blank=True)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        verbose_name_plural = "feedback"
        indexes = [models.Index(fields=["session", "answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, rating="", come_again="", comment="")
                | Q(
                    answered_at__isnull=False,
                    rating__in=Rating.values,
                    come_again__in=ComeAgain.values,
                ),
                name="feedback_answer_complete",
            ),
            models.CheckConstraint(
                condition=Q(comment="", comment_status="")
                | (~Q(comment="") & Q(comment_status__in=["waiting", "published", "rejected"])),
                name="feedback_comment_status_known",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX_LENGTH),
                name="feedback_comment_not_too_long",
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.session}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
