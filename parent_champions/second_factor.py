"""A centre may require a second factor of its parent champions (CentrePage's
`champions_need_second_factor`). An active champion of such a centre who has not completed one in
this sign-in is sent to set one up, or to prove it, before that centre's register pages: the
register, bookings on it, walk-ins, messages, and the session forms.

Staff are already held to the same standard on every page by startwell.middleware; this adds
champions, for the pages that show families' details, at the centres that ask for it. Which
centre a page belongs to comes from the session or activity in its address."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage, CentrePage
from startwell.second_factor import (
    completed_second_factor,
    is_staff_member,
    second_factor_redirect,
)

from .models import Champion

NAMESPACE = "parent_champions"


def register_centre(view_kwargs: dict) -> Q | None:
    """The centre of a register page (by its session or activity), as a condition on its
    champions, or None for other pages."""
    if "session_id" in view_kwargs:
        # Asked with the champion's row, in one query.
        return Q(centre__sessions=view_kwargs["session_id"])
    if "activity_id" in view_kwargs:
        activity = ActivityPage.objects.filter(pk=view_kwargs["activity_id"]).first()
        if activity is None:
            return None
        centre = CentrePage.objects.ancestor_of(activity).only("pk").first()
        return Q(centre_id=centre.pk) if centre else None
    return None


def centre_requires_it_of(user, centre: Q) -> bool:
    return Champion.objects.filter(
        centre,
        user=user,
        status=Champion.Status.ACTIVE,
        centre__champions_need_second_factor=True,
    ).exists()


class ChampionSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if request.resolver_match.namespace != NAMESPACE or not user.is_authenticated:
            return None
        if is_staff_member(user):
            return None  # held to the staff rule already
        centre = register_centre(view_kwargs)
        if centre is None or not centre_requires_it_of(user, centre):
            return None
        if completed_second_factor(request):
            return None
        return second_factor_redirect(
            request, _("This centre asks its champions for a second factor before its registers.")
        )
