"""The portal's address in the links it sends (e-mails, calendar entries, payment pages): one
answer for every message, allauth's included.

During a request it is the address the request came in on (host and port, checked against
ALLOWED_HOSTS, and the scheme), which is what allauth puts in its own e-mails; a message is
rendered when it is queued, so the worker sends the address of the request that caused it.
Outside a request (the scheduler's reminders, the retention schedule, a data download built in
the background) it is SITE_URL, which the demo's Wagtail Site record is kept in step with."""

from allauth.core import context
from django.conf import settings


def site_url() -> str:
    """The address without a trailing slash, e.g. `https://startwell.example`."""
    request = context.request
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.SITE_URL


def absolute_url(path: str) -> str:
    """`path` (starting with a slash) on the portal's address; a full address is kept."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + path
