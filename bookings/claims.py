"""A family the centre booked for without an account, claimed by the family's own account: an
account that has proved the same mobile (confirmed by a code) or e-mail address (verified) is
offered the family contact, and takes over its children and bookings after confirming one more
code, sent to the contact's number or address — so that a number recycled to someone else, or
an address typed by staff, never hands a family's bookings to a stranger.

Only a keyed digest of the code is kept, with its expiry and the tries left (as for a mobile,
`startwell.mobiles`). Sending codes is rate-limited by the view."""

import datetime
import hashlib
import hmac
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from startwell import pagecache, sms
from startwell.languages import speaking_to
from startwell.models import Child, MobilePhone, User

from .errors import BookingError
from .models import Booking, ContactChild, FamilyContact

CODE_LIFETIME = datetime.timedelta(minutes=15)
CODE_TRIES = 5
CODE_TEXT = _(
    "Start Well: your code to join your bookings to your account is {code}. "
    "It works for 15 minutes."
)
CODE_SUBJECT = _("Your Start Well code")
CODE_EMAIL = _("Hello {name},\n\n{text}\n\nStart Well\n")
ENTER_CODE = _("Enter the 6-digit code we sent you.")
NO_CODE_WAITING = _("Ask for a code first.")
WRONG_CODE = ngettext_lazy(
    "That code is not right. You have %(left)d more try before you need a new code.",
    "That code is not right. You have %(left)d more tries before you need a new code.",
    "left",
)
NO_TRIES_LEFT = _("That code is not right, and you have no tries left. Ask for a new code.")
EXPIRED = _("That code has expired. Ask for a new code.")


def claimable_by(user: User) -> QuerySet[FamilyContact]:
    """Family contacts kept by a centre with a mobile this account confirmed or an e-mail
    address it verified, not yet claimed."""
    numbers = MobilePhone.objects.filter(user=user, confirmed_at__isnull=False).values("number")
    emails = [
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    return FamilyContact.objects.filter(
        Q(mobile__in=numbers) | Q(email__in=emails), claimed_at__isnull=True
    ).select_related("centre")


def _digest(contact: FamilyContact, user: User, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"family-claim:{contact.pk}:{user.pk}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _claimable(user: User, contact_id: int) -> FamilyContact:
    contact = claimable_by(user).filter(pk=contact_id).first()
    if contact is None:
        raise FamilyContact.DoesNotExist
    return contact


def send_claim_code(*, user: User, contact_id: int) -> str:
    """Sends a new code to the contact's mobile (or, without one, its e-mail address) and
    returns where it went, as the family reads it ("your mobile ending 456"). The code's text
    is in the language of the account that asked: the number or address is that person's own
    (the account proved it), and the family contact has no language of its own."""
    contact = _claimable(user, contact_id)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        FamilyContact.objects.filter(pk=contact.pk).update(
            claim_code_digest=_digest(contact, user, code),
            claim_code_expires_at=timezone.now() + CODE_LIFETIME,
            claim_tries_left=CODE_TRIES,
        )
        if contact.mobile:
            with speaking_to(user):
                body = str(CODE_TEXT).format(code=code)
            sms.send_text(to=str(contact.mobile), body=body)
            return _("your mobile ending {digits}").format(digits=str(contact.mobile)[-3:])
        with speaking_to(user):
            subject = str(CODE_SUBJECT)
            body = str(CODE_EMAIL).format(
                name=contact.first_name, text=str(CODE_TEXT).format(code=code)
            )
        EmailMessage(subject=subject, body=body, to=[contact.email]).send()
        return _("your e-mail address {address}").format(address=contact.email)


def _check_code(user: User, contact_id: int, code: str) -> FamilyContact:
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        raise BookingError(ENTER_CODE, field="code")
    with transaction.atomic():
        contact = FamilyContact.objects.select_for_update().get(pk=_claimable(user, contact_id).pk)
        if not contact.claim_code_digest:
            raise BookingError(NO_CODE_WAITING, field="code")
        if contact.claim_tries_left == 0:
            raise BookingError(NO_TRIES_LEFT, field="code")
        if timezone.now() >= contact.claim_code_expires_at:
            raise BookingError(EXPIRED, field="code")
        if hmac.compare_digest(contact.claim_code_digest, _digest(contact, user, code)):
            return contact
        contact.claim_tries_left -= 1
        contact.save(update_fields=["claim_tries_left"])
        left = contact.claim_tries_left
    # Raised after the commit, so that the try used up is kept.
    if left:
        raise BookingError(WRONG_CODE % {"left": left}, field="code")
    raise BookingError(NO_TRIES_LEFT, field="code")


def claim(*, user: User, contact_id: int, code: str) -> FamilyContact:
    """With the right code, the account takes over the family contact's children and bookings.
    A session the account has already booked keeps the account's own booking; the contact's
    booking there stays with the contact (staff see both on the register)."""
    contact = _check_code(user, contact_id, code)
    with transaction.atomic():
        now = timezone.now()
        children = list(
            ContactChild.objects.filter(contact=contact).values_list("child", flat=True)
        )
        Child.objects.filter(pk__in=children).update(parent=user)
        ContactChild.objects.filter(contact=contact).delete()
        own_sessions = Booking.objects.filter(
            parent=user, status__in=Booking.ACTIVE_STATUSES
        ).values("session")
        movable = Booking.objects.filter(family_contact=contact).exclude(
            status__in=Booking.ACTIVE_STATUSES, session__in=own_sessions
        )
        movable.update(parent=user, family_contact=None)
        # Written without model signals: the account's bookings list shows them now.
        pagecache.invalidate()
        FamilyContact.objects.filter(pk=contact.pk).update(
            claimed_by=user,
            claimed_at=now,
            claim_code_digest="",
            claim_code_expires_at=None,
            claim_tries_left=0,
        )
    contact.refresh_from_db()
    return contact
