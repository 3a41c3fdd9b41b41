"""A parent's children: list, add, edit and remove. A parent only ever sees their own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .errors import ApplicationError, show_on_form
from .forms import ChildForm
from .models import Child


def _own_child(request, child_id: int) -> Child:
    return get_object_or_404(Child, pk=child_id, parent=request.user)


def _next_url(request) -> str | None:
    """Where to go back to after adding a child (the booking form links here)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_GET
def child_list(request):
    children = selectors.children_of(request.user)
    return render(request, "startwell/child_list.html", {"children": children})


@login_required
@require_http_methods(["GET", "POST"])
def child_add(request):
    form = ChildForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            child = services.add_child(parent=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("{name} is added to your children.").format(name=child.first_name)
            )
            return redirect(_next_url(request) or "child_list")
    return render(
        request,
        "startwell/child_form.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, child_id: int):
    child = _own_child(request, child_id)
    form = ChildForm.for_child(child, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.update_child(child=child, **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("{name}'s details are saved.").format(name=child.first_name)
            )
            return redirect("child_list")
    return render(
        request,
        "startwell/child_form.html",
        {"form": form, "child": child},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_remove(request, child_id: int):
    child = _own_child(request, child_id)
    # A form with no fields: a refusal shows at its top, as on every other form.
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.remove_child(child=child)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("{name} is removed from your children.").format(name=child.first_name)
            )
            return redirect("child_list")
    return render(
        request,
        "startwell/child_remove.html",
        {"child": child, "form": form},
        status=400 if form.errors else 200,
    )
