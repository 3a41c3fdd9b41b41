"""Forms for people's own details and their second factor."""

import datetime

from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.utils import timezone

from .models import Child

MONTH_CHOICES = [(m, datetime.date(2000, m, 1).strftime("%B")) for m in range(1, 13)]


class ChildForm(forms.Form):
    """Only what sessions need: a first name and the month and year of birth."""

    first_name = forms.CharField(
        max_length=Child._meta.get_field("first_name").max_length,
        help_text="Just a first name, so that the session leader can greet them.",
    )
    birth_month = forms.TypedChoiceField(
        label="Month of birth", choices=[("", "Choose a month"), *MONTH_CHOICES], coerce=int
    )
    birth_year = forms.IntegerField(
        label="Year of birth", help_text="For example, 2024", min_value=1900, max_value=2100
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


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's form for adding a passkey, in plain words. Signing in with the passkey alone is
    ticked already: on a phone that is what makes a passkey easier than an authenticator app."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name for this passkey"
        self.fields["name"].help_text = "So you can tell your passkeys apart, e.g. “My phone”."
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = "Also use it to sign in without a password"
            self.fields[
                "passwordless"
            ].help_text = (
                "Your phone or computer will ask for your fingerprint, face or PIN each time."
            )
            self.fields["passwordless"].initial = True
