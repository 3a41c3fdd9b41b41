"""The service worker that keeps champions' registers readable without a signal. Served from the
site's root so that it may look after every page under /champions/ (a worker only controls
pages at or below its own address); no data of anyone's is in it."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET


@require_GET
def service_worker(request):
    response = HttpResponse(
        render_to_string("startwell/service-worker.js"), content_type="text/javascript"
    )
    response["Service-Worker-Allowed"] = "/"
    # A new version reaches phones at their next visit, not a day later.
    response["Cache-Control"] = "no-cache"
    return response
