"""Staff must use a second factor: anyone who can reach the Wagtail admin is sent to set up an
authenticator app before the admin opens."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect


def needs_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    is_staff = user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin")
    if not is_staff:
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffSecondFactorMiddleware:
    protected_prefix = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.protected_prefix) and needs_second_factor(request.user):
            messages.info(
                request,
                "Staff need a second factor: set up an authenticator app to open the admin.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
