from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Pages"

    def ready(self):
        from . import signals  # noqa: F401

        signals.connect_page_cache()
        signals.connect_person_facts()
