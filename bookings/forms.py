"""Forms a parent fills in: the timetable filters and the booking form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage, CentrePage
from startwell import limits
from startwell.forms import SingleLineCharField, at_most
from startwell.limits import MOST_PENCE_PER_PLACE, MOST_PER_PLACE_TO_PAY
from startwell.models import Child

from . import drop_off
from .pricing import format_pence, parse_pounds, pounds_to_type

# Django's own weekday names, so they follow the language (1 is Monday, as in ISO 8601).
WEEKDAY_CHOICES = [("", _("Any day")), *((str(day + 1), WEEKDAYS[day]) for day in range(7))]
AGE_UNIT_CHOICES = [("months", _("months")), ("years", _("years"))]
OLDEST_AGE_MONTHS = 18 * 12

CHILD_OR_AGE = _("Choose one of your children or type an age, not both.")
# A session's date and time fields, bounded to within a few years of today wherever they are edited.
SESSION_DATES = ("start", "end", "booking_opens", "booking_closes", "cancellation_cutoff")


def bound_places(form: forms.BaseForm) -> None:
    """Upper bounds on a session's places, for every form that edits a session (the admin's and
    the champions')."""
    at_most(form.fields["capacity"], limits.MOST_PLACES_PER_SESSION)
    at_most(form.fields["max_places_per_booking"], limits.MOST_PLACES_PER_BOOKING)


