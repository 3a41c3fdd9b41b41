"""Text messages go through the task queue, as e-mail does: queued only once the transaction that
caused them has committed, and delivered by the task worker through GOV.UK Notify
(`notifications-python-client`) when `NOTIFY_API_KEY` is set, or printed by the worker without one
(development).

Notify busy or unreachable (5xx, a timeout) is tried again later, with a growing wait, a few times;
a refusal (4xx: an invalid number, say) is final: it is kept on the number (`MobilePhone`) for
staff to see, and never retried. Either way the message's text (a code, a link) leaves the task's
row once the task has finished (`forget_delivered_text`)."""

import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import notify
from .models import DeliveryFailure, MobilePhone
from .notify import RETRY_AFTER

logger = logging.getLogger(__name__)


def send_text(*, to: str, body: str, user_id: int | None = None) -> None:
    """Queues one text to a number in E.164 form, sent once the current transaction commits."""
    data = {"to": str(to), "body": body, "user_id": user_id, "attempt": 1}
    transaction.on_commit(lambda: deliver_text.enqueue(data))


def _record_failure(data: dict, reason: str) -> None:
    """Kept for staff: on the family's record (by number), and on the account's number."""
    DeliveryFailure.objects.create(
        channel=DeliveryFailure.Channel.TEXT, address=data["to"], reason=reason[:200]
    )
    user_id = data["user_id"]
    if user_id is None:
        return
    MobilePhone.objects.filter(user_id=user_id).update(
        delivery_failed_at=timezone.now(), delivery_failure=reason[:200]
    )


def _try_again(data: dict) -> bool:
    """Queues the next try after its wait; False once every try has been made."""
    attempt = data["attempt"]
    if attempt > len(RETRY_AFTER):
        return False
    again = {**data, "attempt": attempt + 1}
    retry = deliver_text
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + RETRY_AFTER[attempt - 1])
    transaction.on_commit(lambda: retry.enqueue(again))
    return True


@task()
def deliver_text(data: dict) -> str:
    """Hands one text to Notify (run by the task worker). Returns what became of it."""
    if not settings.NOTIFY_API_KEY:
        print(f"Text message to {data['to']}:\n{data['body']}\n", flush=True)  # noqa: T201
        return "printed"
    from notifications_python_client.errors import HTTPError

    try:
        response = notify.client().send_sms_notification(
            phone_number=data["to"],
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"body": data["body"]},
        )
    except HTTPError as error:
        if error.status_code >= 500:  # Notify busy, or no answer in time (counted as 503)
            if _try_again(data):
                logger.warning("Notify answered %s; text queued again", error.status_code)
                return "retrying"
            _record_failure(data, "Notify could not be reached after several tries.")
            return "gave up"
        _record_failure(data, f"Notify refused the text: {notify.reason(error.message)}")
        return "refused"
    MobilePhone.objects.filter(user_id=data["user_id"], delivery_failed_at__isnull=False).update(
        delivery_failed_at=None, delivery_failure=""
    )
    return f"sent {response.get('id', '')}"


@receiver(task_finished)
def forget_delivered_text(sender, task_result, **kwargs) -> None:
    """Once a text has been handed over, printed, given up or refused, its task row keeps only
    what became of it: the number and the text (codes, links) go. A task that broke keeps them
    to be looked into, as e-mail does, until the retention schedule removes the row."""
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    if task_result.task.module_path != deliver_text.module_path:
        return
    backend = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend, DatabaseBackend):
        return
    DBTaskResult.objects.filter(id=task_result.id).update(args_kwargs={"args": [], "kwargs": {}})
