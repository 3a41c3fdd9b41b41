"""Who a booking belongs to, for counting families: the parent's account, the family contact the
centre keeps for a family without one, or for an anonymised booking (account deleted, or past
its retention period) the random key its bookings share, so families are counted the same
before and after."""

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Concat

# An account id is all digits, a family contact's is "c" and digits, and a household key starts
# with "h": the three cannot be confused.
HOUSEHOLD = Case(
    When(Q(parent_id__isnull=False), then=Cast("parent_id", output_field=CharField())),
    When(
        Q(family_contact_id__isnull=False),
        then=Concat(Value("c"), Cast("family_contact_id", output_field=CharField())),
    ),
    default=F("household"),
    output_field=CharField(),
)
