"""The health check load balancers poll."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """Answers while the process can serve Django; touches nothing else (no database)."""
    return HttpResponse("ok", content_type="text/plain")
