"""A family's data download: a ZIP holding `data.json` (everything, machine-readable) and
`summary.html` (the same, for reading). Small downloads are served at once; large ones are built
by a task, stored under a random name, and fetched through a signed link that expires."""

import datetime
import io
import json
import secrets
import zipfile

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from startwell.errors import ApplicationError

from .models import DataExport
from .selectors import personal_data

LINK_SALT = "privacy.export"
LINK_EXPIRED = _(
    "This download link has expired. Links last {days} days: ask for a new download on the "
    "“Your data” page."
)
LINK_INVALID = _("This download link is not right. Ask for a new download on the “Your data” page.")


class ExportLinkError(ApplicationError):
    pass


def build_zip(user) -> bytes:
    data = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr(
            "summary.html",
            render_to_string("privacy/summary.html", {"data": data, "now": timezone.now()}),
        )
    return buffer.getvalue()


def file_name(user) -> str:
    return f"start-well-data-{timezone.localdate():%Y-%m-%d}.zip"


def store_export(user) -> DataExport:
    """Builds the download and keeps it under a name nobody can guess."""
    export = DataExport(user=user)
    export.file.save(f"{secrets.token_urlsafe(32)}.zip", ContentFile(build_zip(user)), save=False)
    export.save()
    return export


def link_token(export: DataExport) -> str:
    return signing.dumps({"export": export.pk, "user": export.user_id}, salt=LINK_SALT)


def export_for_link(token: str, *, user) -> DataExport:
    """The stored download a link points to, for the person it was made for, if the link is
    still valid."""
    days = settings.PRIVACY_EXPORT_LINK_DAYS
    try:
        value = signing.loads(token, salt=LINK_SALT, max_age=datetime.timedelta(days=days))
    except signing.SignatureExpired as error:
        raise ExportLinkError(LINK_EXPIRED.format(days=days)) from error
    except signing.BadSignature as error:
        raise ExportLinkError(LINK_INVALID) from error
    export = DataExport.objects.filter(pk=value["export"], user=user).first()
    if export is None or value["user"] != user.pk:
        # Removed by the retention schedule, or someone else's link.
        raise ExportLinkError(LINK_EXPIRED.format(days=days))
    return export
