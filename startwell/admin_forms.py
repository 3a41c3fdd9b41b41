"""Base forms for what the portal edits in the Wagtail admin (its pages, their inline rows such
as venues, and its snippets): every single-line text field refuses line breaks, as the portal's
own forms do (`startwell.forms.SingleLineCharField`), with the message next to the field. A
title with a line break would break the page's heading, the e-mails naming it and the CSV
reports."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from .forms import refuse_line_breaks


def keep_to_one_line(form: forms.BaseForm) -> None:
    """Adds the line-break check to each text field the form shows as a single line."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.Textarea)
            and refuse_line_breaks not in field.validators
        ):
            field.validators.append(refuse_line_breaks)


class SingleLineFieldsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_to_one_line(self)
        # Inline panels' rows (a centre's venues and partners) are forms of their own.
        for formset in getattr(self, "formsets", {}).values():
            for form in [*formset.forms, formset.empty_form]:
                keep_to_one_line(form)


class SingleLinePageForm(SingleLineFieldsMixin, WagtailAdminPageForm):
    """`base_form_class` of the portal's page types."""


class SingleLineModelForm(SingleLineFieldsMixin, WagtailAdminModelForm):
    """`base_form_class` of the portal's snippets."""
