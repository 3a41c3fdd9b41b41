"""The "Your data" pages: what we hold, a download of it, and deleting the account. Thin: the
reads are in selectors, the writes in services, the download in export."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import PrivacyNoticePage
from startwell.errors import ApplicationError, show_as_message
from startwell.site_address import site_url

from . import export, selectors, services, tasks

QUEUED = _(
    "There is a lot to put together, so we are preparing your download in the background. "
    "We will e-mail you a link to it; the link works for {days} days."
)


@login_required
@require_GET
def your_data(request):
    data = selectors.personal_data(request.user)
    return render(
        request,
        "privacy/your_data.html",
        {
            "counts": {key: len(value) for key, value in data.items() if isinstance(value, list)},
            "summary": selectors.deletion_summary(request.user),
            "link_days": settings.PRIVACY_EXPORT_LINK_DAYS,
        },
    )


@login_required
@require_POST
def download(request):
    data = selectors.personal_data(request.user)
    if selectors.record_count(data) > settings.PRIVACY_EXPORT_INLINE_MAX_RECORDS:
        user_id, site = request.user.pk, site_url()
        transaction.on_commit(lambda: tasks.send_data_export.enqueue(user_id, site))
        messages.success(request, QUEUED.format(days=settings.PRIVACY_EXPORT_LINK_DAYS))
        return redirect("privacy:your_data")
    response = HttpResponse(export.build_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(request.user)}"'
    return response


@login_required
@require_GET
def download_link(request, token: str):
    try:
        stored = export.export_for_link(token, user=request.user)
    except ApplicationError as error:
        return render(request, "privacy/link_expired.html", {"message": error.message}, status=410)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=export.file_name(request.user),
        content_type="application/zip",
    )


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    summary = selectors.deletion_summary(request.user)
    if request.method == "POST" and not summary.is_staff:
        try:
            services.delete_account(user=request.user)
        except ApplicationError as error:
            show_as_message(request, error)
            return redirect("privacy:your_data")
        logout(request)
        return redirect("privacy:account_deleted")
    return render(request, "privacy/delete_account.html", {"summary": summary})


@require_GET
def account_deleted(request):
    return render(request, "privacy/account_deleted.html")


@require_GET
def privacy_notice(request):
    page = PrivacyNoticePage.objects.live().first()
    if page is None:
        raise Http404("No privacy notice has been published yet.")
    return redirect(page.url)
