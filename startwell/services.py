"""Writes for people: the children a parent keeps on their account, and their language."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError
from .models import Child, User
from .selectors import has_upcoming_bookings


class ChildError(ApplicationError):
    """A rule refused the change; `message` is written for the parent."""


IN_THE_FUTURE = _("The month of birth cannot be in the future.")
TOO_OLD = _("Children's profiles are for children under 19.")
STILL_BOOKED = _(
    "{name} is booked on a session that has not happened yet. "
    "Cancel that booking first, then remove {name}."
)
OLDEST_YEARS = 19


def _check_birth(*, birth_month: int, birth_year: int) -> None:
    today = timezone.localdate()
    if (birth_year, birth_month) > (today.year, today.month):
        raise ChildError(IN_THE_FUTURE, field="birth_year")
    if birth_year < today.year - OLDEST_YEARS:
        raise ChildError(TOO_OLD, field="birth_year")


def add_child(*, parent: User, first_name: str, birth_month: int, birth_year: int) -> Child:
    _check_birth(birth_month=birth_month, birth_year=birth_year)
    child = Child(
        parent=parent,
        first_name=first_name.strip(),
        birth_month=birth_month,
        birth_year=birth_year,
    )
    child.full_clean()
    child.save()
    return child


def update_child(*, child: Child, first_name: str, birth_month: int, birth_year: int) -> Child:
    _check_birth(birth_month=birth_month, birth_year=birth_year)
    child.first_name = first_name.strip()
    child.birth_month = birth_month
    child.birth_year = birth_year
    child.full_clean()
    child.save(update_fields=["first_name", "birth_month", "birth_year"])
    return child


def remove_child(*, child: Child) -> None:
    """Removes the child's profile. Refused while the child holds a place (or a waiting-list
    place) on a session still to come, so that the centre's list stays right."""
    if has_upcoming_bookings(child):
        raise ChildError(STILL_BOOKED.format(name=child.first_name))
    child.delete()


def save_language(*, user: User, language: str) -> None:
    """Keeps the language a person chose on their account (pages while signed in, messages)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not one of the portal's languages: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def remember_language(*, user: User, language: str) -> None:
    """At sign-in, the language the person was browsing in becomes their account's, unless
    they have chosen one already."""
    if not user.language and language in dict(settings.LANGUAGES):
        save_language(user=user, language=language)
