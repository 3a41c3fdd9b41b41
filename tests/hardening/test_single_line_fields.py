"""Every single-line text field in the portal's forms refuses line breaks: a new form cannot
forget it, because this walks every form class the apps define."""

import importlib
import importlib.util
import inspect

import pytest
from django import forms
from django.core.mail import send_mail

from startwell.forms import SingleLineCharField, refuse_line_breaks
from startwell.limits import LINE_BREAK_REFUSED

OUR_APPS = ["startwell", "cms", "bookings", "codesign", "parent_champions", "reports", "privacy"]
# Every forms module of every app, found rather than listed, so a new one is checked too.
FORM_MODULES = [
    f"{app}.{name}"
    for app in OUR_APPS
    for name in ("forms", "admin_forms")
    if importlib.util.find_spec(f"{app}.{name}") is not None
]
# Typed into a field but never shown or sent as a line of text: the amount is parsed as money.
NOT_TEXT = {("BookingForm", "amount")}


def our_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def single_line_text_fields():
    for form in our_forms():
        for name, field in form.base_fields.items():
            if (
                type(field) in (forms.CharField, SingleLineCharField)
                and not isinstance(field.widget, forms.Textarea)
                and (form.__name__, name) not in NOT_TEXT
            ):
                yield pytest.param(field, id=f"{form.__name__}.{name}")


def test_the_walk_finds_every_forms_module():
    assert {"bookings.forms", "bookings.admin_forms", "parent_champions.forms"} <= set(FORM_MODULES)


def test_the_walk_finds_the_fields_people_reported():
    found = {p.id for p in single_line_text_fields()}
    reported = {"MessageForm.subject", "IdeaForm.title", "WalkInForm.label", "ChildForm.first_name"}
    assert reported <= found


@pytest.mark.parametrize("field", single_line_text_fields())
def test_each_single_line_field_refuses_line_breaks(field):
    assert refuse_line_breaks in field.validators
    for value in ["one\r\ntwo", "one\ntwo", "one\rtwo"]:
        with pytest.raises(forms.ValidationError, match=LINE_BREAK_REFUSED):
            field.clean(value)
    assert field.clean("Just one line") == "Just one line"


def test_a_subject_built_from_a_title_with_a_line_break_is_still_delivered(
    db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Page titles are Wagtail's own fields: the e-mail queue puts subjects on one line."""
    settings.EMAIL_BACKEND = "startwell.mail.QueuedEmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Booking confirmed: Stay\r\nand play", "Body", None, ["parent@example.org"])

    [message] = mailoutbox
    assert message.subject == "Booking confirmed: Stay and play"
