"""The retention schedule: how long each kind of personal data is kept, read from settings (the
privacy notice renders the same figures), and the rules that remove or anonymise it once that
time has passed. `enforce` runs them all; each rule takes `now` so that it can be tested at the
boundary."""

import datetime
import logging
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from bookings import audit
from bookings.models import (
    Booking,
    Course,
    CourseBooking,
    DropOffDetails,
    FamilyContact,
    SessionLogEntry,
    StripeEvent,
)
from startwell.languages import speaking_to
from startwell.mail import deliver_email
from startwell.models import Child, User
from startwell.sms import deliver_text

from . import services
from .models import DataExport, IdleAccountWarning
from .selectors import is_staff_account

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Period:
    """One line of the schedule, as the privacy notice shows it."""

    what: str
    kept_for: str
    then: str


def _months(n: int) -> str:
    return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def schedule() -> list[Period]:
    """The retention schedule in plain words, from the settings, in the active language."""
    years = settings.RETENTION_CHILD_PROFILE_AGE_YEARS
    warning_days = settings.RETENTION_IDLE_WARNING_DAYS
    return [
        Period(
            _("Your children's profiles (first name, month and year of birth)"),
            ngettext(
                "until the child is %(n)d year old and has no more sessions booked",
                "until the child is %(n)d years old and has no more sessions booked",
                years,
            )
            % {"n": years},
            _("removed; bookings they came to keep only the month and year of birth"),
        ),
        Period(
            _("Bookings and waiting lists"),
            _("{months} after the session").format(
                months=_months(settings.RETENTION_BOOKING_MONTHS)
            ),
            _(
                "your name and your children's names are taken off; the centre keeps the count "
                "of places, ages and who came, with nobody named"
            ),
        ),
        Period(
            _(
                "What you tell us for a session where children are left with us (an emergency "
                "contact, allergies and medical notes, photo consent)"
            ),
            _("{days} after the session").format(days=_days(settings.RETENTION_DROP_OFF_DAYS)),
            _("deleted"),
        ),
        Period(
            _("Registers' records of who looked at or changed them, and messages sent to families"),
            _months(settings.RETENTION_REGISTER_LOG_MONTHS),
            _("deleted"),
        ),
        Period(
            _("Card payment notices from our payment provider (Stripe)"),
            _days(settings.RETENTION_STRIPE_EVENT_DAYS),
            _("their contents are deleted; the payment's amount and date stay with the booking"),
        ),
        Period(
            _("E-mails we have sent you, and downloads of your data"),
            _days(settings.RETENTION_SENT_EMAIL_DAYS),
            _("deleted (an e-mail's text is deleted as soon as it has been sent)"),
        ),
        Period(
            _("Accounts nobody has signed in to"),
            _months(settings.RETENTION_IDLE_ACCOUNT_MONTHS),
            ngettext(
                "we e-mail a warning; %(n)d day later the account is deleted, unless you have "
                "signed in",
                "we e-mail a warning; %(n)d days later the account is deleted, unless you have "
                "signed in",
                warning_days,
            )
            % {"n": warning_days},
        ),
        Period(
            _(
                "Families a centre books for without an account (name, mobile or e-mail, "
                "children, consent)"
            ),
            _("{months} after the last booking or change").format(
                months=_months(settings.RETENTION_IDLE_ACCOUNT_MONTHS)
            ),
            _("deleted; bookings stay as anonymous rows for the centre's figures"),
        ),
    ]


def remove_grown_children(now: datetime.datetime) -> int:
    """Children who have reached the age limit (in the portal's own months: a child is 72 months
    old throughout the month of their sixth birthday) and have nothing upcoming booked."""
    today = timezone.localdate(now)
    months = settings.RETENTION_CHILD_PROFILE_AGE_YEARS * 12
    latest_birth = today - relativedelta(months=months)
    upcoming = Booking.objects.filter(
        children=OuterRef("pk"), status__in=Booking.ACTIVE_STATUSES, session__end__gt=now
    )
    # A course's waiting list holds no session's place yet, and still counts.
    upcoming_course = CourseBooking.objects.filter(
        children=OuterRef("pk"),
        status__in=CourseBooking.ACTIVE_STATUSES,
        course__sessions__end__gt=now,
    )
    grown = (
        # A family contact's children too: the centre keeps no more than for an account.
        Child.objects.filter(Q(parent__isnull=False) | Q(family_contacts__isnull=False))
        .filter(
            Q(birth_year__lt=latest_birth.year)
            | Q(birth_year=latest_birth.year, birth_month__lte=latest_birth.month)
        )
        .exclude(Exists(upcoming))
        .exclude(Exists(upcoming_course))
    )
    removed = 0
    for child in grown:
        services.remove_child_profile(child)
        removed += 1
    return removed


def _courses_ended_before(cutoff: datetime.datetime):
    """Courses whose last session ended before `cutoff`."""
    return Course.objects.exclude(sessions__end__gte=cutoff).values("pk")


