"""Writes for a family's rights over its data: deleting an account, and turning bookings and
children into anonymous rows that keep the centre's figures but say nothing about who.

An anonymised booking keeps its session, places, adults, status, attendance, money and dates;
it loses its parent (a random `household` key tells one household's bookings apart) and the
access notes the family wrote. Its children become anonymous rows holding only the month and
year of birth, so "a household of 2 children aged 14 and 30 months" is still counted, once."""

import logging
import secrets

from django.contrib.sessions.models import Session as BrowserSession
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Booking, SessionLogEntry, StripeEvent
from codesign.models import Support
from startwell.errors import ApplicationError
from startwell.models import Child

from .models import DataExport
from .selectors import is_staff_account

logger = logging.getLogger(__name__)

STAFF_ACCOUNT = (
    "Staff accounts cannot be deleted here. Ask the borough's portal administrator to close it."
)


ERASED_DETAIL = "Details removed: the person's account was deleted."


class PrivacyError(ApplicationError):
    pass


def new_household_key() -> str:
    # Never all digits, so it can never equal an account id in the reports' household count.
    return "h" + secrets.token_hex(8)


def _anonymous_copy(child: Child) -> Child:
    return Child.objects.create(
        parent=None, first_name="", birth_month=child.birth_month, birth_year=child.birth_year
    )


def anonymise_bookings(bookings) -> int:
    """Cuts the bookings off from their families. Each family's bookings in this batch share one
    household key, and each child one anonymous copy, so a family and each child count once."""
    bookings = list(
        bookings.filter(parent__isnull=False).select_related("parent").prefetch_related("children")
    )
    households: dict[int, str] = {}
    copies: dict[int, Child] = {}
    links = Booking.children.through
    for booking in bookings:
        household = households.setdefault(booking.parent_id, new_household_key())
        anonymous_children = []
        for child in booking.children.all():
            if child.parent_id is None:
                anonymous_children.append(child)  # already anonymous
            else:
                if child.pk not in copies:
                    copies[child.pk] = _anonymous_copy(child)
                anonymous_children.append(copies[child.pk])
        links.objects.filter(booking=booking).delete()
        links.objects.bulk_create(
            [links(booking=booking, child=child) for child in anonymous_children]
        )
        Booking.objects.filter(pk=booking.pk).update(
            parent=None, household=household, access_notes=""
        )
    return len(bookings)


def remove_child_profile(child: Child) -> None:
    """Removes a child's profile; bookings it came to keep an anonymous child instead."""
    with transaction.atomic():
        anonymise_child_links(child)
        child.delete()


def anonymise_child_links(child: Child) -> None:
    """Points the child's bookings at an anonymous copy (birth month and year only)."""
    links = Booking.children.through
    booking_ids = list(links.objects.filter(child=child).values_list("booking_id", flat=True))
    if not booking_ids:
        return
    copy = _anonymous_copy(child)
    links.objects.filter(child=child).delete()
    links.objects.bulk_create([links(booking_id=pk, child=copy) for pk in booking_ids])


def _cancel_upcoming(user) -> None:
    """Cancels the account's upcoming bookings and waiting-list places through the bookings
    service, one at a time, so each refund, notice and promotion happens as it always does."""
    upcoming = Booking.objects.filter(
        parent=user, status__in=Booking.ACTIVE_STATUSES, session__start__gt=timezone.now()
    ).values_list("pk", flat=True)
    for booking_id in list(upcoming):
        try:
            booking_services.cancel_booking(booking_id=booking_id, by=user, on_behalf=True)
        except ApplicationError as error:
            # Started in the meantime: it stays, anonymised, as a past booking.
            logger.info("Booking %s not cancelled on account deletion: %s", booking_id, error)


def _stripe_events_about(user, bookings) -> Q:
    """Stripe events that name this person: their e-mail, or one of their checkouts."""
    condition = Q(payload__icontains=user.email)
    for booking in bookings:
        payment = getattr(booking, "payment", None)
        for reference in [
            booking.reference,
            payment and payment.checkout_session_id,
            payment and payment.payment_intent_id,
        ]:
            if reference:
                condition |= Q(payload__icontains=reference)
    return condition


def _scrub_audit_trail(user) -> None:
    """The audit trail names people in a few entries (a champion asked to cover a session): the
    entry stays, as a fact about the session, without the name."""
    named = Q(data__icontains=user.email)
    if user.get_full_name():
        named |= Q(data__icontains=user.get_full_name())
    SessionLogEntry.objects.filter(named).update(data={"detail": ERASED_DETAIL})


def _forget_browser_sessions(user) -> None:
    """Signs the person out everywhere: removes every stored browser session that is theirs."""
    theirs = [
        stored.pk
        for stored in BrowserSession.objects.filter(expire_date__gt=timezone.now()).iterator()
        if stored.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    BrowserSession.objects.filter(pk__in=theirs).delete()


def delete_account(*, user) -> None:
    """Deletes the account and everything personal about it. Upcoming bookings are cancelled
    (paid ones refunded, waiting households moved up); past bookings, ideas, supports and
    comments stay as anonymous rows for the centre's figures and discussions."""
    if is_staff_account(user):
        raise PrivacyError(STAFF_ACCOUNT)
    _cancel_upcoming(user)
    # After the cancellations have committed and their refunds and notices have gone: the
    # family hears that its bookings are cancelled and its money is on its way.
    transaction.on_commit(lambda: _erase(user))


def _erase(user) -> None:
    with transaction.atomic():
        bookings = list(Booking.objects.filter(parent=user).select_related("payment"))
        StripeEvent.objects.filter(_stripe_events_about(user, bookings)).update(payload={})
        anonymise_bookings(Booking.objects.filter(parent=user))
        Support.objects.filter(parent=user).update(parent=None)
        for child in Child.objects.filter(parent=user):
            child.delete()  # its bookings now point at an anonymous copy
        for export in DataExport.objects.filter(user=user):
            export.file.delete(save=False)
        _scrub_audit_trail(user)
        _forget_browser_sessions(user)
        # E-mail addresses, second factors, champion applications and roles, and idle-account
        # warnings go with the account; ideas and comments stay, credited to "a parent".
        user.delete()
