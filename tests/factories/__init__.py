"""Factories for the portal's models: people, pages and (in their apps' modules) the rest."""

from .accounts import UserFactory
from .bookings import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    HolidayPeriodFactory,
    SessionFactory,
)
from .pages import (
    CentreIndexPageFactory,
    CentrePageFactory,
    FootprintFactory,
    HomePageFactory,
    StandardPageFactory,
    VenueFactory,
)

__all__ = [
    "ActivityPageFactory",
    "BookingFactory",
    "ChildFactory",
    "HolidayPeriodFactory",
    "SessionFactory",
    "CentreIndexPageFactory",
    "CentrePageFactory",
    "FootprintFactory",
    "HomePageFactory",
    "StandardPageFactory",
    "UserFactory",
    "VenueFactory",
]
