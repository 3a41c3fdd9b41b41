"""Amounts in pence shown as people write them: £3.50, £3, 50p."""

from django import template

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
        return "Free"
    if pricing.is_fixed:
        return f"{format_pence(pricing.price_pence)} a place"
    return f"Pay what you can (we suggest {format_pence(pricing.suggested_pence)} a place)"
