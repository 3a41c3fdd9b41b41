"""Reads for the page tree."""

from django.db.models import Q, QuerySet

from .models import ActivityPage, CentrePage, Venue


def centres_managed_by(user) -> QuerySet[CentrePage]:
    """The centres whose pages this person manages (every centre for a superuser)."""
    if not user.is_authenticated:
        return CentrePage.objects.none()
    # A centre's translations share its managers' group; the centre is the English page.
    if user.is_superuser:
        return CentrePage.objects.originals()
    return centres_whose_managers_include(user)


def centres_whose_managers_include(person) -> QuerySet[CentrePage]:
    """The centres whose managers' group holds this person (a user, or `OuterRef` to one in a
    query about people)."""
    return CentrePage.objects.originals().filter(manager_group__user=person)


def activities_managed_by(user) -> QuerySet[ActivityPage]:
    """Activities under the centres this person manages, by centre then title."""
    if user.is_authenticated and user.is_superuser:
        activities = ActivityPage.objects.originals()
    else:
        paths = list(centres_managed_by(user).values_list("path", flat=True))
        if not paths:
            return ActivityPage.objects.none()
        under_any = Q()
        for path in paths:
            under_any |= Q(path__startswith=path)
        activities = ActivityPage.objects.originals().filter(under_any)
    return activities.order_by("path")


def venues_managed_by(user) -> QuerySet[Venue]:
    """Venues of the centres this person manages."""
    return (
        Venue.objects.filter(centre__in=centres_managed_by(user))
        .select_related("centre")
        .order_by("centre__title", "sort_order", "name")
    )
