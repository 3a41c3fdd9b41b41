"""Payment addresses: the Stripe webhook, sending a family to pay, and where Stripe sends them
back. Views stay thin: the rules are in `bookings.checkout`."""

import logging

import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from startwell.errors import show_as_message

from . import checkout, stripe_gateway
from .errors import BookingError
from .models import Booking, CourseBooking

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events. A bad or stale signature is refused before anything is stored."""
    try:
        event = stripe_gateway.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except (stripe.SignatureVerificationError, ValueError) as error:
        logger.warning("Refused a Stripe webhook: %s", error)
        signed = not isinstance(error, stripe.SignatureVerificationError)
        return HttpResponseBadRequest("Malformed event" if signed else "Invalid signature")
    checkout.handle_event(event)
    return HttpResponse("OK")


def _own_booking(request, reference: str) -> Booking | CourseBooking:
    """The family's own booking, or course booking, by reference; 404 for anyone else's."""
    booking = Booking.objects.filter(reference=reference, parent=request.user).first()
    return booking or get_object_or_404(CourseBooking, reference=reference, parent=request.user)


@login_required
@require_POST
def pay(request, reference):
    booking = _own_booking(request, reference)
    try:
        url = checkout.start_checkout(booking=booking)
    except BookingError as error:
        show_as_message(request, error)
        return redirect("bookings:booking_detail", reference=booking.reference)
    return redirect(url)


@login_required
@require_GET
def checkout_return(request):
    """Stripe sends the family back here after paying. Only Stripe's own record of the Checkout
    Session counts: anything else in the address is ignored."""
    checkout_id = request.GET.get("session_id", "")
    if not checkout_id.startswith("cs_"):
        raise Http404
    try:
        paid_page = stripe_gateway.retrieve_checkout_session(checkout_id)
    except stripe_gateway.GatewayError as error:
        if error.not_found:
            raise Http404 from error
        messages.warning(
            request,
            _(
                "We couldn't check your payment just now. If you paid, we'll e-mail you as soon "
                "as it comes through."
            ),
        )
        return redirect("/bookings/")
    reference = checkout.reference_of(paid_page)
    booking = _own_booking(request, reference)
    checkout.record_checkout_paid(paid_page)
    booking.refresh_from_db()
    if booking.status == Booking.Status.CONFIRMED:
        messages.success(request, _("Thank you: you've paid and you're booked."))
    elif paid_page.get("payment_status") != "paid":
        messages.info(request, _("We haven't received your payment yet."))
    return redirect("bookings:booking_detail", reference=booking.reference)
