"""Amounts in pence shown as people write them: £3.50, £3, 50p."""

from django import template

from bookings.pricing import format_pence

register = template.Library()


@register.filter
def pence(value) -> str:
    if value in (None, ""):
        return ""
    return format_pence(int(value))
