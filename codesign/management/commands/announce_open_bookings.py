"""Tells parents when booking opens for sessions that came from ideas they proposed or support.
Run it every few minutes (cron or a scheduler); each session is announced once."""

from django.core.management.base import BaseCommand

from codesign.services import announce_open_bookings


class Command(BaseCommand):
    help = "E-mail the people behind scheduled ideas when booking opens for their sessions."

    def handle(self, *args, **options):
        announced = announce_open_bookings()
        self.stdout.write(f"Announced open booking for {announced} idea(s).")
