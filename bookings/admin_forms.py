"""Forms for centre managers in the Wagtail admin: a session, a series of sessions, cancelling a
session. Choices are limited to the centres the signed-in manager runs."""

import datetime

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput

from cms.models import ActivityPage, CentrePage, price_model_problems
from cms.selectors import activities_managed_by, centres_managed_by, venues_managed_by
from startwell import limits
from startwell.forms import (
    PageChoiceField,
    SingleLineCharField,
    at_most,
    bound_dates,
    within_years_of_today,
)

from .forms import SESSION_DATES, bound_places
from .models import HolidayPeriod, Session
from .selectors import places_taken

WRONG_VENUE = "Choose a venue of {centre}, where this activity happens."
ENDS_BEFORE_STARTS = "The session must end after it starts."
CLOSES_BEFORE_OPENS = "Booking must close after it opens."
HOLIDAY_ENDS_BEFORE_STARTS = "The last day must be on or after the first day."

WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class ActivityChoiceField(PageChoiceField):
    """Activities labelled with their centre, which is looked up once for the whole list."""

    def __init__(self, *args, centre_titles: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre_titles = centre_titles or {}

    def label_from_instance(self, obj: ActivityPage) -> str:
        centre = self.centre_titles.get(obj.path[: -ActivityPage.steplen])
        return f"{obj.title} ({centre})" if centre else obj.title


def _activity_field(user, **kwargs) -> ActivityChoiceField:
    titles = dict(centres_managed_by(user).values_list("path", "title"))
    return ActivityChoiceField(queryset=activities_managed_by(user), centre_titles=titles, **kwargs)


def _check_venue(form: forms.Form, activity: ActivityPage | None, venue) -> None:
    """A session happens at one of its own centre's venues."""
    if activity is None or venue is None:
        return
    centre = CentrePage.objects.ancestor_of(activity).get()
    if venue.centre_id != centre.pk:
        form.add_error("venue", WRONG_VENUE.format(centre=centre.title))


class SessionForm(WagtailAdminModelForm):
    """One session. The activity is chosen when the session is created and fixed afterwards,
    because families booked for it."""

    class Meta:
        model = Session
        fields = [
            "activity",
            "venue",
            "start",
            "end",
            "capacity",
            "max_places_per_booking",
            "booking_opens",
            "booking_closes",
            "cancellation_cutoff",
            "price_model",
            "price_pence",
            "suggested_pence",
            "minimum_pence",
            "funded_places",
            "allow_pay_at_centre",
        ]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["activity"] = _activity_field(
            for_user, label="Activity", help_text="Only your centres' activities are listed"
        )
        self.fields["venue"].queryset = venues_managed_by(for_user)
        self.fields["venue"].widget = forms.Select(choices=self.fields["venue"].choices)
        if self.instance.pk:
            self.fields["activity"].disabled = True
            self.fields["activity"].help_text = "Fixed once families can book the session"
        bound_places(self)
        bound_dates(self, *SESSION_DATES)

    def clean(self):
        cleaned = super().clean()
        _check_venue(self, cleaned.get("activity"), cleaned.get("venue"))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", ENDS_BEFORE_STARTS)
        opens, closes = cleaned.get("booking_opens"), cleaned.get("booking_closes")
        if opens and closes and closes <= opens:
            self.add_error("booking_closes", CLOSES_BEFORE_OPENS)
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            # Checked again under the session's lock when saving; this gives the message early.
            taken = places_taken(self.instance)
            if capacity < taken:
                self.add_error(
                    "capacity",
                    f"{taken} place{'' if taken == 1 else 's'} already booked, so the capacity "
                    f"cannot be lower than {taken}.",
                )
        return cleaned


class HolidayPeriodForm(WagtailAdminModelForm):
    name = SingleLineCharField(max_length=HolidayPeriod._meta.get_field("name").max_length)

    class Meta:
        model = HolidayPeriod
        fields = ["name", "start_date", "end_date"]
        labels = {"start_date": "First day", "end_date": "Last day"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self, "start_date", "end_date")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", HOLIDAY_ENDS_BEFORE_STARTS)
        return cleaned


class SeriesForm(forms.Form):
    """A weekly series of sessions; the dates are previewed before anything is created."""

    activity = PageChoiceField(queryset=ActivityPage.objects.none())
    venue = forms.ModelChoiceField(queryset=None, required=False, empty_label="To be confirmed")
    weekdays = forms.TypedMultipleChoiceField(
        label="Days of the week",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week."},
    )
    start_time = forms.TimeField(label="Starts at", widget=AdminTimeInput)
    end_time = forms.TimeField(label="Ends at", widget=AdminTimeInput)
    first_date = forms.DateField(
        label="First date", widget=AdminDateInput, validators=[within_years_of_today]
    )
    last_date = forms.DateField(
        label="Last date", widget=AdminDateInput, validators=[within_years_of_today]
    )
    skip_school_holidays = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Untick for sessions that run in the holidays, such as a holiday club. "
        "Bank holidays are always skipped.",
    )
    capacity = forms.IntegerField(min_value=1, help_text="Places: one per child, or per adult")
    max_places_per_booking = forms.IntegerField(min_value=1, initial=3)
    opens_days_before = forms.IntegerField(
        label="Booking opens (days before)",
        min_value=0,
        required=False,
        help_text="Leave empty to open booking straight away",
    )
    closes_minutes_before = forms.IntegerField(
        label="Booking closes (minutes before)",
        min_value=0,
        required=False,
        help_text="Leave empty to take bookings until the start",
    )
    cutoff_hours_before = forms.IntegerField(
        label="Families may cancel until (hours before)",
        min_value=0,
        required=False,
        help_text="Leave empty to allow cancelling until the start",
    )
    allow_pay_at_centre = forms.BooleanField(
        label="Families may pay at the centre",
        required=False,
        help_text=Session._meta.get_field("allow_pay_at_centre").help_text,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"] = _activity_field(user)
        self.fields["venue"].queryset = venues_managed_by(user)
        bound_places(self)
        at_most(self.fields["opens_days_before"], limits.MOST_DAYS_BOOKING_OPENS_BEFORE)
        at_most(self.fields["closes_minutes_before"], limits.MOST_MINUTES_BOOKING_CLOSES_BEFORE)
        at_most(self.fields["cutoff_hours_before"], limits.MOST_HOURS_CANCELLABLE_BEFORE)
        if not self.is_bound:
            self.fields["first_date"].initial = timezone.localdate() + datetime.timedelta(days=7)

    def clean(self):
        cleaned = super().clean()
        _check_venue(self, cleaned.get("activity"), cleaned.get("venue"))
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", ENDS_BEFORE_STARTS)
        first, last = cleaned.get("first_date"), cleaned.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", "The last date must be on or after the first date.")
        return cleaned


COURSE_PRICE_FIELDS = (
    "price_model",
    "price_pence",
    "suggested_pence",
    "minimum_pence",
    "funded_places",
)


def _pence_field(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=limits.MOST_PENCE_PER_PLACE,
        required=False,
        help_text=help_text,
    )


class CourseForm(SeriesForm):
    """A course: its run of dated sessions, made as a series is, with the course's own places,
    its price for the whole run and whether families may join once it has started."""

    price_model = forms.ChoiceField(
        label="Price of the course",
        choices=[("", "As the activity's price"), *ActivityPage.PRICE_MODEL_CHOICES],
        required=False,
        help_text="For the whole course, per place: families pay once for every session",
    )
    price_pence = _pence_field("Price per place for the whole course (pence)")
    suggested_pence = _pence_field("Suggested amount per place for the whole course (pence)")
    minimum_pence = _pence_field("Minimum per place for the whole course (pence)")
    funded_places = forms.IntegerField(
        label="Funded places on the course",
        min_value=0,
        max_value=limits.MOST_PLACES_PER_SESSION,
        required=False,
        help_text="Leave empty to use the activity's number",
    )
    allow_late_joiners = forms.BooleanField(
        label="Families may join after it starts",
        required=False,
        help_text="They book the sessions still to come. Otherwise booking closes when the "
        "first session starts.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["activity"].queryset = self.fields["activity"].queryset.filter(is_course=True)
        self.fields[
            "activity"
        ].help_text = (
            "Activities booked as a course: tick “Booked as a course” on the activity's page"
        )
        self.fields["capacity"].help_text = "Places on the course: one per child"
        self.fields["allow_pay_at_centre"].help_text = (
            "When online payment is on, families choose: pay by card for the whole course when "
            "they book, or pay at the centre"
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price_model"):
            # The same rules as a session's price, for the price of the whole course.
            problems = price_model_problems(
                cleaned["price_model"],
                cleaned.get("price_pence"),
                cleaned.get("suggested_pence"),
                cleaned.get("minimum_pence"),
            )
            for field, problem in problems.items():
                self.add_error(field, problem)
        return cleaned

    def price(self) -> dict:
        """The course's price fields, to save on the course."""
        return {name: self.cleaned_data[name] for name in COURSE_PRICE_FIELDS}


class CancelSessionForm(forms.Form):
    """Why the centre cancels: every booked and waiting family reads it."""

    cancelled = "session"

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Every booked and waiting family receives this in an e-mail.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.label = f"Why is the {self.cancelled} cancelled?"
        reason.error_messages["required"] = (
            f"Say why the {self.cancelled} is cancelled: families will read it."
        )


class CancelCourseForm(CancelSessionForm):
    cancelled = "course"
