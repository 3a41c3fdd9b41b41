"""A refusal goes next to the field it names, at the top of the form when the form has no such
field, or at the top of the next page when there is no form."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from codesign.services import CodesignError
from startwell.errors import ApplicationError, show_as_message, show_on_form
from startwell.services import ChildError


class NameForm(forms.Form):
    first_name = forms.CharField()


def bound_form() -> NameForm:
    form = NameForm({"first_name": "Asha"})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_field_of_the_form_is_shown_next_to_it():
    form = bound_form()
    show_on_form(form, ApplicationError("Use a shorter name.", field="first_name"))
    assert form.errors == {"first_name": ["Use a shorter name."]}
    assert form.non_field_errors() == []


def test_a_refusal_naming_no_field_or_another_field_is_shown_at_the_top_of_the_form():
    form = bound_form()
    show_on_form(form, ApplicationError("The centre is very busy, try again."))
    show_on_form(form, ApplicationError("Choose a session.", field="session"))
    assert form.non_field_errors() == ["The centre is very busy, try again.", "Choose a session."]
    assert "first_name" not in form.errors


def test_a_service_field_name_is_mapped_to_the_form_field_it_belongs_to():
    form = bound_form()
    error = ApplicationError("Use a shorter name.", field="name")
    show_on_form(form, error, fields={"name": "first_name"})
    assert form.errors == {"first_name": ["Use a shorter name."]}


def test_a_refusal_without_a_form_becomes_a_message_for_the_next_page():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    show_as_message(request, ApplicationError("You already support this idea."))
    assert [(m.message, m.level_tag) for m in get_messages(request)] == [
        ("You already support this idea.", "error")
    ]


def test_each_apps_refusals_are_application_errors_with_their_field():
    for app_error in (CodesignError, ChildError):
        error = app_error("Give a reason.", field="reason")
        assert isinstance(error, ApplicationError)
        assert (error.message, error.field, error.extra, str(error)) == (
            "Give a reason.",
            "reason",
            {},
            "Give a reason.",
        )
