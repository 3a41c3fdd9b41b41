"""Loads the demo centres and accounts; running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from startwell.demo import DEMO_PASSWORD, seed_demo

PRODUCTION_REFUSAL = (
    "These are production settings: the demo would add accounts whose password is published. "
    "Run with --i-know-this-is-production only if you really mean it."
)


class Command(BaseCommand):
    help = "Load demo centres, venues, services and one account per role (idempotent)."
    # It runs after `migrate`, which has just run the system checks on the same code: a quarter
    # of a second saved on every fresh demo (`make run`, the benchmark, the demo tests).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-production",
            action="store_true",
            dest="production_confirmed",
            help="Load the demo even under production settings (demo accounts share a known "
            "password).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["production_confirmed"]:
            # The demo creates a superuser and staff with a published password: on a live site
            # that is an open door, so it takes an explicit flag.
            raise CommandError(PRODUCTION_REFUSAL)
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for role, email in logins:
            self.stdout.write(f"  {role:<50} {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write("  Staff set up an authenticator app on their first visit to /admin/.")
