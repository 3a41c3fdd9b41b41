"""What a place on a session costs: the activity's price model unless the session overrides it.
Amounts are whole pence (GBP)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cms.models import SMALLEST_CARD_PAYMENT_PENCE, ActivityPage

CURRENCY = "gbp"


@dataclass(frozen=True)
class Pricing:
    model: str
    price_pence: int = 0
    suggested_pence: int = 0
    minimum_pence: int = 0
    funded_places: int = 0

    @property
    def is_free(self) -> bool:
        return self.model == ActivityPage.PRICE_FREE

    @property
    def is_pay_what_you_can(self) -> bool:
        return self.model == ActivityPage.PRICE_PAY_WHAT_YOU_CAN

    @property
    def is_fixed(self) -> bool:
        return self.model == ActivityPage.PRICE_FIXED


def pricing_for(session) -> Pricing:
    """The price model that applies to one session."""
    activity = session.activity
    source = session if session.price_model else activity
    funded = session.funded_places if session.funded_places is not None else activity.funded_places
    return Pricing(
        model=source.price_model,
        price_pence=source.price_pence or 0,
        suggested_pence=source.suggested_pence or 0,
        minimum_pence=source.minimum_pence or 0,
        funded_places=funded or 0,
    )


def format_pence(pence: int) -> str:
    """£3.50, £3 (whole pounds without pence), 50p; in the active language's way of writing
    numbers and amounts (Polish writes 3,50 £)."""
    if pence < 100:
        return _("%(pence)sp") % {"pence": pence}
    pounds, rest = divmod(pence, 100)
    amount = Decimal(pounds) if rest == 0 else Decimal(pence) / 100
    number = number_format(amount, 0 if rest == 0 else 2, use_l10n=True, force_grouping=True)
    return _("£%(amount)s") % {"amount": number}


def pounds_to_type(pence: int) -> str:
    """An amount as a family would type it into the amount field ("3.50", "3"), which
    `parse_pounds` reads back whatever the language."""
    pounds, rest = divmod(pence, 100)
    return str(pounds) if rest == 0 else f"{pounds}.{rest:02d}"


def _is_digits(text: str) -> bool:
    # str.isdigit() is also true of "²" and other digits int() cannot read.
    return text.isascii() and text.isdigit()


def parse_pounds(text: str) -> int | None:
    """Reads an amount typed by a family ('3', '3.50', '£3.5', '50p') as pence; None if it is not
    an amount."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    # A comma before one or two final digits is a decimal comma (Polish "2,50"); any other comma
    # groups thousands.
    if re.fullmatch(r"£?\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace(",", "")
    if cleaned.lower().endswith("p") and not cleaned.startswith("£"):
        digits = cleaned[:-1]
        return int(digits) if _is_digits(digits) else None
    cleaned = cleaned.removeprefix("£")
    if not cleaned:
        return None
    pounds, _, pence = cleaned.partition(".")
    if not (pounds or pence) or (pounds and not _is_digits(pounds)):
        return None
    if pence and (not _is_digits(pence) or len(pence) > 2):
        return None
    return int(pounds or 0) * 100 + int(pence.ljust(2, "0") if pence else 0)


__all__ = [
    "CURRENCY",
    "SMALLEST_CARD_PAYMENT_PENCE",
    "Pricing",
    "format_pence",
    "parse_pounds",
    "pounds_to_type",
]
