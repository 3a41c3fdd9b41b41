"""E-mails about champion applications and practitioners' invitations. They go through the
queued mail backend, so each is sent only once the transaction that caused it has committed."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from startwell.languages import addresses_by_language
from startwell.models import User
from startwell.site_address import site_url


def _send(template: str, subject: str, to: list[str], **context) -> None:
    """One message to each address, in the language its account chose (the subject is lazy, so
    it is translated there too)."""
    context["site_url"] = site_url()
    for language, addresses in addresses_by_language(to).items():
        with translation.override(language):
            body = render_to_string(f"parent_champions/email/{template}.txt", context)
            for address in addresses:
                EmailMessage(subject=str(subject), body=body, to=[address]).send()


def application_received(application) -> None:
    """Tells the centre's managers there is an application to decide on."""
    managers = User.objects.filter(groups=application.centre.manager_group_id, is_active=True)
    _send(
        "application_received",
        f"New champion application: {application.centre.title}",
        [manager.email for manager in managers] if application.centre.manager_group_id else [],
        application=application,
        link=reverse("parent_champions:manage_application", args=[application.pk]),
    )


def application_decided(application) -> None:
    _send(
        "application_decided",
        format_lazy(
            _("Your application to be a champion: {centre}"), centre=application.centre.title
        ),
        [application.parent.email],
        application=application,
        link=reverse("parent_champions:dashboard"),
    )


def practitioner_invited(practitioner, *, new_account: bool) -> None:
    """Tells the person invited what they may now do; someone new to the portal gets a link to
    choose a password (allauth's password-reset link, which proves they hold the address)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = practitioner.user
    if new_account:
        link = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    else:
        link = reverse("parent_champions:dashboard")
    _send(
        "practitioner_invited",
        f"You can now run {practitioner.partner.name}'s sessions at {practitioner.centre.title}",
        [user.email],
        practitioner=practitioner,
        new_account=new_account,
        link=link,
    )
