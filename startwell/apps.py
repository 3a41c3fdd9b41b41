from django.apps import AppConfig


class StartWellConfig(AppConfig):
    name = "startwell"
    verbose_name = "Start Well"
