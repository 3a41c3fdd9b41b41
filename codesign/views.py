"""Co-design pages. Each view parses input, calls one service and shows a refusal on its form or
as a message; who may see or do what, and which moves an idea may make, is asked of selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import CentrePage
from startwell.errors import ApplicationError, show_as_message, show_on_form

from . import selectors, services
from .forms import (
    CommentForm,
    DecideForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaSettingsForm,
    ModerateForm,
)
from .models import Comment, Idea, IdeaStatus

IDEAS_PER_PAGE = 20


def _visible_idea(request, pk: int) -> Idea:
    try:
        idea = selectors.idea_detail(pk=pk)
    except Idea.DoesNotExist as error:
        raise Http404 from error
    if not selectors.can_view_idea(request.user, idea):
        raise Http404
    return idea


def _idea_for_team(request, pk: int, *, check) -> Idea:
    """The idea, if this person is on its centre's team (`check` is can_moderate/can_decide)."""
    idea = get_object_or_404(Idea.objects.select_related("centre"), pk=pk)
    if not check(request.user, idea.centre):
        raise PermissionDenied
    return idea


# --- Everyone -----------------------------------------------------------------------------------


@require_GET
def idea_list(request):
    filters = IdeaFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    ideas = selectors.public_ideas(
        centre=chosen.get("centre"),
        status=chosen.get("status") or "",
        sort=chosen.get("sort") or selectors.DEFAULT_SORT,
    )
    page = Paginator(ideas, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "codesign/idea_list.html",
        {"filters": filters, "page_obj": page, "query": query.urlencode()},
    )


@require_GET
def idea_detail(request, pk: int):
    return _render_detail(request, _visible_idea(request, pk))


def _render_detail(request, idea: Idea, *, comment_form=None, status=200):
    user = request.user
    is_team = user.is_authenticated and selectors.can_moderate(user, idea.centre)
    support = selectors.support_of(idea=idea, user=user)
    is_proposer = user.is_authenticated and idea.proposer_id == user.pk
    moves = selectors.moves_allowed(user, idea)
    context = {
        "idea": idea,
        "comments": selectors.comments_for(idea=idea, include_hidden=is_team),
        "comment_form": comment_form or CommentForm(),
        "support": support,
        "is_proposer": is_proposer,
        "is_team": is_team,
        "can_withdraw": IdeaStatus.WITHDRAWN in moves,
        "can_check": bool({IdeaStatus.PUBLISHED, IdeaStatus.REJECTED} & moves),
        "can_review": IdeaStatus.UNDER_REVIEW in moves,
        "can_decide_now": bool(set(_DECISION_STATUS.values()) & moves),
        "notify": (idea.notify_proposer if is_proposer else support.notify if support else None),
        "decisions": idea.decisions.select_related("decided_by") if is_team else [],
        "threshold": selectors.support_threshold(idea.centre),
        "activity": idea.activity if idea.status == IdeaStatus.SCHEDULED else None,
        "sessions": selectors.upcoming_sessions_of(idea).select_related("venue")[:5],
    }
    return render(request, "codesign/idea_detail.html", context, status=status)


@require_GET
def you_said_we_did(request):
    return render(
        request, "codesign/you_said_we_did.html", {"outcomes": list(selectors.outcomes())}
    )


