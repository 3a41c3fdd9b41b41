"""Forms for champions and managers. They check the shape of the input; the rules are in
services, and their refusals come back onto the field they concern."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookings.families import CHILD_BIRTH_INVALID, CHILD_NAME_REQUIRED, ChildDetails
from bookings.forms import SESSION_DATES, BookingForm, bound_places
from bookings.models import Session
from cms.models import CentrePage, PartnerOrganisation, Venue
from startwell.forms import PageChoiceField, SingleLineCharField, bound_dates, within_years_of_today
from startwell.models import Child, User

from .models import ChampionApplication

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ApplicationForm(forms.ModelForm):
    centre = PageChoiceField(
        queryset=CentrePage.objects.live().originals().order_by("title"),
        label=_("Which centre?"),
        empty_label=_("Choose a centre"),
    )

    class Meta:
        model = ChampionApplication
        fields = ["centre", "why", "strengths", "availability"]
        widgets = {
            "why": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 4}),
            "availability": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "why": _("A few sentences are enough."),
            "strengths": _(
                "For example: singing with children, speaking Polish, setting up rooms."
            ),
            "availability": _("For example: Tuesday and Thursday mornings, term time only."),
        }


DECLINE_REASON_REQUIRED = _("Say why the application is declined: the parent will read it.")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("The parent will read this."),
        error_messages={"required": DECLINE_REASON_REQUIRED},
    )


class ChecksForm(forms.Form):
    dbs_checked_on = forms.DateField(
        label=_("DBS check date"), required=False, widget=DATE, validators=[within_years_of_today]
    )
    training_completed_on = forms.DateField(
        label=_("Safeguarding training date"),
        required=False,
        widget=DATE,
        validators=[within_years_of_today],
    )


def _session_label(session) -> str:
    return f"{session.activity.title}, {timezone.localtime(session.start):%a %-d %b %H:%M}"


class HostForm(forms.Form):
    """One select for what to host: an activity (all its sessions) or a single session."""

    what = forms.ChoiceField(label=_("Host"))

    def __init__(self, *args, activities=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [
            ("", _("Choose an activity or session")),
            (
                _("Every session of an activity"),
                [(f"activity-{a.pk}", a.title) for a in activities],
            ),
            (
                _("One session"),
                [(f"session-{s.pk}", _session_label(s)) for s in sessions],
            ),
        ]

    def target(self) -> dict:
        kind, pk = self.cleaned_data["what"].split("-", 1)
        return {f"{kind}_id": int(pk)}


class WalkInForm(forms.Form):
    label = SingleLineCharField(
        label=_("First name or label"),
        max_length=60,
        error_messages={"required": _("Give a first name or a label for the family.")},
        help_text=_("Only what you need to tell families apart, for example: Amira."),
    )
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=20, initial=1)
    adults = forms.IntegerField(label=_("Adults"), min_value=0, max_value=20, initial=1)
    over_capacity = forms.BooleanField(
        label=_("Take the session over capacity"),
        required=False,
        help_text=_("Only if the room and staff can safely take them. This is recorded."),
    )


class MessageForm(forms.Form):
    subject = SingleLineCharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.CHAMPION_MESSAGE_MAX_LENGTH,
        help_text=format_lazy(
            _(
                "Up to {limit} characters. Each family gets their own e-mail; you will not see "
                "their addresses."
            ),
            limit=settings.CHAMPION_MESSAGE_MAX_LENGTH,
        ),
    )


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "venue",
            "start",
            "end",
            "capacity",
            "max_places_per_booking",
            "booking_opens",
            "booking_closes",
            "cancellation_cutoff",
        ]
        widgets = {
            "start": DATETIME,
            "end": DATETIME,
            "booking_opens": DATETIME,
            "booking_closes": DATETIME,
            "cancellation_cutoff": DATETIME,
        }
        labels = {
            "venue": _("Venue"),
            "start": _("Start"),
            "end": _("End"),
            "capacity": _("Capacity"),
            "max_places_per_booking": _("Most places on one booking"),
            "booking_opens": _("Booking opens"),
            "booking_closes": _("Booking closes"),
            "cancellation_cutoff": _("Families can cancel online until"),
        }

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(centre=centre)
        self.fields["venue"].empty_label = _("To be confirmed")
        for name in ("start", "end", "booking_opens", "booking_closes", "cancellation_cutoff"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]
        bound_places(self)
        bound_dates(self, *SESSION_DATES)


class CoverForm(forms.Form):
    """A manager choosing which champion covers a session."""

    champion = forms.ModelChoiceField(
        queryset=None,
        label=_("Champion"),
        empty_label=_("Choose a champion"),
        error_messages={"required": _("Choose the champion who will cover this session.")},
    )

    def __init__(self, *args, champions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["champion"].queryset = champions
        self.fields["champion"].label_from_instance = lambda champion: (
            champion.user.get_full_name() or champion.user.display_name
        )


class PractitionerInviteForm(forms.Form):
    """A manager inviting a partner organisation's member of staff to run its sessions."""

    email = forms.EmailField(
        label=_("Their work e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address to send the invitation to."),
            "invalid": _("Enter an e-mail address, like name@example.org."),
        },
    )
    partner = forms.ModelChoiceField(
        queryset=PartnerOrganisation.objects.order_by("name"),
        label=_("The organisation they work for"),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the organisation they work for.")},
    )


