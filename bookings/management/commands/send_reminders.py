"""Sends tomorrow's session reminders now; the scheduler also runs this every hour."""

from django.core.management.base import BaseCommand

from bookings.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind households booked on tomorrow's sessions (each booking is reminded once)."

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"Queued {sent} reminder{'' if sent == 1 else 's'}.")