class SessionFilterForm(forms.Form):
    """The timetable's filters, sent by GET so that they work without JavaScript and can be
    bookmarked. A signed-in parent may pick one of their children instead of typing an age."""

    centre = forms.ModelChoiceField(
        queryset=CentrePage.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All centres"),
    )
    category = forms.ChoiceField(
        label=_("Type of activity"),
        choices=[("", _("All activities")), *ActivityPage.CATEGORY_CHOICES],
        required=False,
    )
    child = forms.ModelChoiceField(
        label=_("For one of your children"),
        queryset=Child.objects.none(),
        required=False,
        empty_label=_("Any child"),
    )
    age = forms.IntegerField(
        label=_("Or a child's age"), min_value=0, max_value=OLDEST_AGE_MONTHS, required=False
    )
    age_unit = forms.ChoiceField(label=_("Age in"), choices=AGE_UNIT_CHOICES, required=False)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    has_places = forms.BooleanField(label=_("Only sessions with places left"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = CentrePage.objects.live().originals().order_by("title")
        if user is not None and user.is_authenticated:
            self.fields["child"].queryset = Child.objects.filter(parent=user).order_by("first_name")
        else:
            del self.fields["child"]
            self.fields["age"].label = _("A child's age")
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{name}-error"})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("child") and cleaned.get("age") is not None:
            self.add_error("age", CHILD_OR_AGE)
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for `selectors.upcoming_sessions` from the fields that are valid
        (a bad age is reported next to its field and left out, the rest still apply)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        filters = {
            "centre": data.get("centre"),
            "category": data.get("category") or None,
            "weekday": data.get("weekday"),
            "has_places": bool(data.get("has_places")),
        }
        if data.get("child"):
            filters["child_age_months"] = data["child"].age_in_months_on(timezone.localdate())
        elif data.get("age") is not None and "age" not in self.errors:
            unit = data.get("age_unit") or "months"
            filters["child_age_months"] = data["age"] * (12 if unit == "years" else 1)
        return filters


def too_long(message, child: str, most: int) -> dict:
    """A field's own refusal of too long an answer, in the words the booking rules use (and
    so in the family's language: Django's catalogue has no Urdu for its own)."""
    return {"max_length": format_lazy(message, child=child, most=most)}


class ChildrenReadOnce(forms.models.ModelChoiceIterator):
    """The children to choose from, read once however often the form and its page go through
    them (Django's own reads them again each time): the list, the drop-off questions for each
    child, whether there is anyone to book for."""

    def __iter__(self):
        for child in self.queryset:  # the queryset keeps what it read
            yield self.choice(child)

    def __len__(self):
        return len(self.queryset)

    def __bool__(self):
        return bool(self.queryset)


class ChildrenField(forms.ModelMultipleChoiceField):
    """The family's children to tick. Those ticked are checked against the same read as the
    list (Django builds a query for each one sent, then asks again for them all), with Django's
    refusals: a value that is no child's id at all, or not one of this family's children."""

    iterator = ChildrenReadOnce

    def _check_values(self, value):
        try:
            chosen = frozenset(value)
        except TypeError:  # a list of lists, say
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for pk in chosen:
            self.validate_no_null_characters(pk)
            try:
                self.queryset.model._meta.pk.to_python(pk)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        offered = {str(child.pk) for child in self.queryset}
        for pk in chosen:
            if str(pk) not in offered:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        ticked = {str(pk) for pk in chosen}
        return [child for child in self.queryset if str(child.pk) in ticked]


class BookingForm(forms.Form):
    """Who a booking is for: some of the parent's children, or a number of adults."""

    why_emergency = drop_off.WHY_EMERGENCY

    children = ChildrenField(
        label=_("Who is coming?"),
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    adults = forms.IntegerField(label=_("How many adults are coming?"), min_value=1, required=False)
    amount = forms.CharField(label=_("How much will you pay for each place?"), required=False)
    funded_place = forms.BooleanField(
        label=_("I'd like a funded place, at no charge"),
        required=False,
        help_text=_(
            "For families who find the cost hard, for example if you get Healthy Start, "
            "Universal Credit or free school meals. You don't need to show anything."
        ),
    )
    payment_method = forms.ChoiceField(
        label=_("How will you pay?"),
        choices=[
            ("online", _("By card now, on a secure payment page")),
            ("centre", _("At the centre on the day")),
        ],
        initial="online",
        widget=forms.RadioSelect,
        required=False,
    )
    access_notes = SingleLineCharField(
        label=_("Anything the host should know? (optional)"),
        max_length=500,
        required=False,
        help_text=_(
            "For example: we use a wheelchair, or loud noise upsets my child. Only the people "
            "running the session see this."
        ),
    )

    def __init__(
        self,
        *args,
        session,
        parent,
        children=None,
        pay_at_centre_offered: bool = False,
        **kwargs,
    ):
        """`children`: who may be booked, when not the parent's own (staff booking for a
        family give the family's children)."""
        super().__init__(*args, **kwargs)
        self.session = session
        pricing = session.pricing
        if not pay_at_centre_offered:
            del self.fields["payment_method"]
        if pricing.is_pay_what_you_can:
            self.fields["amount"].initial = pounds_to_type(pricing.suggested_pence)
            suggested = format_pence(pricing.suggested_pence)
            if pricing.minimum_pence:
                help_text = _("In pounds. We suggest {suggested}; the least is {least}.").format(
                    suggested=suggested, least=format_pence(pricing.minimum_pence)
                )
            else:
                help_text = _(
                    "In pounds. We suggest {suggested}; pay less, or nothing, if you need to."
                ).format(suggested=suggested)
            self.fields["amount"].help_text = help_text
        else:
            del self.fields["amount"]
        if pricing.is_free or not pricing.funded_places:
            del self.fields["funded_place"]
        if session.activity.adults_only:
            del self.fields["children"]
            self.fields["adults"].initial = 1
            self.fields["adults"].widget.attrs.update(
                {"min": 1, "max": session.max_places_per_booking}
            )
        else:
            del self.fields["adults"]
            if children is None:
                children = Child.objects.filter(parent=parent)
            self.fields["children"].queryset = children.order_by("first_name")
            day = timezone.localtime(session.start).date()
            self.fields["children"].label_from_instance = lambda child: _(
                "{name} ({age} old on the day)"
            ).format(name=child.first_name, age=child.age_on(day))
            if session.activity.drop_off:
                self._add_drop_off_fields()

    def _add_drop_off_fields(self):
        """For each of the parent's children, what a drop-off session needs if they come.
        Only the ticked children's answers are used; the service says what is missing."""
        for child in self.fields["children"].queryset:
            name = child.first_name
            fields = {
                "emergency_name": SingleLineCharField(
                    label=_("Emergency contact for {name}: their name").format(name=name),
                    max_length=drop_off.MOST_NAME,
                    error_messages=too_long(drop_off.TOO_LONG_NAME, name, drop_off.MOST_NAME),
                    required=False,
                ),
                "emergency_relationship": SingleLineCharField(
                    label=_("Who they are to {name}").format(name=name),
                    help_text=_("For example: mum, dad, grandma, neighbour"),
                    max_length=drop_off.MOST_NAME,
                    error_messages=too_long(
                        drop_off.TOO_LONG_RELATIONSHIP, name, drop_off.MOST_NAME
                    ),
                    required=False,
                ),
                "emergency_phone": SingleLineCharField(
                    label=_("Their phone number"),
                    max_length=30,
                    required=False,
                ),
                "medical_notes": forms.CharField(
                    label=_("Allergies and medical notes for {name} (leave empty if none)").format(
                        name=name
                    ),
                    help_text=drop_off.WHY_MEDICAL,
                    max_length=drop_off.MOST_NOTES,
                    error_messages=too_long(drop_off.TOO_LONG_NOTES, name, drop_off.MOST_NOTES),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                ),
                "photo_consent": forms.ChoiceField(
                    label=_("May we take photos of {name}?").format(name=name),
                    help_text=drop_off.WHY_PHOTOS,
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect,
                    required=False,
                ),
            }
            for key, field in fields.items():
                self.fields[drop_off.field_name(child.pk, key)] = field

    def has_children_to_choose(self) -> bool:
        """Whether anyone can be booked: a session for adults, or a family with children (read
        with the list the form shows)."""
        return "children" not in self.fields or bool(self.fields["children"].queryset)

    def drop_off_groups(self) -> list[tuple]:
        """(child, [bound fields]) for each child, in the order the form shows them."""
        if "children" not in self.fields or not self.session.activity.drop_off:
            return []
        keys = ["emergency_name", "emergency_relationship", "emergency_phone"]
        return [
            (
                child,
                [self[drop_off.field_name(child.pk, key)] for key in keys],
                self[drop_off.field_name(child.pk, "medical_notes")],
                self[drop_off.field_name(child.pk, "photo_consent")],
            )
            for child in self.fields["children"].queryset
        ]

    def _drop_off_details(self, children) -> dict:
        def value(child, key):
            return self.cleaned_data.get(drop_off.field_name(child.pk, key)) or ""

        return {
            child.pk: drop_off.ChildDetails(
                emergency_name=value(child, "emergency_name"),
                emergency_relationship=value(child, "emergency_relationship"),
                emergency_phone=value(child, "emergency_phone"),
                medical_notes=value(child, "medical_notes"),
                photo_consent={"yes": True, "no": False}.get(value(child, "photo_consent")),
            )
            for child in children
        }

    def clean_amount(self):
        text = self.cleaned_data.get("amount") or ""
        pence = parse_pounds(text)
        if text.strip() and pence is None and not self.data.get("funded_place"):
            raise forms.ValidationError(_("Enter an amount in pounds, like 3 or 2.50."))
        if pence is not None and pence > MOST_PENCE_PER_PLACE:
            raise forms.ValidationError(MOST_PER_PLACE_TO_PAY)
        return pence

    def booking_arguments(self) -> dict:
        """Keyword arguments for `services.book_session`; a funded place needs no amount."""
        arguments = {
            "access_notes": self.cleaned_data.get("access_notes", ""),
            # Read from what was sent even where the form offers no choice: the booking rules
            # refuse paying at the centre where it is not allowed, with a message to the family.
            "pay_at_centre": self.data.get("payment_method") == "centre",
        }
        if self.cleaned_data.get("funded_place"):
            arguments["funded_place"] = True
        elif "amount" in self.fields:
            arguments["amount_pence"] = self.cleaned_data.get("amount")
        if "adults" in self.fields:
            return {**arguments, "adults": self.cleaned_data.get("adults") or 0}
        children = list(self.cleaned_data.get("children") or [])
        if self.session.activity.drop_off:
            arguments["drop_off"] = self._drop_off_details(children)
        return {**arguments, "children": children}
