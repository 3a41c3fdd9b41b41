"""Factories for the portal's models: people, pages and (in their apps' modules) the rest."""

from .accounts import UserFactory
from .bookings import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    HolidayPeriodFactory,
    SessionFactory,
)
from .champions import (
    ChampionApplicationFactory,
    ChampionFactory,
    HostingFactory,
    PractitionerFactory,
)
from .pages import (
    CentreIndexPageFactory,
    CentrePageFactory,
    CentrePartnerFactory,
    FootprintFactory,
    HomePageFactory,
    PartnerOrganisationFactory,
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
    "PractitionerFactory",
    "HolidayPeriodFactory",
    "SessionFactory",
    "CentreIndexPageFactory",
    "CentrePageFactory",
    "CentrePartnerFactory",
    "PartnerOrganisationFactory",
    "FootprintFactory",
    "HomePageFactory",
    "StandardPageFactory",
    "UserFactory",
    "VenueFactory",
]
