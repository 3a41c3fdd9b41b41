"""Reads for a family's rights over its data: everything the portal holds about one person and
their children, as plain values (for `data.json` and the readable summary), and what deleting
the account would do. A fixed number of queries, however much there is."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone
from django.utils.translation import gettext

from bookings import audit
from bookings.models import Booking, CourseBooking, SessionLogEntry
from codesign.models import Comment, Idea, Support
from parent_champions.models import Champion, ChampionApplication
from startwell.models import Child, MobilePhone
from startwell.second_factor import PRACTITIONER_PERMISSION

WAITING_LIST = [Booking.Status.WAITING, Booking.Status.LEFT_WAITING_LIST]


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _pounds(pence: int) -> str:
    return f"£{pence / 100:.2f}"


def _payment(booking: Booking | CourseBooking) -> dict | None:
    payment = getattr(booking, "payment", None)
    if payment is None:
        return None
    return {
        "how": payment.get_method_display(),
        "amount": _pounds(payment.amount_pence),
        "status": payment.get_status_display(),
        "paid_at": _when(payment.paid_at),
        "refund": payment.get_refund_status_display() if payment.refund_status else "",
        "refunded_at": _when(payment.refunded_at),
    }


def _booking(booking: Booking) -> dict:
    session = booking.session
    return {
        "reference": booking.reference,
        "activity": session.activity.title,
        "centre": session.centre.title,
        "starts": _when(session.start),
        "ends": _when(session.end),
        "status": booking.get_status_display(),
        "places": booking.places,
        "children": [child.first_name for child in booking.children.all()],
        "adults": booking.adults,
        "booked_at": _when(booking.created_at),
        "waiting_since": _when(booking.waiting_since),
        "cancelled_at": _when(booking.cancelled_at),
        "attendance": booking.get_attendance_display() if booking.attendance else "",
        "access_notes": booking.access_notes,
        "amount": _pounds(booking.amount_pence),
        "funded_place": booking.funded,
        "payment": _payment(booking),
        "part_of_course_booking": (
            booking.course_booking.reference if booking.course_booking_id else None
        ),
        "left_with_us": _left_with_us(booking),
        "feedback": _feedback(booking),
    }


def _left_with_us(booking: Booking | CourseBooking) -> list[dict]:
    """What the family told the centre for a drop-off session or course, child by child."""
    return [
        {
            "child": details.child.first_name,
            "emergency_contact": details.emergency_name,
            "relationship": details.emergency_relationship,
            "phone": details.emergency_phone,
            "allergies_and_medical_notes": details.medical_notes,
            "photos_allowed": details.photo_consent,
        }
        for details in booking.drop_off_details.all()
    ]


def _course_booking(course_booking: CourseBooking) -> dict:
    course = course_booking.course
    sessions = sorted(course.sessions.all(), key=lambda session: session.start)
    return {
        "reference": course_booking.reference,
        "course": course.activity.title,
        "centre": course.centre.title,
        "sessions": [_when(session.start) for session in sessions],
        "first_session": _when(sessions[0].start) if sessions else None,
        "last_session": _when(sessions[-1].start) if sessions else None,
        "status": course_booking.get_status_display(),
        "places": course_booking.places,
        "children": [child.first_name for child in course_booking.children.all()],
        "adults": course_booking.adults,
        "booked_at": _when(course_booking.created_at),
        "waiting_since": _when(course_booking.waiting_since),
        "confirmed_at": _when(course_booking.confirmed_at),
        "cancelled_at": _when(course_booking.cancelled_at),
        "access_notes": course_booking.access_notes,
        "amount": _pounds(course_booking.amount_pence),
        "funded_place": course_booking.funded,
        "payment": _payment(course_booking),
        "left_with_us": _left_with_us(course_booking),
    }


def _feedback(booking: Booking) -> dict | None:
    feedback = getattr(booking, "feedback", None)
    if feedback is None or not feedback.is_answered:
        return None
    return {
        "how_it_was": feedback.get_rating_display(),
        "would_come_again": feedback.get_come_again_display(),
        "comment": feedback.comment,
        "answered_at": _when(feedback.answered_at),
    }


def _messages_to(user, bookings: list[Booking]) -> list[dict]:
    """Messages staff and champions sent to the families booked on a session, for the sessions
    this person was booked on when the message went (the audit trail keeps each one)."""
    booked = {booking.session_id: booking for booking in bookings}
    entries = SessionLogEntry.objects.filter(
        session_id__in=booked, action=audit.MESSAGED
    ).select_related("session__activity")
    return [
        {
            "session": entry.session.activity.title,
            "sent_at": _when(entry.timestamp),
            "subject": (entry.data or {}).get("subject", ""),
            "message": (entry.data or {}).get("body", ""),
        }
        for entry in entries.order_by("timestamp")
        if entry.timestamp >= booked[entry.session_id].created_at
    ]


def _mobile(user) -> dict | None:
    mobile = MobilePhone.objects.filter(user=user).first()
    if mobile is None:
        return None
    return {
        "number": str(mobile.number),
        "confirmed": _when(mobile.confirmed_at),
        "texts_failing": mobile.delivery_failure,
    }


def personal_data(user) -> dict:
    """Everything held about `user` and their children, as JSON-ready values."""
    bookings = list(
        Booking.objects.filter(parent=user)
        .select_related(
            "session__activity", "session__centre", "payment", "feedback", "course_booking"
        )
        .prefetch_related("children", "drop_off_details__child")
        .order_by("session__start")
    )
    course_bookings = (
        CourseBooking.objects.filter(parent=user)
        .select_related("course__activity", "course__centre", "payment")
        .prefetch_related("children", "drop_off_details__child", "course__sessions")
        .order_by("created_at", "pk")
    )
    ideas = Idea.objects.filter(proposer=user).select_related("centre").order_by("created_at")
    supports = Support.objects.filter(parent=user).select_related("idea").order_by("created_at")
    comments = Comment.objects.filter(author=user).select_related("idea").order_by("created_at")
    applications = ChampionApplication.objects.filter(parent=user).select_related("centre")
    championships = Champion.objects.filter(user=user).select_related("centre")
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined": _when(user.date_joined),
            "last_signed_in": _when(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
            "mobile": _mobile(user),
            "contact_by": user.get_contact_by_display(),
            # Which kinds of second factor are set up; never the secrets themselves.
            "two_step_sign_in": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "children": [
            {
                "first_name": child.first_name,
                "born": f"{child.get_birth_month_display()} {child.birth_year}",
                "added": _when(child.created_at),
            }
            for child in Child.objects.filter(parent=user)
        ],
        "bookings": [_booking(b) for b in bookings if b.status not in WAITING_LIST],
        "waiting_lists": [_booking(b) for b in bookings if b.status in WAITING_LIST],
        # Whole courses, booked or waited for; each session's place is also in "bookings".
        "course_bookings": [_course_booking(c) for c in course_bookings],
        "ideas": [
            {
                "centre": idea.centre.title,
                "title": idea.title,
                "description": idea.description,
                "who_it_is_for": idea.get_audience_display(),
                "suggested_times": idea.suggested_times,
                "could_help": idea.can_help,
                "how_you_could_help": idea.help_offer,
                "status": idea.get_status_display(),
                "response": idea.response,
                "proposed_at": _when(idea.created_at),
            }
            for idea in ideas
        ],
        "supports": [
            {
                "idea": support.idea.title,
                "supported_at": _when(support.created_at),
                "tell_me_what_happens": support.notify,
            }
            for support in supports
        ],
        "comments": [
            {"idea": comment.idea.title, "comment": comment.body, "at": _when(comment.created_at)}
            for comment in comments
        ],
        "champion_applications": [
            {
                "centre": application.centre.title,
                "why": application.why,
                "strengths": application.strengths,
                "availability": application.availability,
                "status": application.get_status_display(),
                "decision_reason": application.decision_reason,
                "applied_at": _when(application.created_at),
            }
            for application in applications
        ],
        "champion_roles": [
            {
                "centre": champion.centre.title,
                "status": champion.get_status_display(),
                "dbs_check_date": str(champion.dbs_checked_on or ""),
                "safeguarding_training_date": str(champion.training_completed_on or ""),
                "approved_at": _when(champion.approved_at),
            }
            for champion in championships
        ],
        "consents": [
            {
                "what": gettext("Tell me what happens to the idea “{title}”").format(
                    title=support.idea.title
                ),
                "given": support.notify,
            }
            for support in supports
        ],
        "messages_sent_to_you": _messages_to(user, bookings),
    }


def record_count(data: dict) -> int:
    """How many records a download holds: what decides whether it is built at once."""
    return sum(len(value) for value in data.values() if isinstance(value, list))


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting the account would do, in numbers a person can check."""

    upcoming_to_cancel: int
    paid_to_refund: int
    waiting_to_leave: int
    past_bookings: int
    children: int
    ideas: int
    comments: int
    is_staff: bool


