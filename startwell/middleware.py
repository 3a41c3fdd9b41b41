"""Who may open the Wagtail admin: staff only, and only with a second factor. Anyone who can
reach the admin is sent to set up an authenticator app before it opens; a signed-in person who
cannot reach it is refused plainly (rather than sent round the sign-in page again)."""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


def can_reach_admin(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin")
    )


def needs_second_factor(user) -> bool:
    if not user.is_authenticated or not can_reach_admin(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def staff_second_factor(view):
    """For pages staff use outside the admin (deciding on ideas, say): staff who have not set
    up their authenticator app yet are sent to do so first, as the admin does. Others pass."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if needs_second_factor(request.user):
            messages.info(request, "Staff need a second factor: set up an authenticator app first.")
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


class StaffSecondFactorMiddleware:
    protected_prefix = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.protected_prefix) and request.user.is_authenticated:
            if not can_reach_admin(request.user):
                raise PermissionDenied("Only centre staff can open the admin.")
            if needs_second_factor(request.user):
                messages.info(
                    request,
                    "Staff need a second factor: set up an authenticator app to open the admin.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
