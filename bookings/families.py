"""Families the centre books for: family contacts kept by staff for families without an account,
and finding a family to book for — only by an exact mobile number or e-mail address, or among
the families of the staff member's own sessions, so that there is never a browsable directory
of families. Who may keep contacts for which centre is the caller's question (the registers'
rules in `parent_champions`); these functions keep the family's data right."""

import datetime
from dataclasses import dataclass, field

import phonenumbers
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import CentrePage
from startwell.mobiles import MobileError, parse_uk_mobile
from startwell.models import Child, MobilePhone, User

from .errors import BookingError
from .models import Booking, ContactChild, FamilyContact, Session

NAME_REQUIRED = _("Enter the family's first name.")
NO_WAY_TO_CONTACT = _(
    "Enter a mobile number or an e-mail address: we need a way to reach the family."
)
CONSENT_REQUIRED = _(
    "Record how the family agreed to us keeping their details, "
    "for example: agreed by phone on 3 March."
)
TEXT_NEEDS_MOBILE = _("To send texts, enter the family's mobile number.")
EMAIL_NEEDS_ADDRESS = _("To send e-mails, enter the family's e-mail address.")
# One sentence for each, so that each language can say it its own way.
MOBILE_KNOWN = _(
    "The centre already has a family with this mobile number. "
    "Find them by it instead of adding them again."
)
EMAIL_KNOWN = _(
    "The centre already has a family with this e-mail address. "
    "Find them by it instead of adding them again."
)
MOBILE_OR_EMAIL_KNOWN = _(
    "The centre already has a family with this mobile number or e-mail address. "
    "Find them by it instead of adding them again."
)
SEARCH_NEEDS_WHOLE = _(
    "Enter the whole mobile number (like 07911 123456) or the whole e-mail address: "
    "families are found only by an exact match."
)
EMAIL_INVALID = _("Enter an e-mail address, like name@example.com.")
CHILD_NAME_REQUIRED = _("Enter the child's first name.")
CHILD_BIRTH_INVALID = _("Enter the child's month and year of birth.")
CONTACT_BY_REQUIRED = _("Choose how the family would like to hear from us.")


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    birth_month: int
    birth_year: int


