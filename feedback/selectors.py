"""Reads for feedback: which families are due to be asked, and what the centre's managers (and,
once checked, the session's hosts) may read. Counts and comments only: nothing here says whose
answer it is."""

import datetime

from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from bookings.models import Attendance, Booking, Session
from bookings.series import at_local
from cms.models import CentrePage
from codesign.selectors import centres_decided_by
from parent_champions.selectors import activities_hosted_by

from .models import ComeAgain, CommentStatus, Feedback, Rating


def due_for_feedback(now: datetime.datetime) -> QuerySet[Booking]:
    """Bookings of families who came to a session yesterday (local date), marked as attended on
    the register, not asked yet: families with an account and families the centre keeps without
    one (asked by their own channels). Anonymised bookings have nobody to ask."""
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    return Booking.objects.filter(
        Q(parent__isnull=False) | Q(family_contact__isnull=False),
        status=Booking.Status.CONFIRMED,
        attendance=Attendance.ATTENDED,
        feedback__isnull=True,
        session__status=Session.Status.SCHEDULED,
        session__start__gte=at_local(yesterday, datetime.time.min),
        session__start__lt=at_local(yesterday + datetime.timedelta(days=1), datetime.time.min),
    )


def centres_reading_feedback(user) -> QuerySet[CentrePage]:
    """The centres whose feedback this person reads in full and checks: their managers'."""
    return centres_decided_by(user)


def can_read_feedback(user, centre_id: int) -> bool:
    return centres_reading_feedback(user).filter(pk=centre_id).exists()


ANSWERED = Q(answered_at__isnull=False)

SUMMARY = {
    "answers": Count("pk", filter=ANSWERED),
    "good": Count("pk", filter=ANSWERED & Q(rating=Rating.GOOD)),
    "ok": Count("pk", filter=ANSWERED & Q(rating=Rating.OK)),
    "not_good": Count("pk", filter=ANSWERED & Q(rating=Rating.NOT_GOOD)),
    "again": Count("pk", filter=ANSWERED & Q(come_again=ComeAgain.YES)),
    "comments": Count("pk", filter=ANSWERED & ~Q(comment="")),
    "waiting": Count("pk", filter=Q(comment_status=CommentStatus.WAITING)),
}


def answered_in(centres: QuerySet[CentrePage]) -> QuerySet[Feedback]:
    return Feedback.objects.filter(session__centre__in=centres, answered_at__isnull=False)


def summary_by_activity(feedback: QuerySet[Feedback]) -> list[dict]:
    """Per activity: answers, how it was, would come again, comments. One query."""
    return list(
        feedback.values(
            "session__activity_id", "session__activity__title", "session__centre__title"
        )
        .annotate(**SUMMARY)
        .order_by("session__centre__title", "session__activity__title")
    )


def summary_by_centre(feedback: QuerySet[Feedback]) -> list[dict]:
    """Per centre: the same counts. One query."""
    return list(
        feedback.values("session__centre_id", "session__centre__title")
        .annotate(**SUMMARY)
        .order_by("session__centre__title")
    )


def comments_in(centres: QuerySet[CentrePage]) -> QuerySet[Feedback]:
    """Every comment for the centres' managers, those waiting for a check first."""
    return (
        answered_in(centres)
        .exclude(comment="")
        .select_related("session__activity", "session__centre")
        .order_by(
            Case(When(comment_status=CommentStatus.WAITING, then=0), default=1),
            "-answered_at",
            "-pk",
        )
    )


def shared_comments_for_host(user) -> QuerySet[Feedback]:
    """Checked comments on the activities this person hosts as an active champion: the words
    only, with the activity and the day, never who wrote them."""
    return (
        Feedback.objects.filter(
            session__activity__in=activities_hosted_by(user).values("pk"),
            comment_status=CommentStatus.PUBLISHED,
        )
        .select_related("session__activity")
        .order_by("-answered_at", "-pk")
    )
