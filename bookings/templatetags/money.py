"""Amounts in pence shown as people write them: £3.50, £3, 50p."""

from django import template
from django.utils.translation import gettext as _

from bookings.models import Course
from bookings.pricing import format_pence

register = template.Library()


@register.filter
def pence(value) -> str:
    if value in (None, ""):
        return ""
    return format_pence(int(value))


@register.filter
def price_phrase(session) -> str:
    """What a place costs, in words: 'Free', '£5 a place', 'Pay what you can (we suggest £4 a
    place)'."""
    pricing = session.pricing
    if pricing.is_free:
        return _("Free")
    if isinstance(session, Course):
        # One price for every session of the run.
        if pricing.is_fixed:
            return _("{amount} a place for the whole course").format(
                amount=format_pence(pricing.price_pence)
            )
        return _("Pay what you can (we suggest {amount} a place for the whole course)").format(
            amount=format_pence(pricing.suggested_pence)
        )
    if pricing.is_fixed:
        return _("{amount} a place").format(amount=format_pence(pricing.price_pence))
    return _("Pay what you can (we suggest {amount} a place)").format(
        amount=format_pence(pricing.suggested_pence)
    )
