"""Enqueues periodic tasks when they are due; run one beside the task worker (several are safe)."""

import time

from django.core.management.base import BaseCommand

from startwell import periodic


class Command(BaseCommand):
    help = "Enqueue registered periodic tasks (such as reminders) on their intervals."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=30, help="Seconds between checks (default 30)"
        )
        parser.add_argument("--once", action="store_true", help="Check once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        periodic.discover()
        names = ", ".join(p.name for p in periodic.registered()) or "none"
        self.stdout.write(f"Scheduler started; periodic tasks: {names}")
        try:
            while True:
                for name in periodic.enqueue_due():
                    self.stdout.write(f"Enqueued {name}")
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")
