"""Factories for the portal's models: people, pages and (in their apps' modules) the rest."""

from .accounts import UserFactory
from .bookings import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    HolidayPeriodFactory,
    SessionFactory,
)
from .champions import ChampionApplicationFactory, ChampionFactory, HostingFactory
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
    "ChampionApplicationFactory",
    "ChampionFactory",
    "ChildFactory",
    "HostingFactory",
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
