"""Who must complete a second factor, and whether they have in this sign-in.

A second factor counts once it is *completed*: the person has an authenticator app or a passkey
AND has used it since they signed in (at the sign-in step, to re-authenticate, or by setting it
up just now, which proves they hold it). Having set one up in the past is not enough: a session
opened by a password alone, a sign-in link or an old browser tab must still prove it.

allauth tells us through its signals when an authenticator is used or added; we keep a mark in
the session naming the person. Signing out flushes the session and with it the mark.
"""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_used
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import person_facts

SESSION_KEY = "startwell_second_factor_user"

# Recovery codes only stand in for a lost authenticator: on their own they are not a factor,
# and allauth removes them when the last app or passkey goes.
SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


# Practitioners (partner organisations' staff running their sessions at a centre) hold this
# permission through their group; named by app label so this app imports none above it.
PRACTITIONER_PERMISSION = "parent_champions.run_partner_sessions"


STAFF_PERMISSIONS = [("wagtailadmin", "access_admin"), tuple(PRACTITIONER_PERMISSION.split("."))]


def is_staff_member(user) -> bool:
    """Superusers, Django staff, anyone whose groups let them into the Wagtail admin (every
    centre's managers' group does) and practitioners: the people who see other families' data.

    Asked by middleware on every signed-in request, so the answer is kept with the person's
    other header facts (`person_facts`: worked out again after any change to users, groups or
    permissions)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return person_facts.facts_for(user)["staff_permission"]


@person_facts.fact("staff_permission")
def _holds_a_staff_permission(person: OuterRef) -> Q:
    """Whether the person holds one of the staff permissions, directly or through a group (as
    Django's ModelBackend grants them), asked with EXISTS rather than by loading every
    permission the person has."""
    wanted = Q()
    for app_label, codename in STAFF_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = Permission.objects.filter(wanted)
    return Exists(permissions.filter(user=person)) | Exists(permissions.filter(group__user=person))


def has_second_factor(user) -> bool:
    return is_mfa_enabled(user, types=SECOND_FACTOR_TYPES)


def mark_completed(session, user) -> None:
    session[SESSION_KEY] = str(user.pk)


def completed_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated or request.session.get(SESSION_KEY) != str(user.pk):
        return False
    # The authenticator may have been removed since (here or from another browser).
    return has_second_factor(user)


def second_factor_redirect(request, reason: str):
    """Where someone who has not completed their second factor goes: to choose one (app or
    passkey) when they have none, else to prove they hold it and come straight back."""
    if not has_second_factor(request.user):
        messages.info(
            request,
            _("{reason} First set up an authenticator app or a passkey.").format(reason=reason),
        )
        return redirect("mfa_index")
    messages.info(
        request,
        _("{reason} Confirm it is you with your authenticator app or passkey.").format(
            reason=reason
        ),
    )
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


@receiver(authenticator_used, dispatch_uid="startwell_second_factor_used")
def _used(sender, request, user, **kwargs):
    if request is not None:
        mark_completed(request.session, user)


@receiver(authenticator_added, dispatch_uid="startwell_second_factor_added")
def _added(sender, request, user, authenticator, **kwargs):
    # Adding an app needs a code from it, adding a passkey needs the key itself: both prove
    # the person holds the factor now. Recovery codes prove nothing.
    if request is not None and authenticator.type in SECOND_FACTOR_TYPES:
        mark_completed(request.session, user)
