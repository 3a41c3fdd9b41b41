"""The champions' register of a session (`/champions/sessions/<id>/`): the register itself, the
actions on a booking, walk-ins, messages to the families booked, and a manager asking a champion
to cover the session.

Only sessions the person may see are in reach (hosts, covers, the centre's managers): any other
answers 404. A champion who may not act right now (suspended, checks lapsed) is told why (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bookings.registers import register_for
from startwell import pagecache
from startwell.errors import ApplicationError, show_as_message, show_on_form

from .. import selectors
from ..forms import CoverForm, MessageForm, WalkInForm
from ..services import applications, registers

NOT_A_BOOKING = _("That check-in names no booking. Please check the family in again.")


def refused(request, message: str):
    return render(request, "parent_champions/refused.html", {"message": message}, status=403)


def session_in_reach(request, session_id: int):
    session = selectors.session_in_reach(
        request.user, session_id, where=lambda session: _where_it_is(request, session)
    )
    if session is None:
        raise Http404
    return session


def _where_it_is(request, session):
    """The session's venue, activity and centre (`selectors.where_it_is`): the same for everyone,
    so kept under the page cache's generation (`pagecache.fragment`), exactly as fresh as a
    public page: a venue saved or a page published ends it. Whether the person may see the
    register is never kept: it is read with the session on every request."""
    key = f"where|{session.pk}|{session.venue_id}|{session.activity_id}|{session.centre_id}"
    return pagecache.fragment(request, key, lambda: selectors.where_it_is(session))


def _register_url(session, anchor: str = "", *, updated_booking=None) -> str:
    url = reverse("parent_champions:register", args=[session.pk])
    if updated_booking is not None:
        url += f"?updated={updated_booking.pk}"
    return f"{url}#{anchor}" if anchor else url


def _updated_booking_id(request) -> int | None:
    """The booking the last action changed: the register puts the keyboard's and screen
    reader's focus on its row, rather than at the top of the reloaded page."""
    value = request.GET.get("updated", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _render_register(request, session, *, walk_in_form=None, cover_form=None, status=200):
    now = timezone.now()
    may_cover = selectors.may_assign_cover(request.user, session)
    if may_cover and cover_form is None:
        cover_form = CoverForm(champions=selectors.champions_who_may_cover(session))
    context = {
        "may_edit": selectors.may_edit_session(request.user, session),
        "may_cover": may_cover,
        "covers": list(selectors.covers_of(session)) if may_cover else [],
        "cover_form": cover_form,
        "session": session,
        "register": register_for(session),
        "is_session_day": timezone.localdate(now) >= timezone.localtime(session.start).date(),
        "is_today": timezone.localdate(now) == timezone.localtime(session.start).date(),
        "has_started": now >= session.start,
        "walk_in_form": walk_in_form or WalkInForm(),
        "updated_booking_id": _updated_booking_id(request),
    }
    return render(request, "parent_champions/register.html", context, status=status)


@login_required
def register(request, session_id: int):
    session = session_in_reach(request, session_id)
    try:
        registers.open_register(user=request.user, session=session)
    except ApplicationError as error:
        return refused(request, error.message)
    return _render_register(request, session)


@login_required
@require_POST
def booking_action(request, session_id: int, booking_id: int, action: str):
    if action not in registers.REGISTER_ACTIONS:
        raise Http404
    session = session_in_reach(request, session_id)
    booking = get_object_or_404(session.bookings.all(), pk=booking_id)
    try:
        done = registers.run_register_action(
            user=request.user, session=session, booking_id=booking.pk, action=action
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, done)
    if request.POST.get("return_to") == "admin":
        # Cancelled from the admin's register: back to it.
        return redirect("bookings_session:inspect", session.pk)
    return redirect(_register_url(session, f"booking-{booking.pk}", updated_booking=booking))


@login_required
@require_POST
def offline_check_in(request, session_id: int):
    """A queued check-in from a phone that was offline: answers in JSON, 409 for a conflict."""
    session = session_in_reach(request, session_id)
    booking_id = request.POST.get("booking_id", "")
    if not booking_id.isdigit() or len(booking_id) > 18:
        return JsonResponse({"status": "refused", "message": NOT_A_BOOKING}, status=400)
    try:
        done = registers.check_in_from_offline(
            user=request.user, session=session, booking_id=int(booking_id)
        )
    except ApplicationError as error:
        return JsonResponse({"status": "conflict", "message": error.message}, status=409)
    return JsonResponse({"status": "saved", "message": done})


@login_required
@require_POST
def add_walk_in(request, session_id: int):
    session = session_in_reach(request, session_id)
    refusal = selectors.run_refusal(request.user, session)
    if refusal:
        return refused(request, refusal)
    form = WalkInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            walk_in = registers.add_walk_in(
                user=request.user,
                session=session,
                label=data["label"],
                children=data["children"],
                adults=data["adults"],
                over_capacity=data["over_capacity"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Walk-in added: {label}.").format(label=walk_in.label))
            return redirect(_register_url(session, "walk-ins"))
    # The page shows the register again, so it is a look at it like any other.
    registers.open_register(user=request.user, session=session)
    return _render_register(request, session, walk_in_form=form, status=400)


@login_required
def message_families(request, session_id: int):
    session = session_in_reach(request, session_id)
    refusal = selectors.run_refusal(request.user, session)
    if refusal:
        return refused(request, refusal)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = registers.message_families(
                user=request.user,
                session=session,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Message sent to %(sent)d family.", "Message sent to %(sent)d families.", sent
                )
                % {"sent": sent},
            )
            return redirect("parent_champions:register", session_id=session.pk)
    return render(request, "parent_champions/message.html", {"session": session, "form": form})


def _session_to_cover(request, session_id: int):
    session = session_in_reach(request, session_id)
    if not selectors.may_assign_cover(request.user, session):
        raise Http404
    return session


@login_required
@require_POST
def assign_cover(request, session_id: int):
    session = _session_to_cover(request, session_id)
    form = CoverForm(request.POST, champions=selectors.champions_who_may_cover(session))
    if form.is_valid():
        champion = form.cleaned_data["champion"]
        try:
            applications.assign_cover(
                session_id=session.pk, champion_id=champion.pk, by=request.user
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            name = champion.user.get_full_name() or champion.user.display_name
            messages.success(request, _("{name} now covers this session.").format(name=name))
            return redirect(_register_url(session, "cover"))
    registers.open_register(user=request.user, session=session)
    return _render_register(request, session, cover_form=form, status=400)


@login_required
@require_POST
def remove_cover(request, session_id: int, cover_id: int):
    session = _session_to_cover(request, session_id)
    cover = get_object_or_404(selectors.covers_of(session), pk=cover_id)
    applications.remove_cover(cover_id=cover.pk, by=request.user)
    messages.success(request, _("No longer covering this session."))
    return redirect(_register_url(session, "cover"))
