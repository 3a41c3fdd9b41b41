"""A centre may require a second factor of its parent champions (CentrePage's
`champions_need_second_factor`). An active champion of such a centre who has not completed one in
this sign-in is sent to set one up, or to prove it, before that centre's register pages: the
register, bookings on it, walk-ins, messages, and the session forms.

Staff are already held to the same standard on every page by startwell.middleware; this adds
champions, for the pages that show families' details, at the centres that ask for it. Which
centre a page belongs to comes from the session or activity in its address."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cms.models import ActivityPage, CentrePage
from startwell import person_facts
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


def _champions_asked_for_it() -> QuerySet[Champion]:
    return Champion.objects.filter(
        status=Champion.Status.ACTIVE, centre__champions_need_second_factor=True
    )


def centre_requires_it_of(user, centre: Q) -> bool:
    return _champions_asked_for_it().filter(centre, user=user).exists()


def asked_of_them_anywhere(user) -> bool:
    """Whether any centre asks this person, as its active champion, for a second factor. Asked
    on every request to a register page, and false for most champions, so it is kept with the
    person's other header facts (`person_facts`: worked out again after any change to a
    champion or a centre page)."""
    return person_facts.facts_for(user)["champions_second_factor"]


@person_facts.fact("champions_second_factor")
def _champion_where_it_is_asked(person: OuterRef) -> Exists:
    return Exists(_champions_asked_for_it().filter(user=person))


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
        if not asked_of_them_anywhere(user):
            return None
        centre = register_centre(view_kwargs)
        if centre is None or not centre_requires_it_of(user, centre):
            return None
        if completed_second_factor(request):
            return None
        return second_factor_redirect(
            request, _("This centre asks its champions for a second factor before its registers.")
        )
