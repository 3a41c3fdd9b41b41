"""Pages for parent champions (dashboard, registers, messages, their sessions), for parents who
apply, and for centre managers who decide on applications and look after their champions.

Anything outside a person's centres answers 404; a champion whose role is suspended or whose
checks have lapsed is told why (403). Views parse input, call one service, show its refusal."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.models import Booking
from cms.models import ActivityPage, CentrePage
from cms.selectors import centres_managed_by

from . import selectors, services
from .forms import (
    ApplicationForm,
    ChecksForm,
    DeclineForm,
    HostForm,
    MessageForm,
    SessionForm,
    WalkInForm,
)
from .services import ChampionError

LOG_PAGE_SIZE = 50


def _refused(request, error: ChampionError):
    return render(request, "parent_champions/refused.html", {"message": error.message}, status=403)


def _form_error(form, error: ChampionError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- Parents and champions --------------------------------------------------------------------


@login_required
def dashboard(request):
    user = request.user
    roles = list(selectors.champion_roles(user))
    today = timezone.localdate()
    active = [role for role in roles if role.is_active]
    context = {
        "roles": [(role, role.check_warnings(today)) for role in roles],
        "hosted": list(selectors.hosted_sessions(user)) if active else [],
        "activities": list(selectors.activities_hosted_by(user)) if active else [],
        "applications": list(selectors.applications_of(user)),
        "manages": centres_managed_by(user).exists(),
        "today": today,
    }
    return render(request, "parent_champions/dashboard.html", context)


@login_required
def apply(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.apply_to_be_champion(
                parent=request.user,
                centre_id=data["centre"].pk,
                why=data["why"],
                strengths=data["strengths"],
                availability=data["availability"],
            )
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                f"Thank you: your application to {application.centre.title} is with the "
                "centre. We will e-mail you when they have decided.",
            )
            return redirect("parent_champions:dashboard")
    context = {"form": form, "applications": list(selectors.applications_of(request.user))}
    return render(request, "parent_champions/apply.html", context)


def _session_in_reach(request, session_id: int):
    sessions = selectors.register_sessions_for(request.user).select_related(
        "activity", "centre", "venue"
    )
    return get_object_or_404(sessions, pk=session_id)


def _register_context(request, session, **extra) -> dict:
    now = timezone.now()
    return {
        "may_edit": selectors.may_edit_session(request.user, session),
        "session": session,
        "register": selectors.register_for(session),
        "is_session_day": timezone.localdate(now) >= timezone.localtime(session.start).date(),
        "is_today": timezone.localdate(now) == timezone.localtime(session.start).date(),
        "has_started": now >= session.start,
        **extra,
    }


@login_required
def register(request, session_id: int):
    session = _session_in_reach(request, session_id)
    try:
        services.open_register(user=request.user, session=session)
    except ChampionError as error:
        return _refused(request, error)
    context = _register_context(request, session, walk_in_form=WalkInForm())
    return render(request, "parent_champions/register.html", context)


BOOKING_ACTIONS = {
    "check-in": (services.check_in, "{name} is checked in."),
    "no-show": (services.mark_no_show, "{name} is marked as not coming."),
    "paid": (services.mark_paid_at_centre, "{name} is marked as paid at the centre."),
    "cancel": (services.cancel_for_family, "{name}'s booking is cancelled; they have been told."),
    "offer": (services.offer_place, "{name} has been given a place and told by e-mail."),
}


@login_required
@require_POST
def booking_action(request, session_id: int, booking_id: int, action: str):
    if action not in BOOKING_ACTIONS:
        raise Http404
    session = _session_in_reach(request, session_id)
    booking = get_object_or_404(Booking.objects.select_related("parent"), pk=booking_id)
    if booking.session_id != session.pk:
        raise Http404
    service, done = BOOKING_ACTIONS[action]
    try:
        service(user=request.user, session=session, booking_id=booking.pk)
    except ChampionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(name=selectors.family_name(booking)))
    url = reverse("parent_champions:register", args=[session.pk])
    return redirect(f"{url}#booking-{booking.pk}")


@login_required
@require_POST
def add_walk_in(request, session_id: int):
    session = _session_in_reach(request, session_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            walk_in = services.add_walk_in(
                user=request.user,
                session=session,
                label=data["label"],
                children=data["children"],
                adults=data["adults"],
                over_capacity=data["over_capacity"],
            )
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Walk-in added: {walk_in.label}.")
            url = reverse("parent_champions:register", args=[session.pk])
            return redirect(f"{url}#walk-ins")
    try:
        services.check_can_run(user=request.user, session=session)
    except ChampionError as error:
        return _refused(request, error)
    context = _register_context(request, session, walk_in_form=form)
    return render(request, "parent_champions/register.html", context, status=400)


@login_required
def message_families(request, session_id: int):
    session = _session_in_reach(request, session_id)
    try:
        services.check_can_run(user=request.user, session=session)
    except ChampionError as error:
        return _refused(request, error)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.message_families(
                user=request.user,
                session=session,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Message sent to {sent} famil{'y' if sent == 1 else 'ies'}.")
            return redirect("parent_champions:register", session_id=session.pk)
    return render(request, "parent_champions/message.html", {"session": session, "form": form})


def _session_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.SESSION_FIELDS}


@login_required
def session_create(request, activity_id: int):
    activity = get_object_or_404(ActivityPage, pk=activity_id)
    centre = CentrePage.objects.ancestor_of(activity).first()
    if centre is None or not selectors.may_edit_activity(request.user, activity.pk, centre.pk):
        raise Http404
    try:
        services.check_can_edit_activity(user=request.user, activity=activity, centre_id=centre.pk)
    except ChampionError as error:
        return _refused(request, error)
    form = SessionForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(
                user=request.user, activity_id=activity.pk, values=_session_values(form)
            )
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Session created.")
            return redirect("parent_champions:register", session_id=session.pk)
    context = {"form": form, "activity": activity, "session": None}
    return render(request, "parent_champions/session_form.html", context)


@login_required
def session_edit(request, session_id: int):
    session = _session_in_reach(request, session_id)
    if not selectors.may_edit_session(request.user, session):
        raise Http404
    try:
        services.check_can_edit_activity(
            user=request.user, activity=session.activity, centre_id=session.centre_id
        )
    except ChampionError as error:
        return _refused(request, error)
    form = SessionForm(request.POST or None, instance=session, centre=session.centre)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                user=request.user, session_id=session.pk, values=_session_values(form)
            )
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Session saved.")
            return redirect("parent_champions:register", session_id=session.pk)
    # The form writes its input onto the instance; show the activity from a fresh read.
    context = {"form": form, "activity": session.activity, "session": session}
    return render(request, "parent_champions/session_form.html", context)


# --- Centre managers --------------------------------------------------------------------------


def manager_view(view):
    """Signed in and managing at least one centre (else 404). The second factor staff need is
    asked for by startwell.middleware, for every staff page at once."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not centres_managed_by(request.user).exists():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _managed_centres(request):
    return centres_managed_by(request.user)