def _clean_mobile(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = parse_uk_mobile(text)
    except MobileError as error:
        raise BookingError(error.message, field="mobile") from None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _clean_email(text: str) -> str:
    text = (text or "").strip().lower()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise BookingError(EMAIL_INVALID, field="email") from None
    return text


def _check_children(children: list[ChildDetails]) -> None:
    today = timezone.localdate()
    for child in children:
        if not child.first_name.strip():
            raise BookingError(CHILD_NAME_REQUIRED, field="children")
        if not 1 <= child.birth_month <= 12 or child.birth_year < today.year - 18:
            raise BookingError(CHILD_BIRTH_INVALID, field="children")
        if datetime.date(child.birth_year, child.birth_month, 1) > today:
            raise BookingError(CHILD_BIRTH_INVALID, field="children")


def _check_contact_by(contact_by: str, mobile: str, email: str) -> None:
    if contact_by not in User.ContactBy.values:
        raise BookingError(CONTACT_BY_REQUIRED, field="contact_by")
    if contact_by != User.ContactBy.EMAIL and not mobile:
        raise BookingError(TEXT_NEEDS_MOBILE, field="mobile")
    if contact_by != User.ContactBy.TEXT and not email:
        raise BookingError(EMAIL_NEEDS_ADDRESS, field="email")


def add_contact(
    *,
    centre: CentrePage,
    by: User,
    first_name: str,
    last_name: str = "",
    mobile: str = "",
    email: str = "",
    contact_by: str = User.ContactBy.TEXT,
    consent: str,
    children: list[ChildDetails] = (),
) -> FamilyContact:
    """Keeps a family the centre books for without an account. A family with no way of being
    contacted, without recorded consent, or already known at the centre by the same mobile or
    e-mail is refused, and nothing is written."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    consent = " ".join((consent or "").split())
    if not first_name:
        raise BookingError(NAME_REQUIRED, field="first_name")
    mobile, email = _clean_mobile(mobile), _clean_email(email)
    if not mobile and not email:
        raise BookingError(NO_WAY_TO_CONTACT, field="mobile")
    _check_contact_by(contact_by, mobile, email)
    if not consent:
        raise BookingError(CONSENT_REQUIRED, field="consent")
    children = list(children)
    _check_children(children)
    known = FamilyContact.objects.filter(centre=centre)
    if mobile and known.filter(mobile=mobile).exists():
        raise BookingError(MOBILE_KNOWN, field="mobile")
    if email and known.filter(email=email).exists():
        raise BookingError(EMAIL_KNOWN, field="email")
    try:
        with transaction.atomic():
            contact = FamilyContact.objects.create(
                centre=centre,
                first_name=first_name[:50],
                last_name=last_name[:50],
                mobile=mobile,
                email=email,
                contact_by=contact_by,
                consent=consent[:200],
                consent_recorded_by=by,
            )
            for details in children:
                add_child(contact=contact, details=details)
    except IntegrityError:
        # The same family added by someone else a moment earlier.
        raise BookingError(MOBILE_OR_EMAIL_KNOWN) from None
    return contact


def add_child(*, contact: FamilyContact, details: ChildDetails) -> Child:
    _check_children([details])
    child = Child.objects.create(
        parent=None,
        first_name=details.first_name.strip()[:50],
        birth_month=details.birth_month,
        birth_year=details.birth_year,
    )
    ContactChild.objects.create(contact=contact, child=child)
    return child


def contact_children(contact: FamilyContact) -> QuerySet[Child]:
    return Child.objects.filter(pk__in=ContactChild.objects.filter(contact=contact).values("child"))


def contact_channels(contact: FamilyContact) -> tuple[str | None, str | None]:
    """Where to reach the family, by their choice: (e-mail address or None, mobile or None)."""
    number = str(contact.mobile) if contact.mobile else None
    email = contact.email or None
    if contact.contact_by == User.ContactBy.EMAIL and email:
        return email, None
    if contact.contact_by == User.ContactBy.TEXT and number:
        return None, number
    return email, number


# --- Finding a family ---------------------------------------------------------------------------


@dataclass
class FoundFamilies:
    """What an exact search found: family contacts of the centre and accounts."""

    contacts: list[FamilyContact] = field(default_factory=list)
    accounts: list[User] = field(default_factory=list)

    def __bool__(self):
        return bool(self.contacts or self.accounts)


def _looks_like_email(text: str) -> bool:
    return "@" in text


def find_families(*, centre: CentrePage, query: str) -> FoundFamilies:
    """The families known by exactly this mobile number or e-mail address: the centre's family
    contacts, and accounts that confirmed it (a verified e-mail, a confirmed mobile). Anything
    short of a whole number or address is refused: staff cannot browse families by typing part
    of a number."""
    query = (query or "").strip()
    if _looks_like_email(query):
        try:
            email = _clean_email(query)
        except BookingError:
            raise BookingError(SEARCH_NEEDS_WHOLE, field="query") from None
        contacts = FamilyContact.objects.filter(centre=centre, email=email, claimed_at__isnull=True)
        accounts = User.objects.filter(
            pk__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user")
        )
    else:
        try:
            mobile = _clean_mobile(query)
        except BookingError:
            raise BookingError(SEARCH_NEEDS_WHOLE, field="query") from None
        if not mobile:
            raise BookingError(SEARCH_NEEDS_WHOLE, field="query")
        contacts = FamilyContact.objects.filter(
            centre=centre, mobile=mobile, claimed_at__isnull=True
        )
        accounts = User.objects.filter(
            pk__in=MobilePhone.objects.filter(number=mobile, confirmed_at__isnull=False).values(
                "user"
            )
        )
    return FoundFamilies(
        contacts=list(contacts.prefetch_related("children")),
        accounts=list(accounts.prefetch_related("children")),
    )


def families_of_sessions(sessions: QuerySet[Session], *, centre: CentrePage) -> FoundFamilies:
    """The families booked (now or before) on these sessions of the centre: the staff member's
    own sessions, whose families they already know. Four queries."""
    bookings = Booking.objects.filter(session__in=sessions, session__centre=centre)
    contacts = FamilyContact.objects.filter(
        pk__in=bookings.filter(family_contact__isnull=False).values("family_contact"),
        claimed_at__isnull=True,
    )
    accounts = User.objects.filter(pk__in=bookings.filter(parent__isnull=False).values("parent"))
    return FoundFamilies(
        contacts=list(contacts.prefetch_related("children")),
        accounts=list(
            accounts.order_by("first_name", "last_name", "pk").prefetch_related("children")
        ),
    )


def touch(contact: FamilyContact) -> None:
    """The family was booked for or changed: its retention period starts again."""
    FamilyContact.objects.filter(pk=contact.pk).update(last_active_at=timezone.now())
