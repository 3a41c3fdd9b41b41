"""Writes for a family's rights over its data: deleting an account, and turning bookings and
children into anonymous rows that keep the centre's figures but say nothing about who.

An anonymised booking keeps its session, places, adults, status, attendance, money and dates;
it loses its parent (a random `household` key tells one household's bookings apart) and the
access notes the family wrote. Its children become anonymous rows holding only the month and
year of birth, so "a household of 2 children aged 14 and 30 months" is still counted, once."""

import hmac
import logging
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session as BrowserSession
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import services as booking_services
from bookings.models import (
    Booking,
    CourseBooking,
    DropOffDetails,
    FamilyContact,
    SessionLogEntry,
    StripeEvent,
)
from codesign.models import Support
from startwell import pagecache
from startwell.errors import ApplicationError
from startwell.models import Child, DeliveryFailure

from .models import AnonymousChild, DataExport, HouseholdKey
from .selectors import is_staff_account

logger = logging.getLogger(__name__)

STAFF_ACCOUNT = _(
    "Staff accounts cannot be deleted here. Ask the borough's portal administrator to close it."
)


ERASED_DETAIL = "Details removed: the person's account was deleted."


class PrivacyError(ApplicationError):
    pass


def new_household_key() -> str:
    # Never all digits, so it can never equal an account id in the reports' household count.
    return "h" + secrets.token_hex(8)


def household_keys(parent_ids) -> dict[int, str]:
    """Each account's household key: the one its earlier anonymised bookings got, else new."""
    keys = dict(HouseholdKey.objects.filter(user_id__in=parent_ids).values_list("user_id", "key"))
    new = [HouseholdKey(user_id=pk, key=new_household_key()) for pk in parent_ids if pk not in keys]
    HouseholdKey.objects.bulk_create(new)
    return keys | {row.user_id: row.key for row in new}


def anonymous_stand_ins(children) -> dict[int, Child]:
    """Each child's anonymous stand-in (month and year of birth only): the one their earlier
    anonymised bookings got, else a new one."""
    children = {child.pk: child for child in children}
    stand_ins = {
        row.child_id: row.stand_in
        for row in AnonymousChild.objects.filter(child_id__in=children).select_related("stand_in")
    }
    missing = [child for pk, child in children.items() if pk not in stand_ins]
    made = Child.objects.bulk_create(
        [
            Child(parent=None, first_name="", birth_month=c.birth_month, birth_year=c.birth_year)
            for c in missing
        ]
    )
    AnonymousChild.objects.bulk_create(
        [
            AnonymousChild(child=child, stand_in=copy)
            for child, copy in zip(missing, made, strict=True)
        ]
    )
    return stand_ins | {child.pk: copy for child, copy in zip(missing, made, strict=True)}


def anonymise_bookings(bookings) -> int:
    """Cuts the bookings (session bookings, or course bookings) off from their families. A
    family's bookings share one household key and each child one anonymous stand-in, whichever
    day they are anonymised on, so a family and each child count once in the figures. Bookings
    already anonymised are left as they are."""
    model = bookings.model
    bookings = list(bookings.filter(parent__isnull=False).prefetch_related("children"))
    households = household_keys({booking.parent_id for booking in bookings})
    stand_ins = anonymous_stand_ins(
        {child for booking in bookings for child in booking.children.all() if child.parent_id}
    )
    links = model.children.through
    owner = model.children.field.m2m_field_name()
    links.objects.filter(**{f"{owner}__in": bookings}).delete()
    links.objects.bulk_create(
        [
            links(**{owner: booking, "child": stand_ins.get(child.pk, child)})
            for booking in bookings
            for child in booking.children.all()
        ]
    )
    for parent_id, household in households.items():
        model.objects.filter(pk__in=[b.pk for b in bookings if b.parent_id == parent_id]).update(
            parent=None, household=household, access_notes=""
        )
    # Emergency contacts and health notes name the family: they go, not anonymised.
    given_with = "course_booking" if model is CourseBooking else "booking"
    DropOffDetails.objects.filter(**{f"{given_with}__in": bookings}).delete()
    # Written without model signals: the families' bookings lists no longer show them.
    pagecache.invalidate()
    return len(bookings)


