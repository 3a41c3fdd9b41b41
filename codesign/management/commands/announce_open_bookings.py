"""Tells parents when booking opens for sessions that came from ideas they proposed or support.
`run_scheduler` does this every ten minutes (codesign/tasks.py); this command runs it now.
Each session is announced once."""

from django.core.management.base import BaseCommand

from codesign.services import announce_open_bookings


class Command(BaseCommand):
    help = "E-mail the people behind scheduled ideas when booking opens for their sessions."

    def handle(self, *args, **options):
        announced = announce_open_bookings()
        self.stdout.write(f"Announced open booking for {announced} idea(s).")
