"""Reads about people: a parent's children, and what an account has confirmed."""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import person_facts
from .models import Child, User

# Booking statuses that hold (or wait for) a place; named here because `startwell` sits below the
# bookings app and only reaches bookings through the reverse relation `child.bookings`.
HOLDING_STATUSES = ["confirmed", "waiting"]


def has_verified_email(user: User) -> bool:
    """Whether the person has confirmed an e-mail address. The booking form asks it on every
    look and every attempt, so it is kept with the person's header facts (`person_facts`)."""
    if not user.is_authenticated:
        return False
    return person_facts.facts_for(user)["verified_email"]


@person_facts.fact("verified_email")
def _has_a_confirmed_address(person: OuterRef) -> Exists:
    return Exists(EmailAddress.objects.filter(user=person, verified=True))


def _address_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    # Every sign-up adds an address not confirmed yet: that confirms nothing for anybody.
    update_fields = kwargs.get("update_fields")
    if raw or (created and not instance.verified):
        return
    if update_fields and set(update_fields) <= {"primary"}:
        return
    person_facts.invalidate(using)


def _address_deleted(sender, instance, using=None, **kwargs):
    if instance.verified:
        person_facts.invalidate(using)


def connect_signals() -> None:
    """An address confirmed, added confirmed, changed or removed confirmed ends the person
    facts' version (`person_facts`), so the next request asks again."""
    uid = "person-facts:account.EmailAddress"
    post_save.connect(_address_saved, sender=EmailAddress, weak=False, dispatch_uid=uid)
    post_delete.connect(_address_deleted, sender=EmailAddress, weak=False, dispatch_uid=uid)


def children_of(parent: User) -> QuerySet[Child]:
    return Child.objects.filter(parent=parent).order_by("first_name")


def has_upcoming_bookings(child: Child) -> bool:
    """True while the child holds a place, or waits for one, on a session still to come."""
    return child.bookings.filter(
        status__in=HOLDING_STATUSES, session__start__gt=timezone.now()
    ).exists()
