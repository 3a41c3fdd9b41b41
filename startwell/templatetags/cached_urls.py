"""`{% cached_url "name" arg … %}`: `{% url %}` for the addresses a page writes many times over (a
register's buttons, one set per family) or on every page (the header's), worked out once per
process and remembered.

Django reverses a URL name afresh each time, about 30 µs: a register of fifteen families wrote
twenty-nine addresses, a sixth of its rendering. An address depends only on the name, the
arguments, the URL configuration, the script prefix the site is served under and the language,
and all of them make the key; arguments must be whole numbers or text (what a key can hold
exactly). Unlike `{% url %}`, it does not look at the current application: it is not for a
namespace the site mounts more than once."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=8192)
def _reversed(name: str, args: tuple, urlconf, script_prefix: str, language: str | None) -> str:
    # The script prefix and language are read by `reverse` itself; they are arguments here
    # only so that each combination is remembered apart.
    return reverse(name, args=args, urlconf=urlconf)


def cached_reverse(name: str, *args: int | str) -> str:
    for arg in args:
        if type(arg) is not int and not isinstance(arg, str):
            raise TypeError(f"cached_url takes whole numbers and text, not {type(arg).__name__}")
    key = tuple(arg if type(arg) is int else str(arg) for arg in args)
    return _reversed(str(name), key, get_urlconf(), get_script_prefix(), get_language())


@register.simple_tag
def cached_url(name: str, *args: int | str) -> str:
    return cached_reverse(name, *args)
