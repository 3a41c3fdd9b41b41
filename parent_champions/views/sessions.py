"""Adding and changing the sessions of an activity a champion hosts (the centre's managers may
too). Anyone else answers 404; a host who may not act right now is told why (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage, CentrePage
from startwell.errors import ApplicationError, show_on_form

from .. import selectors
from ..forms import SessionForm
from ..services import sessions
from .registers import refused, session_in_reach


def _session_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in sessions.SESSION_FIELDS}


@login_required
def session_create(request, activity_id: int):
    activity = get_object_or_404(ActivityPage, pk=activity_id)
    centre = CentrePage.objects.ancestor_of(activity).first()
    if centre is None or not selectors.may_edit_activity(request.user, activity.pk, centre.pk):
        raise Http404
    refusal = selectors.edit_refusal(request.user, activity, centre.pk)
    if refusal:
        return refused(request, refusal)
    form = SessionForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.create_session(
                user=request.user, activity_id=activity.pk, values=_session_values(form)
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Session created."))
            return redirect("parent_champions:register", session_id=session.pk)
    context = {"form": form, "activity": activity, "session": None}
    return render(request, "parent_champions/session_form.html", context)


@login_required
def session_edit(request, session_id: int):
    session = session_in_reach(request, session_id)
    if not selectors.may_edit_session(request.user, session):
        raise Http404
    refusal = selectors.edit_refusal(request.user, session.activity, session.centre_id)
    if refusal:
        return refused(request, refusal)
    form = SessionForm(request.POST or None, instance=session, centre=session.centre)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.update_session(
                user=request.user, session_id=session.pk, values=_session_values(form)
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("parent_champions:register", session_id=session.pk)
    # The form writes its input onto the instance; show the activity from a fresh read.
    context = {"form": form, "activity": session.activity, "session": session}
    return render(request, "parent_champions/session_form.html", context)
