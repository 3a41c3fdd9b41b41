"""Forms for people's own details and their second factor, and the checks every form in the
portal shares: one line for single-line text, upper bounds for numbers and dates."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .limits import DATE_OUT_OF_RANGE, LINE_BREAK_REFUSED, YEARS_EITHER_SIDE
from .models import Child, User

# Django's month names, so they follow the language.
MONTH_CHOICES = list(MONTHS.items())


def refuse_line_breaks(value: str) -> None:
    """A subject, title or name is one line: a line break in an e-mail subject breaks the
    message (or adds headers to it), and in a title it breaks the page."""
    if "\r" in value or "\n" in value:
        raise ValidationError(gettext(LINE_BREAK_REFUSED), code="line_break")


class SingleLineCharField(forms.CharField):
    """Text on one line: refuses carriage returns and line feeds with a message by the field."""

    default_validators = [refuse_line_breaks]


def _shifted_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def within_years_of_today(value) -> None:
    """A date (or date and time) within `YEARS_EITHER_SIDE` years of today. Beyond that nothing
    real is planned or reported on, and dates near year 9999 overflow as soon as a day is added."""
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
    today = timezone.localdate()
    earliest = _shifted_years(today, -YEARS_EITHER_SIDE)
    latest = _shifted_years(today, YEARS_EITHER_SIDE)
    if not earliest <= day <= latest:
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")


def bound_dates(form: forms.BaseForm, *names: str) -> None:
    """Adds the date bound to fields a model form made for itself."""
    for name in names:
        if name in form.fields:
            form.fields[name].validators.append(within_years_of_today)


def at_most(field: forms.Field, most: int, message: str | None = None) -> None:
    """An upper bound on a number field, with a plain message and the browser's `max`."""
    field.validators.append(
        MaxValueValidator(
            most,
            message=message
            or format_lazy(_("Enter a number that is at most {most}."), most=f"{most:,}"),
        )
    )
    field.widget.attrs["max"] = most


class PageChoiceField(forms.ModelChoiceField):
    """A choice of one Wagtail page (a centre, an activity). A page's key is a link to its base
    page, and Django does not range-check such a key on SQLite: a huge number in the form would
    raise OverflowError there instead of "not one of the choices"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ChildForm(forms.Form):
    """Only what sessions need: a first name and the month and year of birth."""

    first_name = SingleLineCharField(
        max_length=Child._meta.get_field("first_name").max_length,
        label=_("First name"),
        help_text=_("Just a first name, so that the session leader can greet them."),
    )
    birth_month = forms.TypedChoiceField(
        label=_("Month of birth"),
        choices=[("", _("Choose a month")), *MONTH_CHOICES],
        coerce=int,
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        help_text=_("For example, 2024"),
        min_value=1900,
        max_value=2100,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["birth_year"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "max": this_year}
        )
        self.fields["first_name"].widget.attrs.update({"autocomplete": "off"})

    @classmethod
    def for_child(cls, child: Child, data=None):
        initial = {
            "first_name": child.first_name,
            "birth_month": child.birth_month,
            "birth_year": child.birth_year,
        }
        return cls(data, initial=initial)


class MobileNumberForm(forms.Form):
    number = SingleLineCharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("A UK mobile, like 07911 123456. We will text you a code to confirm it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class MobileCodeForm(forms.Form):
    code = SingleLineCharField(
        label=_("Code from the text"),
        max_length=20,
        help_text=_("6 digits"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ContactByForm(forms.Form):
    contact_by = forms.ChoiceField(
        label=_("How should we tell you about your bookings?"),
        choices=User.ContactBy.choices,
        widget=forms.RadioSelect,
    )
