"""For the payment tests: paid activities, and webhooks posted the way Stripe posts them."""

from django.urls import reverse

from tests.factories import ActivityPageFactory, ChildFactory, SessionFactory, UserFactory
from tests.stripe_server import FakeStripe

WEBHOOK = "/payments/stripe/webhook/"


def paid_session(centre, *, price_pence=500, capacity=10, funded_places=0, **extra):
    activity = ActivityPageFactory(
        parent=centre,
        title="Messy play",
        price_model="fixed",
        price_pence=price_pence,
        funded_places=funded_places,
    )
    return SessionFactory(activity=activity, capacity=capacity, **extra)


def pay_what_you_can_session(centre, *, suggested=400, minimum=100, capacity=10):
    activity = ActivityPageFactory(
        parent=centre,
        title="Baby massage",
        price_model="pay_what_you_can",
        suggested_pence=suggested,
        minimum_pence=minimum,
    )
    return SessionFactory(activity=activity, capacity=capacity)


def household(children=1):
    parent = UserFactory()
    return parent, [ChildFactory(parent=parent) for _ in range(children)]


def post_event(client, event, **signing):
    payload, header = FakeStripe.sign(event, **signing)
    return client.post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def checkout_id_of(booking):
    booking.payment.refresh_from_db()
    return booking.payment.checkout_session_id


def return_url(checkout_id):
    return reverse("payments:return") + f"?session_id={checkout_id}"