def anonymise_old_bookings(now: datetime.datetime) -> int:
    """Bookings past the period after their session; course bookings past it after the course's
    last session (their earlier sessions' places go with their own session)."""
    cutoff = now - relativedelta(months=settings.RETENTION_BOOKING_MONTHS)
    old = Booking.objects.filter(session__end__lt=cutoff)
    old_courses = CourseBooking.objects.filter(course__in=_courses_ended_before(cutoff))
    return (
        services.anonymise_bookings(old.filter(parent__isnull=False))
        + services.anonymise_contact_bookings(old.filter(family_contact__isnull=False))
        + services.anonymise_bookings(old_courses)
    )


def erase_idle_family_contacts(now: datetime.datetime) -> int:
    """Family contacts (families the centre books for without an account) are erased as idle
    accounts are, after the same months without a booking or a change, and with nothing
    upcoming. There is no warning first: they have no account to sign in to and keep; the
    centre adds them again if the family comes back."""
    cutoff = now - relativedelta(months=settings.RETENTION_IDLE_ACCOUNT_MONTHS)
    upcoming = Booking.objects.filter(
        family_contact=OuterRef("pk"), status__in=Booking.ACTIVE_STATUSES, session__end__gt=now
    )
    idle = FamilyContact.objects.filter(last_active_at__lt=cutoff).exclude(Exists(upcoming))
    erased = 0
    for contact in idle:
        services.erase_family_contact(contact)
        erased += 1
    return erased


def delete_old_register_logs(now: datetime.datetime) -> int:
    """Register views and changes, and the messages sent to families (kept in the log)."""
    cutoff = now - relativedelta(months=settings.RETENTION_REGISTER_LOG_MONTHS)
    deleted, _ = SessionLogEntry.objects.filter(
        action__startswith=audit.REGISTER, timestamp__lt=cutoff
    ).delete()
    return deleted


def delete_old_drop_off_details(now: datetime.datetime) -> int:
    """Emergency contacts, health notes and photo consent given for drop-off sessions; for a
    course, kept until that long after its last session."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DROP_OFF_DAYS)
    deleted, _ = DropOffDetails.objects.filter(
        Q(booking__session__end__lt=cutoff)
        | Q(course_booking__course__in=_courses_ended_before(cutoff))
    ).delete()
    return deleted


def clear_old_stripe_payloads(now: datetime.datetime) -> int:
    """The event id stays, so a replayed event is still recognised and ignored."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_STRIPE_EVENT_DAYS)
    return StripeEvent.objects.filter(received_at__lt=cutoff).exclude(payload={}).update(payload={})


def delete_old_email_records(now: datetime.datetime) -> int:
    """Finished e-mail and text tasks (sent ones hold no message already; failed ones still do)
    and stored data downloads."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_SENT_EMAIL_DAYS)
    deleted, _ = DBTaskResult.objects.filter(
        task_path__in=[deliver_email.module_path, deliver_text.module_path],
        status__in=["SUCCESSFUL", "FAILED"],
        finished_at__lt=cutoff,
    ).delete()
    link_cutoff = now - datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS)
    for stored in DataExport.objects.filter(created_at__lt=link_cutoff):
        stored.file.delete(save=False)
        stored.delete()
        deleted += 1
    return deleted


def warn_idle_accounts(now: datetime.datetime) -> int:
    cutoff = now - relativedelta(months=settings.RETENTION_IDLE_ACCOUNT_MONTHS)
    idle = (
        User.objects.filter(is_active=True, idle_warning__isnull=True)
        .filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff),
        )
        .filter(is_staff=False, is_superuser=False)
    )
    warned = 0
    erase_on = timezone.localdate(now) + datetime.timedelta(
        days=settings.RETENTION_IDLE_WARNING_DAYS
    )
    for user in idle:
        if is_staff_account(user):
            continue
        IdleAccountWarning.objects.create(user=user, warned_at=now)
        with speaking_to(user):
            send_mail(
                _("Your Start Well account will be deleted unless you sign in"),
                render_to_string("privacy/email/idle_warning.txt", {"erase_on": erase_on}),
                None,
                [user.email],
            )
        warned += 1
    return warned


def erase_idle_accounts(now: datetime.datetime) -> int:
    """Erases warned accounts still unused a warning period later; forgets the warning of anyone
    who signed in since."""
    IdleAccountWarning.objects.filter(user__last_login__gt=F("warned_at")).delete()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_IDLE_WARNING_DAYS)
    erased = 0
    for warning in IdleAccountWarning.objects.filter(warned_at__lt=cutoff).select_related("user"):
        try:
            services.delete_account(user=warning.user)
        except services.PrivacyError:
            warning.delete()  # became staff in the meantime
            continue
        erased += 1
    return erased


RULES = [
    remove_grown_children,
    anonymise_old_bookings,
    delete_old_register_logs,
    delete_old_drop_off_details,
    clear_old_stripe_payloads,
    delete_old_email_records,
    erase_idle_accounts,
    warn_idle_accounts,
    erase_idle_family_contacts,
]


def enforce(now: datetime.datetime | None = None) -> dict[str, int]:
    """Runs every rule; one failing rule does not stop the others (it is retried next run)."""
    now = now or timezone.now()
    done = {}
    for rule in RULES:
        try:
            done[rule.__name__] = rule(now)
        except Exception:
            logger.exception("Retention rule %s failed", rule.__name__)
            done[rule.__name__] = -1
    return done
