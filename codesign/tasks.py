"""Background tasks for co-design, run by the task worker."""

import datetime

from django_tasks import task

from startwell import periodic

from .services import announce_open_bookings


@periodic.every(datetime.timedelta(minutes=10))
@task()
def announce_open_idea_bookings() -> int:
    """Tells the people behind scheduled ideas when booking opens for their sessions."""
    return announce_open_bookings()
