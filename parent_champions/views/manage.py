"""The centre managers' pages under /champions/manage/: applications, their champions (checks,
suspension, hosting) and the centre's audit trail of sessions and registers. Anything outside the
centres a person manages answers 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cms.models import CentrePage
from cms.selectors import centres_managed_by
from startwell.errors import ApplicationError, show_as_message, show_on_form

from .. import selectors
from ..forms import ChecksForm, DeclineForm, HostForm, PractitionerInviteForm
from ..services import applications, practitioners

LOG_PAGE_SIZE = 50


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


def _centre_page(request, centre, *, invite_form=None, status=200):
    one = CentrePage.objects.filter(pk=centre.pk)
    applications = list(selectors.applications_at(one).order_by("-created_at")[:30])
    today = timezone.localdate()
    context = {
        "centre": centre,
        "open_applications": [a for a in applications if a.is_open],
        "decided_applications": [a for a in applications if not a.is_open],
        "champions": [(c, c.check_warnings(today)) for c in selectors.champions_at(one)],
        "practitioners": list(selectors.practitioners_at(centre)),
        "invite_form": invite_form or PractitionerInviteForm(),
    }
    return render(request, "parent_champions/manage/centre.html", context, status=status)


@manager_view
def manage_centre(request, centre_id: int):
    return _centre_page(request, get_object_or_404(_managed_centres(request), pk=centre_id))


@manager_view
@require_POST
def invite_practitioner(request, centre_id: int):
    centre = get_object_or_404(_managed_centres(request), pk=centre_id)
    form = PractitionerInviteForm(request.POST)
    if form.is_valid():
        try:
            practitioner = practitioners.invite_practitioner(
                centre_id=centre.pk,
                partner_id=form.cleaned_data["partner"].pk,
                email=form.cleaned_data["email"],
                by=request.user,
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {practitioner.user.email}: they can now run "
                f"{practitioner.partner.name}'s sessions here.",
            )
            url = reverse("parent_champions:manage_centre", args=[centre.pk])
            return redirect(f"{url}#practitioners-heading")
    return _centre_page(request, centre, invite_form=form, status=400)


@manager_view
@require_POST
def remove_practitioner(request, practitioner_id: int):
    practitioner = get_object_or_404(
        selectors.practitioners_in(centres_managed_by(request.user)), pk=practitioner_id
    )
    practitioners.remove_practitioner(practitioner_id=practitioner.pk, by=request.user)
    messages.success(
        request,
        f"{practitioner.user.email} can no longer run {practitioner.partner.name}'s sessions here.",
    )
    return redirect("parent_champions:manage_centre", centre_id=practitioner.centre_id)


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
                applications.approve_application(application_id=application.pk, by=request.user)
                messages.success(request, "Approved. Record their checks before they host.")
                return redirect("parent_champions:manage_centre", centre_id=application.centre_id)
            if decline_form.is_valid():
                applications.decline_application(
                    application_id=application.pk,
                    reason=decline_form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, "Declined. The parent has been told why.")
                return redirect("parent_champions:manage_centre", centre_id=application.centre_id)
        except ApplicationError as error:
            show_on_form(decline_form, error)
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
            applications.record_checks(
                champion_id=champion.pk, by=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Checks recorded.")
            return redirect("parent_champions:manage_champion", champion_id=champion.pk)
    return _champion_page(request, champion, checks_form=form, status=400)


@manager_view
@require_POST
def manage_status(request, champion_id: int, change: str):
    champion = _managed_champion(request, champion_id)
    service = {
        "suspend": applications.suspend_champion,
        "reinstate": applications.reinstate_champion,
    }.get(change)
    if service is None:
        raise Http404
    try:
        service(champion_id=champion.pk, by=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
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
            applications.assign_host(champion_id=champion.pk, by=request.user, **form.target())
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Host assigned.")
            return redirect("parent_champions:manage_champion", champion_id=champion.pk)
    return _champion_page(request, champion, host_form=form, status=400)


@manager_view
@require_POST
def manage_unhost(request, champion_id: int, hosting_id: int):
    champion = _managed_champion(request, champion_id)
    hosting = get_object_or_404(champion.hostings.all(), pk=hosting_id)
    applications.remove_hosting(hosting_id=hosting.pk, by=request.user)
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
