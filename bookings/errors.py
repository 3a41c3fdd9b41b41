"""The bookings app's refusal, and the wording its messages share. Every bookings module raises
`BookingError`, so views catch one type (`startwell.errors.ApplicationError`) whatever refused."""

from startwell.errors import ApplicationError


class BookingError(ApplicationError):
    """A booking rule refused the request; `message` is written for the family (or the person
    running the register), `field` names the form field it belongs to."""


def plural(n: int) -> str:
    return "" if n == 1 else "s"
