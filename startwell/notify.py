"""GOV.UK Notify, shared by e-mail (`startwell.mail`) and texts (`startwell.sms`): one client,
the same time limit on each request, the same waits before trying again, and Notify's refusals
turned into the words staff read."""

import datetime

from django.conf import settings

# Waits before each further try when Notify is busy or unreachable; then the message is given up.
RETRY_AFTER = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
# A request to Notify that takes longer than this counts as a failed try.
TIMEOUT_SECONDS = 10


def client():
    """A Notify client for the site's key (imported late: the worker is the only one to use it)."""
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=TIMEOUT_SECONDS
    )


def reason(message) -> str:
    """Notify's errors come as a list of {"error", "message"}; the messages are what staff read."""
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) for item in message)
    return str(message)
