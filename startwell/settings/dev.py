"""Local development: debug on, e-mails printed to the console by the task worker."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")  # noqa: F405  S105
EMAIL_DELIVERY_BACKEND = os.environ.get(  # noqa: F405
    "EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# The second factor is required of staff everywhere; in development codes come from any
# authenticator app given the secret the set-up page shows, and passkeys work on
# http://localhost: browsers treat it as a secure origin, and this lets allauth do the same.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
