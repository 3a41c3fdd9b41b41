"""Upper bounds on what people may type: far above anything real, far below what breaks a column,
a date library or an e-mail header. Forms refuse values beyond them with a plain message next to
the field, so nothing out of range reaches a service or the database."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Money: no session at a family centre costs more than this a place, and a family paying what
# they can never needs to pay more. Well inside PostgreSQL's integer range.
MOST_PENCE_PER_PLACE = 50_000
MOST_PER_PLACE_TO_PAY = _("The most you can pay is £500 a place.")
MOST_PER_PLACE_TO_CHARGE = _("The most a place can cost is £500.")

# Places: the largest hall in the borough holds a few hundred; a booking is one household.
MOST_PLACES_PER_SESSION = 1000
MOST_PLACES_PER_BOOKING = 50

# Dates people type (sessions, series, report ranges) lie within this many years of today.
YEARS_EITHER_SIDE = 5
DATE_OUT_OF_RANGE = _("Choose a date within 5 years of today.")

# A series' booking window, counted back from each session.
MOST_DAYS_BOOKING_OPENS_BEFORE = 365
MOST_MINUTES_BOOKING_CLOSES_BEFORE = 7 * 24 * 60
MOST_HOURS_CANCELLABLE_BEFORE = 30 * 24

# Plain text here (tests match it as a pattern), translated where it is raised.
LINE_BREAK_REFUSED = gettext_noop("Keep this to one line: take out the line breaks.")