# --- Parents ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request):
    form = IdeaForm(request.POST or None, initial={"centre": request.GET.get("centre")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.propose_idea(
                parent=request.user,
                centre_id=data["centre"].pk,
                title=data["title"],
                description=data["description"],
                audience=data["audience"],
                suggested_times=data["suggested_times"],
                can_help=data["can_help"],
                help_offer=data["help_offer"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you! The centre's team will check your idea; then other parents can "
                    "support it. We will e-mail you when it is published."
                ),
            )
            return redirect("codesign:detail", pk=idea.pk)
    return render(request, "codesign/idea_form.html", {"form": form})


@login_required
@require_POST
def idea_support(request, pk: int):
    idea = _visible_idea(request, pk)
    try:
        services.support_idea(idea=idea, parent=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("Thank you for your support."))
    return redirect("codesign:detail", pk=idea.pk)


@login_required
@require_POST
def idea_unsupport(request, pk: int):
    idea = _visible_idea(request, pk)
    try:
        services.withdraw_support(idea=idea, parent=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("You no longer support this idea."))
    return redirect("codesign:detail", pk=idea.pk)


@login_required
@require_POST
def idea_comment(request, pk: int):
    idea = _visible_idea(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(idea=idea, author=request.user, body=form.cleaned_data["body"])
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect("codesign:detail", pk=idea.pk)
    return _render_detail(request, idea, comment_form=form, status=400)


@login_required
@require_POST
def comment_report(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("idea__centre"), pk=pk)
    if comment.hidden or not selectors.can_view_idea(request.user, comment.idea):
        raise Http404
    try:
        services.report_comment(comment=comment, reporter=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("Thank you. The centre's team will look at this comment."))
    return redirect("codesign:detail", pk=comment.idea_id)


@login_required
@require_POST
def idea_withdraw(request, pk: int):
    idea = _visible_idea(request, pk)
    if idea.proposer_id != request.user.pk:
        raise PermissionDenied
    try:
        services.withdraw_idea(idea=idea, by=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("Your idea is withdrawn."))
    return redirect("codesign:detail", pk=idea.pk)


@login_required
@require_POST
def idea_notifications(request, pk: int):
    idea = _visible_idea(request, pk)
    notify = request.POST.get("notify") == "on"
    try:
        services.set_idea_notifications(idea=idea, person=request.user, notify=notify)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request,
            _("We will e-mail you about this idea.")
            if notify
            else _("We will not e-mail you about this idea any more."),
        )
    return redirect("codesign:detail", pk=idea.pk)


# --- The centre's team --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def idea_moderate(request, pk: int):
    idea = _idea_for_team(request, pk, check=selectors.can_moderate)
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                services.publish_idea(idea=idea, by=request.user)
                messages.success(request, _("The idea is published."))
            else:
                services.reject_idea(idea=idea, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The idea is turned down; the parent will be told."))
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect("codesign:manage")
    return render(request, "codesign/idea_moderate.html", {"idea": idea, "form": form})


@login_required
@require_POST
def idea_review(request, pk: int):
    idea = _idea_for_team(request, pk, check=selectors.can_decide)
    try:
        services.start_review(idea=idea, by=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("The idea is under review."))
    return redirect("codesign:detail", pk=idea.pk)


DECISIONS = {
    "accept": "Accept it: say what will happen",
    "decline": "Decline it: give a reason",
    "schedule": "Schedule it: link the activity that came from it",
}


@login_required
@require_http_methods(["GET", "POST"])
def idea_decide(request, pk: int):
    idea = _idea_for_team(request, pk, check=selectors.can_decide)
    moves = selectors.moves_allowed(request.user, idea)
    allowed = [key for key in DECISIONS if _DECISION_STATUS[key] in moves]
    form = DecideForm(
        request.POST or None,
        choices=[(key, DECISIONS[key]) for key in allowed or DECISIONS],
        centre=idea.centre,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                services.accept_idea(idea=idea, by=request.user, response=data["response"])
            elif data["decision"] == "decline":
                services.decline_idea(idea=idea, by=request.user, reason=data["response"])
            else:
                services.schedule_idea(
                    idea=idea, by=request.user, activity=data["activity"], response=data["response"]
                )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Your decision is saved and people are being told."))
            return redirect("codesign:detail", pk=idea.pk)
    return render(request, "codesign/idea_decide.html", {"idea": idea, "form": form})


_DECISION_STATUS = {
    "accept": IdeaStatus.ACCEPTED,
    "decline": IdeaStatus.DECLINED,
    "schedule": IdeaStatus.SCHEDULED,
}


@login_required
@require_POST
def comment_hide(request, pk: int):
    return _moderate_comment(request, pk, services.hide_comment, "The comment is hidden.")


@login_required
@require_POST
def comment_restore(request, pk: int):
    return _moderate_comment(request, pk, services.restore_comment, "The comment is shown.")


def _moderate_comment(request, pk: int, service, done: str):
    comment = get_object_or_404(Comment.objects.select_related("idea__centre"), pk=pk)
    if not selectors.can_moderate(request.user, comment.idea.centre):
        raise PermissionDenied
    try:
        service(comment=comment, by=request.user)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, done)
    if request.POST.get("next") == "detail":
        return redirect("codesign:detail", pk=comment.idea_id)
    return redirect("codesign:manage")


@login_required
@require_GET
def manage(request):
    moderated = selectors.centres_moderated_by(request.user)
    decided = selectors.centres_decided_by(request.user)
    centres = list(moderated.order_by("title"))
    if not centres:
        raise PermissionDenied
    return render(
        request,
        "codesign/manage.html",
        {
            "centres": centres,
            "decided_ids": set(decided.values_list("pk", flat=True)),
            "to_moderate": selectors.ideas_to_moderate(moderated),
            "to_decide": selectors.ideas_to_decide(decided),
            "open_ideas": selectors.open_ideas(decided),
            "comments": selectors.reported_comments(moderated),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def centre_settings(request, centre_id: int):
    centre = get_object_or_404(CentrePage, pk=centre_id)
    if not selectors.can_decide(request.user, centre):
        raise PermissionDenied
    form = IdeaSettingsForm(
        request.POST or None,
        initial={"support_threshold": selectors.support_threshold(centre)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_idea_settings(
                centre=centre,
                by=request.user,
                support_threshold=form.cleaned_data["support_threshold"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("Co-design settings saved for {centre}.").format(centre=centre.title)
            )
            return redirect("codesign:manage")
    return render(request, "codesign/centre_settings.html", {"centre": centre, "form": form})
