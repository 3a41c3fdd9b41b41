"""Payment addresses, mounted at /payments/."""

from django.urls import path

from . import payment_views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("return/", payment_views.checkout_return, name="return"),
    path("<str:reference>/pay/", payment_views.pay, name="pay"),
]
