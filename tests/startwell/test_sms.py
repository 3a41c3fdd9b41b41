"""Texts through GOV.UK Notify: the real `notifications-python-client` against the local
stand-in (tests/notify_server.py) — the request body, the signed token, tries again when Notify
is busy or unreachable, a refusal kept for staff and never retried, and nothing of the text left
in the task queue once it is sent."""

import jwt
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from startwell import sms
from startwell.models import MobilePhone
from tests import notify_server

pytestmark = pytest.mark.django_db

E164 = "+447911123456"


@pytest.fixture
def notify(notify_server):
    return notify_server


@pytest.fixture
def mobile(parent):
    return MobilePhone.objects.create(user=parent, number=E164)


def send(parent, body="Start Well: see you tomorrow.", *, captured):
    with captured(execute=True):
        sms.send_text(to=E164, body=body, user_id=parent.pk)


def test_a_text_goes_to_notify_with_a_signed_token(
    notify, parent, mobile, django_capture_on_commit_callbacks
):
    send(parent, captured=django_capture_on_commit_callbacks)
    [request] = notify.log
    assert request["path"] == "/v2/notifications/sms"
    assert request["body"] == {
        "phone_number": E164,
        "template_id": notify_server.SMS_TEMPLATE_ID,
        "personalisation": {"body": "Start Well: see you tomorrow."},
    }
    token = request["auth"].removeprefix("Bearer ")
    claims = jwt.decode(token, notify_server.SECRET, algorithms=["HS256"])
    assert claims["iss"] == notify_server.SERVICE_ID
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "a different secret of the same length here", algorithms=["HS256"])
    assert request["status"] == 201


def test_a_wrong_key_is_refused_by_notify_and_recorded(
    notify, settings, parent, mobile, django_capture_on_commit_callbacks
):
    settings.NOTIFY_API_KEY = (
        f"startwell_test-{notify_server.SERVICE_ID}-00000000-0000-4000-8000-000000000000"
    )
    send(parent, captured=django_capture_on_commit_callbacks)
    assert [r["status"] for r in notify.log] == [403]
    mobile.refresh_from_db()
    assert mobile.delivery_failed_at is not None


def test_notify_busy_is_tried_again_until_it_answers(
    notify, parent, mobile, django_capture_on_commit_callbacks
):
    notify.fail_next(500, times=2)
    send(parent, captured=django_capture_on_commit_callbacks)
    assert [r["status"] for r in notify.log] == [500, 500, 201]
    assert notify.texts[0]["personalisation"]["body"] == "Start Well: see you tomorrow."
    mobile.refresh_from_db()
    assert mobile.delivery_failed_at is None


def test_tries_stop_and_the_failure_is_recorded(
    notify, parent, mobile, django_capture_on_commit_callbacks
):
    notify.fail_next(503, times=10)
    send(parent, captured=django_capture_on_commit_callbacks)
    assert len(notify.log) == len(sms.RETRY_AFTER) + 1
    mobile.refresh_from_db()
    assert "could not be reached" in mobile.delivery_failure


def test_no_answer_in_time_counts_as_busy(
    settings, parent, mobile, django_capture_on_commit_callbacks
):
    # Nothing listens on this port: each try fails at once, as a timeout would.
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.NOTIFY_API_KEY = notify_server.API_KEY
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{port}"
    send(parent, captured=django_capture_on_commit_callbacks)
    mobile.refresh_from_db()
    assert "could not be reached" in mobile.delivery_failure


def test_a_refused_number_is_recorded_and_never_retried(
    notify, parent, mobile, django_capture_on_commit_callbacks
):
    notify.fail_next(400, message="phone_number Not a UK mobile number")
    send(parent, captured=django_capture_on_commit_callbacks)
    assert [r["status"] for r in notify.log] == [400]
    mobile.refresh_from_db()
    assert mobile.delivery_failure == "Notify refused the text: phone_number Not a UK mobile number"
    # Kept by number too, for a family's record (a family contact has no account).
    from startwell.models import DeliveryFailure

    failure = DeliveryFailure.objects.get()
    assert (failure.address, failure.channel) == (str(mobile.number), "text")
    assert "Not a UK mobile number" in failure.reason
    # The next text that gets through clears it.
    send(parent, captured=django_capture_on_commit_callbacks)
    mobile.refresh_from_db()
    assert mobile.delivery_failed_at is None


def test_in_the_worker_each_try_waits_longer(
    settings, notify, parent, mobile, django_capture_on_commit_callbacks
):
    """With the database queue, a further try is queued to run after its wait."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    notify.fail_next(502, times=2)
    for attempt in (1, 2):
        before = timezone.now()
        data = {"to": E164, "body": "hi", "user_id": parent.pk, "attempt": attempt}
        with django_capture_on_commit_callbacks(execute=True):
            assert sms.deliver_text.call(data) == "retrying"
        queued = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert queued.args_kwargs["args"][0]["attempt"] == attempt + 1
        assert queued.run_after >= before + sms.RETRY_AFTER[attempt - 1]


def test_without_a_key_the_worker_prints_the_text(settings, capsys, parent):
    settings.NOTIFY_API_KEY = ""
    result = sms.deliver_text.call(
        {"to": E164, "body": "Hello", "user_id": parent.pk, "attempt": 1}
    )
    assert result == "printed"
    assert "Text message to +447911123456:\nHello" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_text_leaves_the_queue_once_sent(settings, notify, parent, mobile):
    """Through the database queue and its worker, as in production: once the task has run, its
    row keeps no number and no text (a code, a link)."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sms.deliver_text.enqueue(
        {"to": E164, "body": "Start Well: your code is 123456.", "user_id": parent.pk, "attempt": 1}
    )
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    row = DBTaskResult.objects.get()
    assert row.status == "SUCCESSFUL"
    assert "123456" not in str(row.args_kwargs)
    assert E164 not in str(row.args_kwargs)
    assert notify.texts[0]["personalisation"]["body"] == "Start Well: your code is 123456."
