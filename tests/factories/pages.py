import factory
import wagtail_factories

from cms.models import (
    CentreIndexPage,
    CentrePage,
    CentrePartner,
    Footprint,
    HomePage,
    PartnerOrganisation,
    StandardPage,
    Venue,
)


class FootprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Footprint
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Footprint {n}")


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Start Well family centres"
    slug = "start-well"
    intro = "Family centres for everyone."


class CentreIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CentreIndexPage

    title = "Our centres"
    slug = "centres"


class CentrePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CentrePage

    title = factory.Sequence(lambda n: f"Centre {n}")
    slug = factory.Sequence(lambda n: f"centre-{n}")
    school = factory.Sequence(lambda n: f"School {n} Primary")
    footprint = factory.SubFactory(FootprintFactory)
    address = "1 Test Street\nTesttown"
    postcode = "TT1 1TT"
    opening_times = "Monday: 9:00 to 16:00"
    accessibility = "Step-free entrance."
    # New centres ask their champions for a second factor; the champions' tests work with centres
    # that do not, and tests/parent_champions/test_second_factor.py turns it on.
    champions_need_second_factor = False


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    centre = factory.SubFactory(CentrePageFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    kind = "school"
    address = "1 Test Street"
    postcode = "TT1 1TT"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Page {n}")


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "health_visiting"
    description = "Baby weighing and development reviews."


class CentrePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentrePartner

    centre = factory.SubFactory(CentrePageFactory)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    when = ""
