"""A child's drop-off details as a family gives them in full: shared by the tests of drop-off
sessions, courses, staff bookings and the family's data."""

from bookings.drop_off import ChildDetails

GOOD = ChildDetails(
    emergency_name="Sam Jones",
    emergency_relationship="Grandma",
    emergency_phone="07911 123456",
    medical_notes="Peanut allergy: EpiPen in the blue bag",
    photo_consent=False,
)
