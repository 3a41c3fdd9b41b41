import datetime

import factory
import wagtail_factories
from django.utils import timezone

from bookings.models import Booking, FamilyContact, HolidayPeriod, Session
from cms.models import ActivityPage
from startwell.models import Child

from .accounts import UserFactory
from .pages import CentrePageFactory


class ActivityPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ActivityPage

    title = factory.Sequence(lambda n: f"Stay and play {n}")
    slug = factory.Sequence(lambda n: f"activity-{n}")
    parent = factory.SubFactory(CentrePageFactory)
    summary = "Play, songs and a cuppa."
    category = "stay_and_play"
    delivered_by = "centre"
    min_age_months = None
    max_age_months = 60


class SessionFactory(factory.django.DjangoModelFactory):
    """A session tomorrow at 10:00 with 10 places, open for booking now."""

    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityPageFactory)
    start = factory.LazyFunction(
        lambda: (timezone.localtime() + datetime.timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=1, minutes=30))
    capacity = 10
    max_places_per_booking = 3


class ChildFactory(factory.django.DjangoModelFactory):
    """A two-year-old by default."""

    class Meta:
        model = Child

    parent = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name")
    birth_month = factory.LazyFunction(lambda: timezone.localdate().month)
    birth_year = factory.LazyFunction(lambda: timezone.localdate().year - 2)


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking for one place, written directly (tests of the rules use services)."""

    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    parent = factory.SubFactory(UserFactory)
    status = Booking.Status.CONFIRMED
    places = 1
    confirmed_at = factory.LazyFunction(timezone.now)


class HolidayPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidayPeriod

    name = "Half term"
    start_date = datetime.date(2027, 2, 15)
    end_date = datetime.date(2027, 2, 19)


class FamilyContactFactory(factory.django.DjangoModelFactory):
    """A family the centre keeps without an account, reached by text."""

    class Meta:
        model = FamilyContact

    centre = factory.SubFactory(CentrePageFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    mobile = factory.Sequence(lambda n: f"+4479112{n % 100000:05d}")
    contact_by = "text"
    consent = "agreed by phone on 3 March"
