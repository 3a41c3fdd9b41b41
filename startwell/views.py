"""Views that belong to the project rather than to one app."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """For load balancers: answers while the process can serve Django; touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")
