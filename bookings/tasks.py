"""Background work for bookings, run by the task worker."""

from django_tasks import task


@task()
def release_expired_holds() -> int:
    """Releases bookings whose time to pay has run out; scheduled every few minutes."""
    from . import payments

    return payments.release_expired_holds()
