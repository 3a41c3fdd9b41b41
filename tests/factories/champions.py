import datetime

import factory
from django.utils import timezone

from parent_champions.models import Champion, ChampionApplication, Hosting, Practitioner

from .accounts import UserFactory
from .pages import CentrePageFactory, PartnerOrganisationFactory


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


class PractitionerFactory(factory.django.DjangoModelFactory):
    """A partner's member of staff with the practitioners' group (as an invitation leaves them)."""

    class Meta:
        model = Practitioner

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    centre = factory.SubFactory(CentrePageFactory)

    @factory.post_generation
    def in_group(self, create, extracted, **kwargs):
        if create:
            from parent_champions.services.practitioners import practitioners_group

            self.user.groups.add(practitioners_group())
