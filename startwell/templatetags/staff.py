"""Whether the person is staff, for templates: asked once per request (see `is_staff_member`)."""

from django import template

from startwell.second_factor import is_staff_member as _is_staff_member

register = template.Library()


@register.filter
def is_staff_member(user) -> bool:
    return _is_staff_member(user)
