"""The period and centre a report covers."""

from django import forms
from django.utils import timezone

from cms.selectors import centres_managed_by
from startwell.forms import PageChoiceField, within_years_of_today

from .periods import Period, term_before, term_containing, year_containing

MAX_YEARS = 5
PERIOD_CHOICES = [
    ("this_term", "This term"),
    ("last_term", "Last term"),
    ("this_year", "This year"),
    ("custom", "A range of dates"),
]


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(choices=PERIOD_CHOICES, initial="this_term")
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_years_of_today],
        help_text="For a range of dates only",
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_years_of_today],
        help_text="For a range of dates only",
    )
    centre = PageChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Choose one of the centres you manage."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.managed = centres_managed_by(user).order_by("title")
        field = self.fields["centre"]
        field.queryset = self.managed
        field.empty_label = (
            "All centres (borough total)" if user.is_superuser else "All your centres"
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        choice = data.get("period")
        if choice == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", "Enter the first day of the range.")
            if end is None:
                self.add_error("end", "Enter the last day of the range.")
            if start is None or end is None:
                return data
            if end < start:
                self.add_error("end", "The last day must be on or after the first day.")
                return data
            try:
                limit = start.replace(year=start.year + MAX_YEARS)
            except ValueError:  # 29 February
                limit = start.replace(year=start.year + MAX_YEARS, day=28)
            if end >= limit:
                self.add_error("end", "Choose a range of five years or less.")
                return data
            data["period_obj"] = Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")
        elif choice == "last_term":
            data["period_obj"] = term_before(today)
        elif choice == "this_year":
            data["period_obj"] = year_containing(today)
        else:
            data["period_obj"] = term_containing(today)
        return data

    @property
    def chosen_period(self) -> Period:
        return self.cleaned_data["period_obj"]

    @property
    def centres(self):
        chosen = self.cleaned_data.get("centre")
        if chosen is None:
            return self.managed
        return self.managed.filter(pk=chosen.pk)

    @property
    def centre_label(self) -> str:
        chosen = self.cleaned_data.get("centre")
        if chosen is not None:
            return chosen.title
        return self.fields["centre"].empty_label
