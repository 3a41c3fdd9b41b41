"""A family claiming the bookings a centre made for it before it had an account
(`/bookings/family/`): the family contacts with this account's confirmed mobile or verified
e-mail address, a code sent to the contact's number or address, and the claim."""

from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from startwell.errors import ApplicationError, show_on_form
from startwell.forms import MobileCodeForm

from . import claims
from .models import FamilyContact

TOO_MANY_CODES = gettext_lazy(
    "You have asked for several codes just now. Please wait a few minutes."
)


def _may_send_code(request) -> bool:
    """Counts a code request against the person's limit (allauth's rate limiter, in the shared
    cache), so that nobody can flood a family's phone with codes."""
    rate = settings.FAMILY_CLAIM_CODE_RATE_LIMIT
    usage = ratelimit.consume(
        request,
        app="bookings",
        action="family_claim_code",
        config={"family_claim_code": rate},
        user=request.user,
    )
    return usage is not None


@login_required
@require_http_methods(["GET", "POST"])
def claim_list(request):
    contacts = list(claims.claimable_by(request.user))
    if request.method == "POST":
        contact_id = request.POST.get("contact", "")
        if not contact_id.isdigit() or int(contact_id) not in {c.pk for c in contacts}:
            raise Http404
        if not _may_send_code(request):
            messages.error(request, TOO_MANY_CODES)
            return redirect("bookings:claim_list")
        where = claims.send_claim_code(user=request.user, contact_id=int(contact_id))
        messages.success(request, _("We have sent a code to {where}.").format(where=where))
        return redirect("bookings:claim_confirm", contact_id=int(contact_id))
    return render(request, "bookings/claim_list.html", {"contacts": contacts})


@login_required
@require_http_methods(["GET", "POST"])
def claim_confirm(request, contact_id: int):
    if not claims.claimable_by(request.user).filter(pk=contact_id).exists():
        raise Http404
    form = MobileCodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = _("Code we sent you")
    if form.is_valid():
        try:
            contact = claims.claim(
                user=request.user, contact_id=contact_id, code=form.cleaned_data["code"]
            )
        except FamilyContact.DoesNotExist:
            raise Http404 from None
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Your bookings with {centre} are now in your account.").format(
                    centre=contact.centre.title
                ),
            )
            return redirect("bookings:booking_list")
    return render(
        request,
        "bookings/claim_confirm.html",
        {"form": form, "contact_id": contact_id},
        status=400 if form.errors else 200,
    )
