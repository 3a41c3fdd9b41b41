"""Factories for the portal's models: people, pages and (in their apps' modules) the rest."""

from .accounts import UserFactory
from .pages import (
    CentreIndexPageFactory,
    CentrePageFactory,
    FootprintFactory,
    HomePageFactory,
    StandardPageFactory,
    VenueFactory,
)

__all__ = [
    "CentreIndexPageFactory",
    "CentrePageFactory",
    "FootprintFactory",
    "HomePageFactory",
    "StandardPageFactory",
    "UserFactory",
    "VenueFactory",
]
