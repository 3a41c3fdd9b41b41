"""Background tasks for feedback, run by the task worker."""

import datetime

from django_tasks import task

from startwell import periodic

from . import services


@periodic.every(datetime.timedelta(hours=1))
@task()
def ask_for_feedback() -> int:
    """Asks families who came to a session yesterday what they thought (each once)."""
    return services.ask_for_feedback()
