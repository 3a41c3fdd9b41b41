from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        from startwell import pagecache

        from . import selectors
        from .models import Booking, Session, WalkIn

        # Places left, the timetable, calendar feeds and "You said, we did" show these.
        pagecache.invalidate_on_change(Session, Booking, WalkIn)
        pagecache.changes_by_itself_at(selectors.next_change_by_itself)
