from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        from startwell import pagecache
        from startwell.models import Child

        from . import selectors
        from .models import Booking, Course, CourseBooking, Payment, Session, WalkIn

        # Places left, the timetable, calendar feeds and "You said, we did" show these.
        pagecache.invalidate_on_change(Session, Booking, WalkIn)
        # A family's own bookings list (kept for them alone, `pagecache.personal_fragment`) also
        # shows their courses, payments and children's names.
        pagecache.invalidate_on_change(Course, CourseBooking, Payment, Child)
        for booked in (Booking, CourseBooking):
            m2m_changed.connect(
                _children_changed,
                sender=booked.children.through,
                weak=False,
                dispatch_uid=f"pagecache:{booked._meta.label}.children",
            )
        pagecache.changes_by_itself_at(selectors.next_change_by_itself)


def _children_changed(sender, action, using=None, **kwargs):
    from startwell import pagecache

    if action in ("post_add", "post_remove", "post_clear"):
        pagecache.invalidate(using)
