"""The form for adding a passkey, apart from the other forms: allauth's WebAuthn form loads the
WebAuthn library (fido2), which only this form needs. Kept here, it is loaded when someone adds a
passkey rather than at every start-up (the other forms are loaded with the models)."""

from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.utils.translation import gettext_lazy as _

from .forms import SingleLineCharField


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's form for adding a passkey, in plain words. Signing in with the passkey alone is
    ticked already: on a phone that is what makes a passkey easier than an authenticator app."""

    # allauth's name field, on one line like every other name.
    name = SingleLineCharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name for this passkey")
        self.fields["name"].help_text = _("So you can tell your passkeys apart, e.g. “My phone”.")
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = _("Also use it to sign in without a password")
            self.fields["passwordless"].help_text = _(
                "Your phone or computer will ask for your fingerprint, face or PIN each time."
            )
            self.fields["passwordless"].initial = True
