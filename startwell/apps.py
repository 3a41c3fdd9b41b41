from django.apps import AppConfig


class StartWellConfig(AppConfig):
    name = "startwell"
    verbose_name = "Start Well"

    def ready(self):
        # Listens to allauth's signals to note a second factor completed in this sign-in.
        from . import second_factor  # noqa: F401
