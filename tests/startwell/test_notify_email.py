"""E-mail through GOV.UK Notify when a key and an e-mail template are set: the real
`notifications-python-client` against the local stand-in — the request body, the signed token,
tries again when Notify is busy, a refusal kept for staff and never retried. Without the template,
Django's mail backend as before."""

import jwt
import pytest
from django.core import mail
from django.core.mail import EmailMessage

from startwell.mail import deliver_email, serialise_message
from startwell.models import DeliveryFailure
from tests import notify_server

EMAIL_TEMPLATE_ID = notify_server.EMAIL_TEMPLATE_ID

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts_queued_at_once")]


@pytest.fixture
def notify(notify_server, settings, monkeypatch):
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE_ID
    # Retries are queued once the transaction commits; a test's own transaction never does.
    from types import SimpleNamespace

    monkeypatch.setattr(
        "startwell.mail.transaction", SimpleNamespace(on_commit=lambda callback: callback())
    )
    return notify_server


def message(to="amira@example.org"):
    return serialise_message(
        EmailMessage(
            subject="You're booked: Stay and play", body="Hello Amira,\n\nSee you.", to=[to]
        )
    )


def test_an_email_goes_to_notify_with_a_signed_token(notify):
    assert deliver_email.call(message()) == "sent"
    [request] = notify.log
    assert request["path"] == "/v2/notifications/email"
    assert request["body"] == {
        "email_address": "amira@example.org",
        "template_id": notify_server.EMAIL_TEMPLATE_ID,
        "personalisation": {
            "subject": "You're booked: Stay and play",
            "body": "Hello Amira,\n\nSee you.",
        },
    }
    claims = jwt.decode(
        request["auth"].removeprefix("Bearer "), notify_server.SECRET, algorithms=["HS256"]
    )
    assert claims["iss"] == notify_server.SERVICE_ID
    assert mail.outbox == []


def test_a_busy_notify_is_tried_again_then_given_up_and_recorded(notify):
    notify.fail_next(503, times=10)
    deliver_email.call(message())
    # The first try and four more (after 1, 5, 30 and 120 minutes), then given up.
    assert [entry["status"] for entry in notify.log] == [503] * 5
    failure = DeliveryFailure.objects.get()
    assert (failure.channel, failure.address) == ("email", "amira@example.org")
    assert "could not be reached" in failure.reason


def test_a_busy_notify_then_free_delivers_once(notify):
    notify.fail_next(503, times=2)
    deliver_email.call(message())
    assert [entry["status"] for entry in notify.log] == [503, 503, 201]
    assert not DeliveryFailure.objects.exists()


def test_a_refused_address_is_recorded_and_never_retried(notify):
    notify.fail_next(400, message="email_address Not a valid email address")
    assert deliver_email.call(message()) == "refused"
    assert [entry["status"] for entry in notify.log] == [400]
    assert "Not a valid email address" in DeliveryFailure.objects.get().reason


def test_without_an_email_template_django_sends_it(notify_server, settings):
    settings.NOTIFY_EMAIL_TEMPLATE_ID = ""
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_email.call(message())
    assert notify_server.log == []
    assert [m.to for m in mail.outbox] == [["amira@example.org"]]
