"""Who a booking belongs to, for counting families: the parent's account, or for an anonymised
booking (account deleted, or past its retention period) the random key its bookings share, so
families are counted the same before and after."""

from django.db.models import CharField, F
from django.db.models.functions import Cast, Coalesce

# An account id is all digits and a household key never is, so the two cannot be confused.
HOUSEHOLD = Coalesce(Cast("parent_id", output_field=CharField()), F("household"))
