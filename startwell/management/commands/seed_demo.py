"""Loads the demo centres and accounts; running it again changes nothing."""

from django.core.management.base import BaseCommand

from startwell.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load demo centres, venues, services and one account per role (idempotent)."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for role, email in logins:
            self.stdout.write(f"  {role:<50} {email}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write("  Staff set up an authenticator app on their first visit to /admin/.")
