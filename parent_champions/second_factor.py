"""A centre may require a second factor of its parent champions (CentrePage's
`champions_need_second_factor`). An active champion of such a centre who has not completed one in
this sign-in is sent to set one up, or to prove it, before that centre's register pages: the
register, bookings on it, walk-ins, messages, and the session forms.

Staff are already held to the same standard on every page by startwell.middleware; this adds
champions, for the pages that show families' details, at the centres that ask for it. Which
centre a page belongs to comes from the session or activity in its address."""

from django.utils.translation import gettext_lazy as _

from bookings.models import Session
from cms.models import ActivityPage, CentrePage
from startwell.second_factor import (
    completed_second_factor,
    is_staff_member,
    second_factor_redirect,
)

from .models import Champion

NAMESPACE = "parent_champions"


def register_centre_id(view_kwargs: dict) -> int | None:
    """The centre of a register page (by its session or activity), or None for other pages."""
    if "session_id" in view_kwargs:
        return (
            Session.objects.filter(pk=view_kwargs["session_id"])
            .values_list("centre_id", flat=True)
            .first()
        )
    if "activity_id" in view_kwargs:
        activity = ActivityPage.objects.filter(pk=view_kwargs["activity_id"]).first()
        if activity is None:
            return None
        centre = CentrePage.objects.ancestor_of(activity).only("pk").first()
        return centre.pk if centre else None
    return None


def centre_requires_it_of(user, centre_id: int) -> bool:
    return Champion.objects.filter(
        user=user,
        centre_id=centre_id,
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
        centre_id = register_centre_id(view_kwargs)
        if centre_id is None or not centre_requires_it_of(user, centre_id):
            return None
        if completed_second_factor(request):
            return None
        return second_factor_redirect(
            request, _("This centre asks its champions for a second factor before its registers.")
        )
