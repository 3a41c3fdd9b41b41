"""E-mail goes through the task queue: a request never waits on a mail server, and a message is
queued only once the transaction that caused it has committed.

A queued message is stored with its task until it is delivered, and not after: password-reset
links and sign-in codes cannot be re-rendered when the worker runs, so the task carries the
message, and `forget_delivered_message` clears it from the task's row once it has been sent."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.dispatch import receiver
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult


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


@task()
def deliver_email(data: dict) -> None:
    """Hands one message to the real mail backend (run by the task worker)."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    connection.send_messages([deserialise_message(data)])


class QueuedEmailBackend(BaseEmailBackend):
    """Django e-mail backend that queues each message for `deliver_email`."""

    def send_messages(self, email_messages):
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
