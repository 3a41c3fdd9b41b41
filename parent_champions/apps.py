from django.apps import AppConfig


class ParentChampionsConfig(AppConfig):
    name = "parent_champions"
    verbose_name = "Parent champions"
