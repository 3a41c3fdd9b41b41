"""A champion's dashboard, and the page where a parent applies to be one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.selectors import centres_managed_by
from startwell.errors import ApplicationError, show_on_form

from .. import selectors
from ..forms import ApplicationForm
from ..services import applications


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
        "practises": list(selectors.practitioner_roles(user)),
        "practitioner_sessions": list(selectors.practitioner_sessions(user)),
        "practitioner_activities": selectors.practitioner_activities(user),
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
            application = applications.apply_to_be_champion(
                parent=request.user,
                centre_id=data["centre"].pk,
                why=data["why"],
                strengths=data["strengths"],
                availability=data["availability"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your application to {centre} is with the centre. We will e-mail "
                    "you when they have decided."
                ).format(centre=application.centre.title),
            )
            return redirect("parent_champions:dashboard")
    context = {"form": form, "applications": list(selectors.applications_of(request.user))}
    return render(request, "parent_champions/apply.html", context)
