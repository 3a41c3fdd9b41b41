"""Drop-off sessions (an activity marked "children are left with us"): for each child booked,
an emergency contact, allergies and medical notes, and photo consent. Checked before the
booking's lock is taken, written with the booking, read on the register by whoever runs it.

Kept to what the centre needs on the day: no address, no date of birth beyond the child's
profile, nothing once the session is 30 days past (`privacy.retention`)."""

from dataclasses import dataclass

import phonenumbers
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .errors import BookingError
from .models import Booking, CourseBooking, DropOffDetails

# Why each is asked, in plain words, shown next to the fields.
WHY_EMERGENCY = _("So we can reach someone quickly if your child is unwell or upset.")
WHY_MEDICAL = _("So the staff keep your child safe: food, medicines, what to watch for.")
WHY_PHOTOS = _(
    "We sometimes take photos of activities to show families what happens. We never "
    "use a photo of a child whose family said no."
)

NO_EMERGENCY_NAME = _("Give the name of someone we can call in an emergency for {child}.")
NO_RELATIONSHIP = _("Say who the emergency contact is to {child}, for example: mum, grandad.")
NO_PHONE = _("Give a phone number for {child}'s emergency contact, like 07911 123456.")
BAD_PHONE = _("Enter a UK phone number for {child}'s emergency contact, like 07911 123456.")
NO_PHOTO_ANSWER = _("Say whether we may take photos of {child}: yes or no.")
# One sentence for each field, so that each language can say it its own way.
TOO_LONG_NAME = _("Keep the name for {child} to {most} characters or fewer.")
TOO_LONG_RELATIONSHIP = _("Keep who they are to {child} to {most} characters or fewer.")
TOO_LONG_NOTES = _("Keep the notes for {child} to {most} characters or fewer.")

MOST_NAME = 100
MOST_NOTES = 1000


@dataclass(frozen=True)
class ChildDetails:
    """What a parent typed for one child; `photo_consent` None until they answer."""

    emergency_name: str = ""
    emergency_relationship: str = ""
    emergency_phone: str = ""
    medical_notes: str = ""
    photo_consent: bool | None = None


def field_name(child_id: int, name: str) -> str:
    """The booking form's field for one child's answer (refusals name it)."""
    return f"drop_off_{child_id}_{name}"


def _phone(text: str, child) -> str:
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise BookingError(
            BAD_PHONE.format(child=child.first_name),
            field=field_name(child.pk, "emergency_phone"),
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise BookingError(
            BAD_PHONE.format(child=child.first_name),
            field=field_name(child.pk, "emergency_phone"),
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def cleaned(children, details: dict[int, ChildDetails] | None) -> dict[int, ChildDetails]:
    """The details for each child, trimmed and checked; refuses the first thing missing or
    wrong, naming the child and the field."""
    details = details or {}
    result = {}
    for child in children:
        given = details.get(child.pk, ChildDetails())
        name = given.emergency_name.strip()
        relationship = given.emergency_relationship.strip()
        phone = given.emergency_phone.strip()
        notes = given.medical_notes.strip()
        checks = [
            (not name, NO_EMERGENCY_NAME, "emergency_name"),
            (not relationship, NO_RELATIONSHIP, "emergency_relationship"),
            (not phone, NO_PHONE, "emergency_phone"),
            (given.photo_consent is None, NO_PHOTO_ANSWER, "photo_consent"),
        ]
        for failed, message, field in checks:
            if failed:
                raise BookingError(
                    message.format(child=child.first_name), field=field_name(child.pk, field)
                )
        for value, too_long, field, most in [
            (name, TOO_LONG_NAME, "emergency_name", MOST_NAME),
            (relationship, TOO_LONG_RELATIONSHIP, "emergency_relationship", MOST_NAME),
            (notes, TOO_LONG_NOTES, "medical_notes", MOST_NOTES),
        ]:
            if len(value) > most:
                raise BookingError(
                    too_long.format(child=child.first_name, most=most),
                    field=field_name(child.pk, field),
                )
        result[child.pk] = ChildDetails(
            emergency_name=name,
            emergency_relationship=relationship,
            emergency_phone=_phone(phone, child),
            medical_notes=notes,
            photo_consent=bool(given.photo_consent),
        )
    return result


def record(booking: Booking | CourseBooking, details: dict[int, ChildDetails]) -> None:
    """Writes the checked details with the booking, or with the course booking for every
    session of the run (inside its transaction)."""
    owner = "course_booking" if isinstance(booking, CourseBooking) else "booking"
    DropOffDetails.objects.bulk_create(
        DropOffDetails(
            **{owner: booking},
            child_id=child_id,
            emergency_name=given.emergency_name,
            emergency_relationship=given.emergency_relationship,
            emergency_phone=given.emergency_phone,
            medical_notes=given.medical_notes,
            photo_consent=given.photo_consent,
        )
        for child_id, given in details.items()
    )


def details_by_booking(bookings) -> dict[int, dict[int, DropOffDetails]]:
    """{booking id: {child id: details}} for one session's register: one query. A course's place
    on the session shows what was given with the course booking."""
    bookings = list(bookings)
    # One session's register holds at most one place of each course booking.
    place_of_course_booking = {b.course_booking_id: b.pk for b in bookings if b.course_booking_id}
    rows = DropOffDetails.objects.filter(
        Q(booking__in=[booking.pk for booking in bookings])
        | Q(course_booking__in=list(place_of_course_booking))
    ).select_related("child")
    found: dict[int, dict[int, DropOffDetails]] = {}
    for row in rows:
        booking_id = row.booking_id or place_of_course_booking[row.course_booking_id]
        found.setdefault(booking_id, {})[row.child_id] = row
    return found
