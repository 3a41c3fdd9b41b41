"""E-mails about champion applications. They go through the queued mail backend, so each is sent
only once the transaction that caused it has committed."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from startwell.models import User
from startwell.site_address import site_url


def _send(template: str, subject: str, to: list[str], **context) -> None:
    context["site_url"] = site_url()
    body = render_to_string(f"parent_champions/email/{template}.txt", context)
    for address in to:
        EmailMessage(subject=subject, body=body, to=[address]).send()


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
        f"Your application to be a champion: {application.centre.title}",
        [application.parent.email],
        application=application,
        link=reverse("parent_champions:dashboard"),
    )
