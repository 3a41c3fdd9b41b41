"""Factories for the portal's models: people, pages and (in their apps' modules) the rest."""

from .accounts import UserFactory
from .bookings import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    FamilyContactFactory,
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
    "FamilyContactFactory",
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
