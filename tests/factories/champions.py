import datetime

import factory
from django.utils import timezone

from parent_champions.models import Champion, ChampionApplication, Hosting

from .accounts import UserFactory
from .pages import CentrePageFactory


class ChampionApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChampionApplication

    parent = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentrePageFactory)
    why = "I want to help other families feel welcome."
    strengths = "Singing and setting up the room."
    availability = "Tuesday mornings."


class ChampionFactory(factory.django.DjangoModelFactory):
    """An active champion whose DBS check and training are current (taken a year ago)."""

    class Meta:
        model = Champion

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentrePageFactory)
    dbs_checked_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=365)
    )
    training_completed_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=365)
    )


class HostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hosting

    champion = factory.SubFactory(ChampionFactory)