def deletion_summary(user) -> DeletionSummary:
    now = timezone.now()
    upcoming = Booking.objects.filter(
        parent=user, session__start__gt=now, status__in=Booking.ACTIVE_STATUSES
    )
    # A course booking counts once, however many of its sessions are still to come.
    courses = CourseBooking.objects.filter(
        parent=user,
        status__in=CourseBooking.ACTIVE_STATUSES,
        pk__in=CourseBooking.objects.filter(course__sessions__start__gt=now).values("pk"),
    )
    waiting = Booking.Status.WAITING
    return DeletionSummary(
        upcoming_to_cancel=upcoming.filter(course_booking__isnull=True)
        .exclude(status=waiting)
        .count()
        + courses.exclude(status=waiting).count(),
        paid_to_refund=upcoming.filter(payment__status="paid", payment__method="online").count()
        + courses.filter(payment__status="paid", payment__method="online").count(),
        waiting_to_leave=upcoming.filter(status=waiting).count()
        + courses.filter(status=waiting).count(),
        past_bookings=Booking.objects.filter(parent=user, session__start__lte=now).count(),
        children=Child.objects.filter(parent=user).count(),
        ideas=Idea.objects.filter(proposer=user).count(),
        comments=Comment.objects.filter(author=user).count(),
        is_staff=is_staff_account(user),
    )


def is_staff_account(user) -> bool:
    """Staff accounts (practitioners' too) are closed by the borough, not deleted by their
    holder: the centre's records of who did what would otherwise lose their author."""
    return bool(
        user.is_staff
        or user.is_superuser
        or user.has_perm("wagtailadmin.access_admin")
        or user.has_perm(PRACTITIONER_PERMISSION)
    )
