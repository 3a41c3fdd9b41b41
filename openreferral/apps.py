from django.apps import AppConfig


class OpenReferralConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "openreferral"
    verbose_name = "Open Referral UK directory API"
