"""Feedback pages: the family's answer from the link; the managers' counts and comments; the
checked comments the hosts of an activity may read. Views parse input and call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from startwell.errors import ApplicationError, show_as_message, show_on_form

from . import selectors, services
from .forms import CheckCommentForm, FeedbackForm
from .models import Feedback

# How each refusal of a link answers: a link that is not right (or not this person's) is not
# found; one that lapsed is gone; an answered one is thanked again (the second tap of a double
# tap lands there too).
STATUS_FOR = {"not_found": 404, "expired": 410}


def _refused(request, error: ApplicationError, *, status: int | None = None):
    if status is None:
        status = STATUS_FOR.get(error.extra.get("reason"), 200)
    return render(request, "feedback/refused.html", {"message": error.message}, status=status)


@require_http_methods(["GET", "POST"])
def give(request, token: str):
    try:
        feedback = services.feedback_for_link(token, user=request.user)
    except ApplicationError as error:
        return _refused(request, error)
    if feedback.is_answered:
        return _refused(request, services.FeedbackError(services.ALREADY_ANSWERED))
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = services.give_feedback(
                token=token,
                user=request.user,
                rating=data["rating"],
                come_again=data["come_again"],
                comment=data["comment"],
            )
        except services.FeedbackError as error:
            if error.field:
                show_on_form(form, error)
            else:
                return _refused(request, error, status=409)
        else:
            return render(request, "feedback/thanks.html", {"feedback": feedback})
    status = 400 if form.is_bound else 200
    return render(
        request, "feedback/give.html", {"feedback": feedback, "form": form}, status=status
    )


@login_required
@require_GET
def manage(request):
    centres = selectors.centres_reading_feedback(request.user)
    if not centres.exists():
        raise PermissionDenied
    answered = selectors.answered_in(centres)
    return render(
        request,
        "feedback/manage.html",
        {
            "by_centre": selectors.summary_by_centre(answered),
            "by_activity": selectors.summary_by_activity(answered),
            "comments": selectors.comments_in(centres)[:200],
        },
    )


@login_required
@require_POST
def check_comment(request, pk: int):
    feedback = get_object_or_404(Feedback.objects.select_related("session"), pk=pk)
    if not selectors.can_read_feedback(request.user, feedback.session.centre_id):
        raise PermissionDenied
    form = CheckCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to share the comment.")
        return redirect("feedback:manage")
    publish = form.cleaned_data["decision"] == "publish"
    try:
        if publish:
            services.publish_comment(feedback=feedback, by=request.user)
        else:
            services.reject_comment(feedback=feedback, by=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request,
            "The comment is shared with the session's hosts, without a name."
            if publish
            else "The comment stays with the centre's managers.",
        )
    return redirect("feedback:manage")


@login_required
@require_GET
def hosted(request):
    """What families said about the activities this person hosts, once managers checked it."""
    return render(
        request,
        "feedback/hosted.html",
        {"comments": selectors.shared_comments_for_host(request.user)[:100]},
    )