@manager_view
def manage_index(request):
    centres = list(_managed_centres(request).order_by("title"))
    if len(centres) == 1:
        return redirect("parent_champions:manage_centre", centre_id=centres[0].pk)
    return render(request, "parent_champions/manage/index.html", {"centres": centres})


@manager_view
def manage_centre(request, centre_id: int):
    centre = get_object_or_404(_managed_centres(request), pk=centre_id)
    one = CentrePage.objects.filter(pk=centre.pk)
    applications = list(selectors.applications_at(one).order_by("-created_at")[:30])
    today = timezone.localdate()
    context = {
        "centre": centre,
        "open_applications": [a for a in applications if a.is_open],
        "decided_applications": [a for a in applications if not a.is_open],
        "champions": [(c, c.check_warnings(today)) for c in selectors.champions_at(one)],
    }
    return render(request, "parent_champions/manage/centre.html", context)


def _managed_application(request, application_id: int):
    applications = selectors.applications_at(centres_managed_by(request.user))
    return get_object_or_404(applications, pk=application_id)


@manager_view
def manage_application(request, application_id: int):
    application = _managed_application(request, application_id)
    decision = request.POST.get("decision") if request.method == "POST" else None
    decline_form = DeclineForm(request.POST if decision == "decline" else None)
    if decision in ("approve", "decline"):
        try:
            if decision == "approve":
                services.approve_application(application_id=application.pk, by=request.user)
                messages.success(request, "Approved. Record their checks before they host.")
                return redirect("parent_champions:manage_centre", centre_id=application.centre_id)
            if decline_form.is_valid():
                services.decline_application(
                    application_id=application.pk,
                    reason=decline_form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, "Declined. The parent has been told why.")
                return redirect("parent_champions:manage_centre", centre_id=application.centre_id)
        except ChampionError as error:
            _form_error(decline_form, error)
    elif request.method == "POST":
        raise Http404
    context = {"application": application, "decline_form": decline_form}
    status = 400 if request.method == "POST" else 200
    return render(request, "parent_champions/manage/application.html", context, status=status)


