"""Price models and the database's guards on paid bookings."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import Booking
from bookings.pricing import format_pence, parse_pounds
from tests.factories import ActivityPageFactory, BookingFactory, SessionFactory


@pytest.mark.parametrize(
    ("pence", "text"), [(350, "£3.50"), (300, "£3"), (50, "50p"), (0, "0p"), (123456, "£1,234.56")]
)
def test_amounts_read_as_people_write_them(pence, text):
    assert format_pence(pence) == text


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("3", 300),
        ("3.5", 350),
        ("£3.50", 350),
        (" 12.05 ", 1205),
        ("50p", 50),
        (".5", 50),
        ("0", 0),
        ("", None),
        ("three", None),
        ("3.505", None),
        ("-2", None),
        ("£", None),
    ],
)
def test_amounts_typed_by_families_are_read_as_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"price_model": "fixed", "price_pence": None}, "price_pence"),
        ({"price_model": "fixed", "price_pence": 20}, "price_pence"),
        ({"price_model": "pay_what_you_can", "suggested_pence": 300}, "minimum_pence"),
        (
            {"price_model": "pay_what_you_can", "suggested_pence": 100, "minimum_pence": 200},
            "suggested_pence",
        ),
        (
            {"price_model": "pay_what_you_can", "suggested_pence": 300, "minimum_pence": 10},
            "minimum_pence",
        ),
    ],
)
def test_a_price_model_needs_sensible_amounts(centre, fields, field_in_error):
    activity = ActivityPageFactory(parent=centre)
    for name, value in fields.items():
        setattr(activity, name, value)
    with pytest.raises(ValidationError) as refused:
        activity.clean()
    assert field_in_error in refused.value.message_dict

    session = SessionFactory(activity=ActivityPageFactory(parent=centre))
    for name, value in fields.items():
        setattr(session, name, value)
    with pytest.raises(ValidationError) as refused:
        session.clean()
    assert field_in_error in refused.value.message_dict


@pytest.mark.django_db
def test_a_session_without_its_own_price_uses_the_activitys(centre):
    activity = ActivityPageFactory(
        parent=centre, price_model="pay_what_you_can", suggested_pence=300, minimum_pence=0
    )
    activity.funded_places = 2
    activity.save()
    session = SessionFactory(activity=activity)
    assert session.pricing.is_pay_what_you_can
    assert (session.pricing.suggested_pence, session.pricing.funded_places) == (300, 2)
    session.funded_places = 0
    session.price_model = "free"
    assert session.pricing.is_free and session.pricing.funded_places == 0


@pytest.mark.django_db
def test_the_database_allows_one_active_booking_per_family_including_one_awaiting_payment(
    centre,
):
    held = BookingFactory(
        session__activity__parent=centre,
        status=Booking.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now(),
        amount_pence=500,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=held.session, parent=held.parent)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": Booking.Status.PENDING_PAYMENT, "hold_expires_at": None},
        {"funded": True, "amount_pence": 500},
    ],
    ids=["held-without-expiry", "funded-with-a-price"],
)
def test_the_database_refuses_inconsistent_paid_bookings(centre, fields):
    session = SessionFactory(activity=ActivityPageFactory(parent=centre))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=session, **fields)
