from django.apps import AppConfig


class ParentChampionsConfig(AppConfig):
    name = "parent_champions"
    verbose_name = "Parent champions"

    def ready(self):
        from startwell import person_facts

        from . import selectors  # noqa: F401  (registers the "champions_link" fact)
        from .models import Champion, Practitioner

        # Champions and practitioners see the header's "Champions" link.
        person_facts.invalidate_on_change(Champion, Practitioner)