def _managed_champion(request, champion_id: int):
    champions = selectors.champions_at(centres_managed_by(request.user))
    return get_object_or_404(champions, pk=champion_id)


def _champion_page(request, champion, *, checks_form=None, host_form=None, status=200):
    centre = champion.centre
    context = {
        "champion": champion,
        "warnings": champion.check_warnings(),
        "checks_form": checks_form
        or ChecksForm(
            initial={
                "dbs_checked_on": champion.dbs_checked_on,
                "training_completed_on": champion.training_completed_on,
            }
        ),
        "host_form": host_form or _host_form(centre),
    }
    return render(request, "parent_champions/manage/champion.html", context, status=status)


def _host_form(centre, data=None) -> HostForm:
    return HostForm(
        data,
        activities=selectors.centre_activities(centre),
        sessions=selectors.centre_sessions_to_host(centre),
    )


@manager_view
def manage_champion(request, champion_id: int):
    return _champion_page(request, _managed_champion(request, champion_id))


@manager_view
@require_POST
def manage_checks(request, champion_id: int):
    champion = _managed_champion(request, champion_id)
    form = ChecksForm(request.POST)
    if form.is_valid():
        try:
            services.record_checks(champion_id=champion.pk, by=request.user, **form.cleaned_data)
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Checks recorded.")
            return redirect("parent_champions:manage_champion", champion_id=champion.pk)
    return _champion_page(request, champion, checks_form=form, status=400)


@manager_view
@require_POST
def manage_status(request, champion_id: int, change: str):
    champion = _managed_champion(request, champion_id)
    service = {
        "suspend": services.suspend_champion,
        "reinstate": services.reinstate_champion,
    }.get(change)
    if service is None:
        raise Http404
    try:
        service(champion_id=champion.pk, by=request.user)
    except ChampionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Suspended." if change == "suspend" else "Reinstated.")
    return redirect("parent_champions:manage_champion", champion_id=champion.pk)


@manager_view
@require_POST
def manage_host(request, champion_id: int):
    champion = _managed_champion(request, champion_id)
    form = _host_form(champion.centre, request.POST)
    if form.is_valid():
        try:
            services.assign_host(champion_id=champion.pk, by=request.user, **form.target())
        except ChampionError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Host assigned.")
            return redirect("parent_champions:manage_champion", champion_id=champion.pk)
    return _champion_page(request, champion, host_form=form, status=400)


@manager_view
@require_POST
def manage_unhost(request, champion_id: int, hosting_id: int):
    champion = _managed_champion(request, champion_id)
    hosting = get_object_or_404(champion.hostings.all(), pk=hosting_id)
    services.remove_hosting(hosting_id=hosting.pk, by=request.user)
    messages.success(request, "No longer hosting.")
    return redirect("parent_champions:manage_champion", champion_id=champion.pk)


@manager_view
def manage_log(request, centre_id: int):
    centre = get_object_or_404(_managed_centres(request), pk=centre_id)
    entries = Paginator(selectors.register_log_at(centre), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "parent_champions/manage/log.html", {"centre": centre, "entries": entries}
    )
