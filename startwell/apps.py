from django.apps import AppConfig


class StartWellConfig(AppConfig):
    name = "startwell"
    verbose_name = "Start Well"

    def ready(self):
        # Connects the receiver that clears a delivered e-mail from the task queue's table.
        from . import mail  # noqa: F401