# --- Booking on a family's behalf ---------------------------------------------------------------


class FindFamilyForm(forms.Form):
    query = SingleLineCharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        help_text=_("The whole number or address: families are found only by an exact match."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


MONTHS = [("", _("Month"))] + list(MONTH_NAMES.items())
# Room for a household's children on the one form; more can be added on the family's record.
CHILDREN_ON_FORM = 3


class FamilyContactForm(forms.Form):
    """A family without an account, as staff take it down (often by phone)."""

    first_name = SingleLineCharField(label=_("First name"), max_length=50)
    last_name = SingleLineCharField(label=_("Surname (optional)"), max_length=50, required=False)
    mobile = SingleLineCharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        help_text=_("A UK mobile, like 07911 123456."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, required=False, help_text=_("If they have one.")
    )
    contact_by = forms.ChoiceField(
        label=_("How would they like to hear about their bookings?"),
        choices=User.ContactBy.choices,
        initial=User.ContactBy.TEXT,
        widget=forms.RadioSelect,
    )
    consent = SingleLineCharField(
        label=_("How did they agree to the centre keeping these details?"),
        max_length=200,
        help_text=_("For example: agreed by phone on 3 March."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = [("", _("Year"))] + [(y, y) for y in range(this_year, this_year - 18, -1)]
        for i in range(1, CHILDREN_ON_FORM + 1):
            self.fields[f"child_{i}_name"] = SingleLineCharField(
                label=_("Child {number}: first name").format(number=i),
                max_length=50,
                required=False,
            )
            self.fields[f"child_{i}_month"] = forms.TypedChoiceField(
                label=_("Child {number}: month of birth").format(number=i),
                choices=MONTHS,
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"child_{i}_year"] = forms.TypedChoiceField(
                label=_("Child {number}: year of birth").format(number=i),
                choices=years,
                coerce=int,
                required=False,
                empty_value=None,
            )

    def clean(self):
        data = super().clean()
        children = []
        for i in range(1, CHILDREN_ON_FORM + 1):
            name = data.get(f"child_{i}_name") or ""
            month, year = data.get(f"child_{i}_month"), data.get(f"child_{i}_year")
            if not (name or month or year):
                continue
            if not name:
                self.add_error(f"child_{i}_name", CHILD_NAME_REQUIRED)
            elif not (month and year):
                field = f"child_{i}_month" if not month else f"child_{i}_year"
                self.add_error(field, CHILD_BIRTH_INVALID)
            else:
                children.append(ChildDetails(name, month, year))
        data["children"] = children
        return data

    def contact_arguments(self) -> dict:
        data = self.cleaned_data
        names = ("first_name", "last_name", "mobile", "email", "contact_by", "consent", "children")
        return {name: data[name] for name in names}


class FamilyBookingForm(BookingForm):
    """The family booking form as staff fill it in for a family: the family's children, a
    funded place or an amount to pay at the centre."""

    def __init__(self, *args, session, children, **kwargs):
        # The family's children, before the drop-off questions are asked about each of them.
        children = Child.objects.filter(pk__in=[child.pk for child in children])
        super().__init__(*args, session=session, parent=None, children=children, **kwargs)
        if "funded_place" in self.fields:
            self.fields["funded_place"].label = _("A funded place, at no charge")
            self.fields["funded_place"].help_text = _("If the family asked for one.")
        if "amount" in self.fields:
            self.fields["amount"].label = _("How much will they pay for each place, at the centre?")
        self.fields["access_notes"].help_text = _(
            "For example: uses a wheelchair. Only the people running the session see this."
        )

    def booking_fields(self) -> list:
        """The form's fields but the drop-off questions, which are shown child by child."""
        return [field for field in self if not field.name.startswith("drop_off_")]