def remove_child_profile(child: Child) -> None:
    """Removes a child's profile; bookings it came to keep an anonymous child instead."""
    with transaction.atomic():
        anonymise_child_links(child)
        child.delete()


def anonymise_child_links(child: Child) -> None:
    """Points the child's bookings and course bookings at their anonymous stand-in (birth month
    and year only)."""
    for model in (Booking, CourseBooking):
        links = model.children.through
        owner = f"{model.children.field.m2m_field_name()}_id"
        booking_ids = list(links.objects.filter(child=child).values_list(owner, flat=True))
        if not booking_ids:
            continue
        stand_in = anonymous_stand_ins([child])[child.pk]
        links.objects.filter(child=child).delete()
        links.objects.bulk_create([links(**{owner: pk, "child": stand_in}) for pk in booking_ids])


def _cancel_upcoming(user) -> None:
    """Cancels the account's upcoming bookings and waiting-list places through the bookings
    service, one at a time, so each refund, notice and promotion happens as it always does.
    A course booking is cancelled as a whole (its places on the sessions to come with it)."""
    courses = CourseBooking.objects.filter(
        parent=user,
        status__in=CourseBooking.ACTIVE_STATUSES,
        course__sessions__start__gt=timezone.now(),
    ).values_list("pk", flat=True)
    for course_booking_id in list(courses.distinct()):
        try:
            booking_services.cancel_course_booking(
                course_booking_id=course_booking_id, by=user, on_behalf=True
            )
        except ApplicationError as error:
            logger.info(
                "Course booking %s not cancelled on account deletion: %s", course_booking_id, error
            )
    upcoming = Booking.objects.filter(
        parent=user,
        status__in=Booking.ACTIVE_STATUSES,
        session__start__gt=timezone.now(),
        course_booking__isnull=True,
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
    # Read by the configured session engine (the sessions are encrypted: startwell/sessions.py);
    # the model's own get_decoded() knows only Django's plain format.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    theirs = [
        stored.pk
        for stored in BrowserSession.objects.filter(expire_date__gt=timezone.now()).iterator()
        if store.decode(stored.session_data).get("_auth_user_id") == str(user.pk)
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
        bookings += list(CourseBooking.objects.filter(parent=user).select_related("payment"))
        StripeEvent.objects.filter(_stripe_events_about(user, bookings)).update(payload={})
        anonymise_bookings(Booking.objects.filter(parent=user))
        anonymise_bookings(CourseBooking.objects.filter(parent=user))
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


# --- Family contacts (families the centre books for without an account) ------------------------


def contact_household_key(contact_id: int) -> str:
    """The same key every time for one family contact's bookings, so the family counts once in
    the figures whichever day its bookings are anonymised; keyed with the site's secret, and
    meaningless once the contact itself is erased."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"contact:{contact_id}".encode(), "sha256")
    return "h" + digest.hexdigest()[:16]


def anonymise_contact_bookings(bookings) -> int:
    """Cuts bookings off from the family contact they were made for, as `anonymise_bookings`
    does for an account's."""
    bookings = list(bookings.filter(family_contact__isnull=False).prefetch_related("children"))
    stand_ins = anonymous_stand_ins(
        {child for booking in bookings for child in booking.children.all() if child.first_name}
    )
    links = Booking.children.through
    for booking in bookings:
        anonymous = [stand_ins.get(child.pk, child) for child in booking.children.all()]
        links.objects.filter(booking=booking).delete()
        links.objects.bulk_create([links(booking=booking, child=child) for child in anonymous])
        Booking.objects.filter(pk=booking.pk).update(
            family_contact=None,
            household=contact_household_key(booking.family_contact_id),
            access_notes="",
        )
    return len(bookings)


def erase_family_contact(contact: FamilyContact) -> None:
    """Erases a family contact: its bookings stay as anonymous rows for the centre's figures;
    its name, number, address, consent and children go."""
    with transaction.atomic():
        anonymise_contact_bookings(Booking.objects.filter(family_contact=contact))
        children = list(contact.children.all())
        addresses = [str(contact.mobile or ""), contact.email]
        DeliveryFailure.objects.filter(address__in=[a for a in addresses if a]).delete()
        contact.delete()
        for child in children:
            child.delete()  # its bookings now point at an anonymous copy
