"""Background work for families' data: building large downloads, and the retention schedule."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from startwell import periodic
from startwell.languages import speaking_to
from startwell.models import User
from startwell.site_address import absolute_url

from . import export, retention


@task()
def send_data_export(user_id: int, site: str = "") -> None:
    """Builds a large data download and e-mails the person a link to it, on `site`: the
    address the request for it came in on (startwell.site_address), else SITE_URL."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return  # the account was deleted in the meantime
    stored = export.store_export(user)
    path = reverse("privacy:download_link", args=[export.link_token(stored)])
    link = site + path if site else absolute_url(path)
    context = {"link": link, "days": settings.PRIVACY_EXPORT_LINK_DAYS}
    with speaking_to(user):
        send_mail(
            _("Your data download is ready"),
            render_to_string("privacy/email/export_ready.txt", context),
            None,
            [user.email],
        )


@periodic.every(datetime.timedelta(days=1))
@task()
def enforce_retention() -> dict:
    """Removes or anonymises whatever has been kept as long as the privacy notice says."""
    return retention.enforce()
