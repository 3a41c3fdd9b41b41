"""Releases bookings whose time to pay has run out, even if Stripe never said so; run it every
few minutes (cron or the periodic task) where online payment is on."""

from django.core.management.base import BaseCommand

from bookings import checkout


class Command(BaseCommand):
    help = "Release places held for payments that were never made, and move the waiting lists."

    def handle(self, *args, **options):
        released = checkout.release_expired_holds()
        self.stdout.write(f"Released {released} booking{'' if released == 1 else 's'}.")
