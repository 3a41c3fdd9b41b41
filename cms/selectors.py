"""Reads for the page tree."""

from django.db.models import QuerySet

from .models import CentrePage


def centres_managed_by(user) -> QuerySet[CentrePage]:
    """The centres whose pages this person manages (every centre for a superuser)."""
    if not user.is_authenticated:
        return CentrePage.objects.none()
    if user.is_superuser:
        return CentrePage.objects.all()
    return CentrePage.objects.filter(manager_group__user=user)
