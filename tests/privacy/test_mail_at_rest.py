"""A delivered e-mail leaves nothing readable in the database: the task queue's row keeps that it
was sent, not the message, its reset link or its sign-in code; and the browser session that
waits for the code (or has followed the link) holds them only encrypted."""

import json
import re
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.backends.db import SessionStore as SignedOnlySession
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD
from tests.privacy.database_search import tables_holding

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    """Mail through the task queue (the test runner otherwise sends straight to memory), and the
    queue in the database, as in production."""
    settings.EMAIL_BACKEND = "startwell.mail.QueuedEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def test_reset_link_and_login_code_are_gone_once_delivered(client, database_queue):
    person = UserFactory(email="rest@example.org")
    client.post(reverse("account_reset_password"), {"email": person.email})
    client.post(reverse("account_request_login_code"), {"email": person.email})
    # Queued, not yet sent: the messages wait in the database for the worker.
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert mail.outbox == []
    # The control: while waiting, the search finds the reset link in the queue's table.
    queued = DBTaskResult.objects.get(args_kwargs__icontains="password/reset/key")
    waiting_key = re.search(r"/reset/key/(\S+)/", queued.args_kwargs["args"][0]["body"]).group(1)
    assert "django_tasks_database_dbtaskresult" in tables_holding(waiting_key)

    run_worker()

    assert len(mail.outbox) == 2
    reset, code_message = sorted(mail.outbox, key=lambda message: "code" in message.subject)
    link = re.search(r"https?://\S+/accounts/password/reset/key/(\S+)/", reset.body)
    code = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{4,10}[A-Z0-9])\s*$", code_message.body, re.MULTILINE)
    assert link and code, (reset.body, code_message.body)
    key = link.group(1)
    assert key == waiting_key
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2

    # The sign-in code waits in the person's browser session until it is used: the portal
    # reads it back, but a copy of the database does not show it.
    assert code.group(1) in json.dumps(dict(client.session))
    found = tables_holding(key, link.group(0), code.group(1), reset.body[:60])
    assert found == {}

    # Following the link keeps its key in the session until the new password is set.
    response = client.get(urlparse(link.group(0)).path)
    assert response.status_code == 302
    reset_token = key.split("-", 1)[1]  # after the account's id
    assert reset_token in json.dumps(dict(client.session))
    assert tables_holding(reset_token) == {}


def test_a_sign_up_verification_link_is_gone_once_delivered(client, database_queue):
    """allauth's verification links are signed, not stored: once the message has gone, only
    the person's inbox holds the key (the waiting sign-up is in the encrypted session)."""
    client.post(
        reverse("account_signup"),
        {"email": "verify@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    run_worker()

    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/(\S+)/", message.body)
    assert link, message.body
    assert tables_holding(link.group(1), link.group(0)) == {}


def test_the_search_reads_a_session_signed_but_not_encrypted(db):
    """The control for the searches above: Django's own database sessions are signed, not
    hidden, and the search reads them as anyone with a copy of the database could."""
    session = SignedOnlySession()
    session["code"] = "QX7-K2P9"
    session.save()
    assert tables_holding("QX7-K2P9") == {"django_session": ["qx7-k2p9"]}


def test_a_failed_delivery_keeps_its_message_to_retry(client, database_queue, settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.privacy.failing_mail.FailingBackend"
    person = UserFactory(email="fails@example.org")
    client.post(reverse("account_reset_password"), {"email": person.email})
    run_worker()
    failed = DBTaskResult.objects.get()
    assert failed.status == "FAILED"
    assert failed.args_kwargs["args"][0]["to"] == [person.email]
