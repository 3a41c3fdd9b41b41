"""A family's UK mobile number: added, confirmed by a code texted to it (a few tries, a short
expiry), and how the family wants to hear from the centre (e-mail, text, or both).

Only a keyed digest of the code is kept; the code itself is in the text, which leaves the task
queue once sent (`startwell.sms`)."""

import datetime
import hashlib
import hmac
import secrets

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import sms
from .errors import ApplicationError
from .models import MobilePhone, User


class MobileError(ApplicationError):
    """A rule refused the number, the code or the choice; `message` is written for the family."""


NOT_A_NUMBER = _("Enter a UK mobile number, like 07911 123456.")
NOT_UK = _("Enter a UK mobile number: we can only send texts to UK mobiles.")
NOT_MOBILE = _("This looks like a landline number. Enter a mobile number, like 07911 123456.")
TAKEN = _(
    "This number is already confirmed on another account. Use another number, or call the centre."
)
NO_CODE_WAITING = _("Add your mobile number first: we will text you a code.")
WRONG_CODE = ngettext_lazy(
    "That code is not right. You have %(left)d more try before you need a new code.",
    "That code is not right. You have %(left)d more tries before you need a new code.",
    "left",
)
NO_TRIES_LEFT = _("That code is not right, and you have no tries left. Ask for a new code.")
EXPIRED = _("That code has expired. Ask for a new code.")
ENTER_CODE = _("Enter the 6-digit code we texted you.")
TEXT_NEEDS_MOBILE = _("Confirm a mobile number before choosing text messages.")

CODE_LIFETIME = datetime.timedelta(minutes=15)
CODE_TRIES = 5
CODE_TEXT = _(
    "Start Well: your code is {code}. It works for 15 minutes. "
    "If you did not ask for it, ignore this text."
)


def parse_uk_mobile(text: str) -> phonenumbers.PhoneNumber:
    """The number typed, read as a UK mobile; refuses anything else with a message for the
    field."""
    text = (text or "").strip()
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise MobileError(NOT_A_NUMBER, field="number") from None
    if not phonenumbers.is_valid_number(number):
        raise MobileError(NOT_A_NUMBER, field="number")
    if number.country_code != 44:
        raise MobileError(NOT_UK, field="number")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise MobileError(NOT_MOBILE, field="number")
    return number


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digest(user: User, number: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"mobile:{user.pk}:{number}:{code}".encode(), hashlib.sha256).hexdigest()


def _confirmed_elsewhere(user: User, number: str) -> bool:
    return (
        MobilePhone.objects.filter(number=number, confirmed_at__isnull=False)
        .exclude(user=user)
        .exists()
    )


def start_confirming(*, user: User, number_text: str) -> MobilePhone:
    """Keeps the number, unconfirmed, and texts a new code to it. Replaces a number the account
    had (which stops being confirmed until the new one is)."""
    number = _e164(parse_uk_mobile(number_text))
    if _confirmed_elsewhere(user, number):
        raise MobileError(TAKEN, field="number")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        mobile, _ = MobilePhone.objects.select_for_update().get_or_create(
            user=user, defaults={"number": number}
        )
        if str(mobile.number) != number or not mobile.is_confirmed:
            mobile.confirmed_at = None
        mobile.number = number
        mobile.code_digest = _digest(user, number, code)
        mobile.code_expires_at = timezone.now() + CODE_LIFETIME
        mobile.tries_left = CODE_TRIES
        mobile.save()
        sms.send_text(to=number, body=CODE_TEXT.format(code=code), user_id=user.pk)
    return mobile


def confirm(*, user: User, code: str) -> MobilePhone:
    """Confirms the number waiting for its code. A wrong code uses up a try; the last wrong try,
    or an expired code, needs a new code."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        raise MobileError(ENTER_CODE, field="code")
    with transaction.atomic():
        mobile = MobilePhone.objects.select_for_update().filter(user=user).first()
        if mobile is None or not mobile.code_digest:
            raise MobileError(NO_CODE_WAITING, field="code")
        if mobile.tries_left == 0:
            raise MobileError(NO_TRIES_LEFT, field="code")
        if timezone.now() >= mobile.code_expires_at:
            raise MobileError(EXPIRED, field="code")
        number = str(mobile.number)
        if not hmac.compare_digest(mobile.code_digest, _digest(user, number, code)):
            mobile.tries_left -= 1
            mobile.save(update_fields=["tries_left"])
            left = mobile.tries_left
            error = (
                MobileError(WRONG_CODE % {"left": left}, field="code")
                if left
                else MobileError(NO_TRIES_LEFT, field="code")
            )
        else:
            error = None
    if error:
        # Raised after the commit, so that the try used up is kept.
        raise error
    if _confirmed_elsewhere(user, number):
        raise MobileError(TAKEN, field="code")
    try:
        with transaction.atomic():
            MobilePhone.objects.filter(pk=mobile.pk).update(
                confirmed_at=timezone.now(),
                code_digest="",
                code_expires_at=None,
                tries_left=0,
                delivery_failed_at=None,
                delivery_failure="",
            )
    except IntegrityError:
        # Another account confirmed the same number a moment earlier.
        raise MobileError(TAKEN, field="code") from None
    mobile.refresh_from_db()
    return mobile


def remove(*, user: User) -> None:
    """Removes the account's number; texts stop, e-mail carries on."""
    with transaction.atomic():
        MobilePhone.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(contact_by=User.ContactBy.EMAIL)
    user.contact_by = User.ContactBy.EMAIL


def choose_contact(*, user: User, contact_by: str) -> None:
    """E-mail, text or both; text needs a confirmed number."""
    if contact_by not in User.ContactBy.values:
        raise MobileError(_("Choose how you would like to hear from us."), field="contact_by")
    if contact_by != User.ContactBy.EMAIL and not confirmed_number(user):
        raise MobileError(TEXT_NEEDS_MOBILE, field="contact_by")
    User.objects.filter(pk=user.pk).update(contact_by=contact_by)
    user.contact_by = contact_by


def confirmed_number(user: User) -> str | None:
    """The account's confirmed mobile in E.164 form, or None."""
    number = (
        MobilePhone.objects.filter(user=user, confirmed_at__isnull=False)
        .values_list("number", flat=True)
        .first()
    )
    return str(number) if number else None


def channels(user: User) -> tuple[str | None, str | None]:
    """Where to reach the family: (e-mail address or None, mobile number or None), by their
    choice. Someone who chose text but whose number is gone still gets e-mail."""
    number = confirmed_number(user) if user.contact_by != User.ContactBy.EMAIL else None
    wants_email = user.contact_by != User.ContactBy.TEXT or number is None
    return (user.email if wants_email else None, number)
