"""Booking for a family from a session's register (`/champions/sessions/<id>/families/`): find
the family by an exact mobile number or e-mail address (or among the families of one's own
sessions), add a family without an account, then book or wait-list them. Only sessions whose
register the person may run are in reach; any other answers 404 and writes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookings import selectors as booking_selectors
from bookings.registers import short_name
from startwell.errors import ApplicationError, show_on_form

from .. import selectors
from ..forms import FamilyBookingForm, FamilyContactForm, FindFamilyForm
from ..services import families
from .registers import refused, session_in_reach


def _found_rows(session, found, *, user) -> list[dict]:
    """What staff see of each family found: a champion the short name and the children's
    first names and ages; a manager also the full name. Never contact details here."""
    day = timezone.localtime(session.start).date()
    sees_names = selectors.may_assign_cover(user, session)  # the centre's managers
    rows = []
    for contact in found.contacts:
        children = list(contact.children.all())
        rows.append(
            {
                "name": contact.full_name if sees_names else contact.short_name,
                "kind": _("Known to the centre (no account)"),
                "children": [(child.first_name, child.age_on(day)) for child in children],
                "token": families.family_token(session, contact=contact),
            }
        )
    for parent in found.accounts:
        children = list(parent.children.all())
        short = short_name_of(parent)
        rows.append(
            {
                "name": (parent.get_full_name() or short) if sees_names else short,
                "kind": _("Has an account"),
                "children": [(child.first_name, child.age_on(day)) for child in children],
                "token": families.family_token(session, parent=parent),
            }
        )
    return rows


def _check_may_run(request, session):
    refusal = selectors.run_refusal(request.user, session)
    return refused(request, refusal) if refusal else None


@login_required
@require_http_methods(["GET", "POST"])
def find_family(request, session_id: int):
    session = session_in_reach(request, session_id)
    refusal = _check_may_run(request, session)
    if refusal:
        return refusal
    form = FindFamilyForm(request.POST if request.method == "POST" else None)
    found_rows = None
    if form.is_valid():
        try:
            found = families.find_families(
                user=request.user, session=session, query=form.cleaned_data["query"]
            )
        except ApplicationError as error:
            form.add_error("query", error.message)
        else:
            found_rows = _found_rows(session, found, user=request.user)
    mine = families.families_of_my_sessions(user=request.user, session=session)
    context = {
        "session": session,
        "form": form,
        "found_rows": found_rows,
        "my_rows": _found_rows(session, mine, user=request.user),
    }
    return render(
        request,
        "parent_champions/families/find.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_family(request, session_id: int):
    session = session_in_reach(request, session_id)
    refusal = _check_may_run(request, session)
    if refusal:
        return refusal
    form = FamilyContactForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            contact = families.add_contact(
                user=request.user, session=session, **form.contact_arguments()
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("{name} is added. Now book them a place.").format(name=contact.short_name),
            )
            token = families.family_token(session, contact=contact)
            return redirect("parent_champions:book_family", session_id=session.pk, token=token)
    return render(
        request,
        "parent_champions/families/add.html",
        {"session": session, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_family(request, session_id: int, token: str):
    session = session_in_reach(request, session_id)
    refusal = _check_may_run(request, session)
    if refusal:
        return refusal
    try:
        family = families.family_from_token(session, token)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("parent_champions:find_family", session_id=session.pk)
    if family is None:
        raise Http404
    children = families.children_of(family)
    form = FamilyBookingForm(
        request.POST if request.method == "POST" else None, session=session, children=children
    )
    places_left = booking_selectors.places_left_counting_lapsed_holds_as_free(session)
    if form.is_valid():
        arguments = form.booking_arguments()
        child_ids = [child.pk for child in arguments.pop("children", [])]
        # Booked by staff, the family pays at the centre (or has a funded place) anyway.
        arguments.pop("pay_at_centre", None)
        try:
            booking = families.book_for_family(
                user=request.user,
                session=session,
                family=family,
                child_ids=child_ids,
                join_waiting_list=request.POST.get("join_waiting_list") == "yes",
                **arguments,
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            name = short_name(booking)
            if booking.status == booking.Status.WAITING:
                waiting = _("{name} is on the waiting list; they have been told.")
                messages.success(request, waiting.format(name=name))
            else:
                messages.success(
                    request, _("{name} is booked; they have been told.").format(name=name)
                )
            url = reverse("parent_champions:register", args=[session.pk])
            return redirect(f"{url}?updated={booking.pk}#booking-{booking.pk}")
    contact = family.get("family_contact")
    parent = family.get("parent")
    context = {
        "session": session,
        "form": form,
        "family_name": contact.short_name if contact else short_name_of(parent),
        "is_contact": contact is not None,
        "places_left": places_left,
        "token": token,
    }
    return render(
        request,
        "parent_champions/families/book.html",
        context,
        status=400 if form.errors else 200,
    )


def short_name_of(parent) -> str:
    first, last = parent.first_name.strip(), parent.last_name.strip()
    if first and last:
        return f"{first} {last[0]}."
    return first or last or _("this family")


@login_required
def family_record(request, session_id: int, contact_id: int):
    session = session_in_reach(request, session_id)
    refusal = _check_may_run(request, session)
    if refusal:
        return refusal
    record = families.family_record(user=request.user, session=session, contact_id=contact_id)
    if record is None:
        raise Http404
    return render(
        request, "parent_champions/families/record.html", {"session": session, "record": record}
    )
