"""A family's mobile number and how they want to hear from the centre: add a UK mobile, confirm
it with the code texted to it, choose e-mail, text or both, or remove the number."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import mobiles
from .errors import ApplicationError, show_on_form
from .forms import ContactByForm, MobileCodeForm, MobileNumberForm
from .models import MobilePhone


def _page(request, *, number_form=None, contact_form=None, status=200):
    mobile = MobilePhone.objects.filter(user=request.user).first()
    return render(
        request,
        "startwell/mobile.html",
        {
            "mobile": mobile,
            "number_form": number_form or MobileNumberForm(),
            "contact_form": contact_form
            or ContactByForm(initial={"contact_by": request.user.contact_by}),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mobile(request):
    """GET shows the number and the choice; POST adds a number (and texts a code), saves the
    choice, or removes the number, by the button pressed."""
    if request.method == "GET":
        return _page(request)
    action = request.POST.get("action")
    if action == "remove":
        mobiles.remove(user=request.user)
        messages.success(request, _("Your mobile number is removed. We will use e-mail."))
        return redirect("mobile")
    if action == "contact":
        form = ContactByForm(request.POST)
        if form.is_valid():
            try:
                mobiles.choose_contact(
                    user=request.user, contact_by=form.cleaned_data["contact_by"]
                )
            except ApplicationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("Your choice is saved."))
                return redirect("mobile")
        return _page(request, contact_form=form, status=400)
    form = MobileNumberForm(request.POST)
    if form.is_valid():
        try:
            mobiles.start_confirming(user=request.user, number_text=form.cleaned_data["number"])
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect("mobile_confirm")
    return _page(request, number_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def mobile_confirm(request):
    mobile = MobilePhone.objects.filter(user=request.user).first()
    if mobile is None:
        return redirect("mobile")
    form = MobileCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            mobiles.confirm(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Your mobile number is confirmed."))
            return redirect("mobile")
    return render(
        request,
        "startwell/mobile_confirm.html",
        {"mobile": mobile, "form": form},
        status=400 if form.errors else 200,
    )
