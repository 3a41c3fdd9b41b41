"""The one application error. Each app's refusals subclass it, so views catch one type and show
the message next to the field it belongs to (or at the top of the form)."""

from django import forms
from django.contrib import messages


class ApplicationError(Exception):
    """A rule refused the request. `message` is written for the person who asked; `field` names
    the form field it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


def show_on_form(form: forms.BaseForm, error: ApplicationError, *, fields: dict | None = None):
    """Puts the refusal next to its field, or at the top of the form when the form has no such
    field. `fields` maps a service's field name to the form's, where they differ."""
    field = (fields or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def show_as_message(request, error: ApplicationError) -> None:
    """For refusals of a button with no form around it: the message appears at the top of the
    next page."""
    messages.error(request, error.message)
