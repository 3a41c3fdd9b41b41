from django.apps import AppConfig
from django.db.models.signals import post_delete


def _forget_person(sender, instance, using=None, **kwargs):
    from . import pagecache

    person_id = instance.pk
    pagecache.once_committed(lambda: pagecache.forget_person(person_id), using=using)


class StartWellConfig(AppConfig):
    name = "startwell"
    verbose_name = "Start Well"

    def ready(self):
        # Connects the receivers that clear a delivered e-mail or text from the task queue's table,
        # and those that note a second factor completed in this sign-in (allauth's signals).
        from . import mail, pagecache, person_facts, second_factor, selectors, sms  # noqa: F401
        from .models import User

        # Comments show their author's first name; signing in (the last sign-in time) and the
        # language chosen (pages of signed-in people are never cached) change no public page.
        pagecache.invalidate_on_change(User, ignore_fields=frozenset({"last_login", "language"}))
        # What is kept of a person's own pages goes with their account.
        post_delete.connect(
            _forget_person, sender=User, weak=False, dispatch_uid="pagecache:forget-person"
        )
        # A person's staff flags, groups and permissions decide what every page's header shows.
        person_facts.connect_signals()
        # Whether the person has confirmed an address is kept with those facts.
        selectors.connect_signals()
