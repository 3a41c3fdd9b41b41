"""E-mail goes through the task queue: a request never waits on a mail server, and a message is
queued only once the transaction that caused it has committed. The task worker hands it to GOV.UK
Notify when `NOTIFY_API_KEY` and `NOTIFY_EMAIL_TEMPLATE_ID` are set (one template whose subject is
`((subject))` and body `((body))`), otherwise to Django's mail backend (`EMAIL_DELIVERY_BACKEND`).
Through Notify, as for texts (`startwell.sms`), busy or unreachable is tried again later with a
growing wait and a refusal (an address Notify will not send to) is final and kept for staff
(`DeliveryFailure`). Notify sends no attachments: a booking's calendar file stays one link away
(`/bookings/<reference>/calendar.ics`).

A queued message is stored with its task until it is delivered, and not after: password-reset
links and sign-in codes cannot be re-rendered when the worker runs, so the task carries the
message, and `forget_delivered_message` clears it from the task's row once it has been sent."""

import base64
import contextlib
import contextvars
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import notify
from .models import DeliveryFailure
from .notify import RETRY_AFTER

logger = logging.getLogger(__name__)


def serialise_message(message: EmailMultiAlternatives) -> dict:
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode(), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def deserialise_message(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def through_notify() -> bool:
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_EMAIL_TEMPLATE_ID)


@task()
def deliver_email(data: dict) -> str:
    """Hands one message to Notify or to the real mail backend (run by the task worker)."""
    if through_notify():
        return _deliver_through_notify(data)
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    connection.send_messages([deserialise_message(data)])
    return "sent"


def _record_failure(address: str, reason: str) -> None:
    DeliveryFailure.objects.create(
        channel=DeliveryFailure.Channel.EMAIL, address=address.lower(), reason=reason[:200]
    )


def _deliver_through_notify(data: dict) -> str:
    """One Notify e-mail per recipient. Recipients already sent to are not sent to again when
    the rest are tried later."""
    from notifications_python_client.errors import HTTPError

    client = notify.client()
    waiting = []
    outcome = "sent"
    for address in [*data["to"], *data["cc"], *data["bcc"]]:
        arguments = {
            "email_address": address,
            "template_id": settings.NOTIFY_EMAIL_TEMPLATE_ID,
            "personalisation": {"subject": data["subject"], "body": data["body"]},
        }
        if settings.NOTIFY_EMAIL_REPLY_TO_ID:
            arguments["email_reply_to_id"] = settings.NOTIFY_EMAIL_REPLY_TO_ID
        try:
            client.send_email_notification(**arguments)
        except HTTPError as error:
            if error.status_code >= 500:  # Notify busy, or no answer in time (counted as 503)
                waiting.append(address)
                continue
            _record_failure(address, f"Notify refused the e-mail: {notify.reason(error.message)}")
            outcome = "refused"
    if not waiting:
        return outcome
    attempt = data.get("attempt", 1)
    if attempt > len(RETRY_AFTER):
        for address in waiting:
            _record_failure(address, "Notify could not be reached after several tries.")
        return "gave up"
    again = {**data, "to": waiting, "cc": [], "bcc": [], "attempt": attempt + 1}
    retry = deliver_email
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + RETRY_AFTER[attempt - 1])
    transaction.on_commit(lambda: retry.enqueue(again))
    logger.warning("Notify could not take an e-mail; queued again")
    return "retrying"


_dropped = contextvars.ContextVar("startwell_mail_dropped", default=False)


@contextlib.contextmanager
def dropped() -> Iterator[None]:
    """Messages made inside are thrown away rather than queued: for the demo, whose people are
    made up and whose every idea and booking would otherwise queue a message nobody reads."""
    token = _dropped.set(True)
    try:
        yield
    finally:
        _dropped.reset(token)


def dropping() -> bool:
    """Whether messages made now are thrown away (inside `dropped()`): code that spends queries
    and templates on writing a message may skip writing it."""
    return _dropped.get()


class QueuedEmailBackend(BaseEmailBackend):
    """Django e-mail backend that queues each message for `deliver_email` (none inside
    `dropped()`)."""

    def send_messages(self, email_messages):
        if _dropped.get():
            return 0
        for message in email_messages:
            # Subjects often carry a title typed by staff (an activity's); a line break there
            # would make the message undeliverable for ever, so it becomes a space.
            message.subject = " ".join(str(message.subject).splitlines())
            data = serialise_message(message)
            transaction.on_commit(lambda data=data: deliver_email.enqueue(data))
        return len(email_messages)


@receiver(task_finished)
def forget_delivered_message(sender, task_result, **kwargs) -> None:
    """Once a message has been handed to the mail server, its task row keeps only that it was
    sent and when: the body, links and codes go. A failed delivery keeps its message so that it
    can be looked into and sent again (the retention schedule removes it later)."""
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    if task_result.task.module_path != deliver_email.module_path:
        return
    # The worker sends the backend itself as the sender; other code may send its class.
    backend = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend, DatabaseBackend):
        return
    DBTaskResult.objects.filter(id=task_result.id).update(
        args_kwargs={"args": [], "kwargs": {}}, return_value=None
    )
