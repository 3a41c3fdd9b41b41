from django.apps import AppConfig


class CodesignConfig(AppConfig):
    name = "codesign"
    verbose_name = "Co-design"
