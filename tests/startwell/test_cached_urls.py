"""`{% cached_url %}` writes the same addresses as `{% url %}`, remembered apart for each script
prefix and language, and refuses what it cannot remember exactly."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from startwell.templatetags.cached_urls import cached_reverse


def render(source: str, **context) -> str:
    return Template("{% load cached_urls %}" + source).render(Context(context))


def test_it_writes_what_the_url_tag_writes():
    source = "{{% {tag} 'parent_champions:booking_action' session booking 'check-in' %}}"
    context = {"session": 12, "booking": 345}
    expected = reverse("parent_champions:booking_action", args=[12, 345, "check-in"])

    assert render(source.format(tag="cached_url"), **context) == expected
    assert Template(source.format(tag="url")).render(Context(context)) == expected
    # Asked again, from what it remembers, and for another booking.
    assert render(source.format(tag="cached_url"), **context) == expected
    assert render(source.format(tag="cached_url"), session=12, booking=346) == reverse(
        "parent_champions:booking_action", args=[12, 346, "check-in"]
    )


def test_each_script_prefix_has_its_own_addresses():
    plain = cached_reverse("bookings:booking_list")
    set_script_prefix("/portal/")
    try:
        assert cached_reverse("bookings:booking_list") == "/portal" + plain
    finally:
        set_script_prefix("/")
    assert cached_reverse("bookings:booking_list") == plain


def test_each_language_is_remembered_apart():
    with translation.override("pl"):
        in_polish = cached_reverse("parent_champions:register", 7)
        assert in_polish == reverse("parent_champions:register", args=[7])
    with translation.override("en-gb"):
        assert cached_reverse("parent_champions:register", 7) == reverse(
            "parent_champions:register", args=[7]
        )


def test_it_refuses_what_it_cannot_remember_exactly():
    with pytest.raises(TypeError, match="whole numbers and text"):
        cached_reverse("parent_champions:register", 7.5)
    with pytest.raises(TypeError, match="whole numbers and text"):
        cached_reverse("parent_champions:register", None)
    with pytest.raises(NoReverseMatch):
        cached_reverse("parent_champions:no_such_page")
