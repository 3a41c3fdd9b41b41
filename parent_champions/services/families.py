"""Booking on a family's behalf from a register: finding the family (an exact mobile number or
e-mail address, or the families of one's own sessions), keeping a family contact for a family
without an account, and booking, wait-listing or cancelling for them through the bookings
service — the same rules, lock, waiting list and messages as a family booking itself.

Whoever may run the session's register may do this for its centre (DESIGN.md §5: managers for
their centre, champions for the sessions they host or cover, practitioners for their
organisation's sessions). Each family is offered as a signed token naming the session and the
family, so that only a family actually found can be booked: a tampered id is refused, and
staff cannot book (or learn about) an account by guessing numbers."""

from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings import audit
from bookings import families as booking_families
from bookings import services as booking_services
from bookings.models import Booking, FamilyContact, Session
from startwell.models import Child, DeliveryFailure, User

from ..errors import ChampionError
from ..selectors import manages_centre, practises, register_sessions_for
from .registers import check_can_run

FAMILY_LINK_SALT = "parent_champions.book-for-family"
# Long enough to fill in the booking form on a busy morning; then search again.
FAMILY_LINK_MAX_AGE = 60 * 60
FAMILY_LINK_EXPIRED = _("That link has expired. Find the family again.")


def family_token(session: Session, *, parent: User | None = None, contact=None) -> str:
    kind, pk = ("contact", contact.pk) if contact is not None else ("parent", parent.pk)
    return signing.dumps({"s": session.pk, kind: pk}, salt=FAMILY_LINK_SALT, compress=True)


def family_from_token(session: Session, token: str) -> dict | None:
    """`{"parent": user}` or `{"family_contact": contact}` for a token made for this session,
    or None (tampered, for another session, or another centre's family contact)."""
    try:
        data = signing.loads(token, salt=FAMILY_LINK_SALT, max_age=FAMILY_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ChampionError(FAMILY_LINK_EXPIRED) from None
    except signing.BadSignature:
        return None
    if data.get("s") != session.pk:
        return None
    if "contact" in data:
        contact = FamilyContact.objects.filter(
            pk=data["contact"], centre_id=session.centre_id, claimed_at__isnull=True
        ).first()
        return {"family_contact": contact} if contact else None
    parent = User.objects.filter(pk=data.get("parent"), is_active=True).first()
    return {"parent": parent} if parent else None


def find_families(*, user, session: Session, query: str) -> booking_families.FoundFamilies:
    check_can_run(user=user, session=session)
    return booking_families.find_families(centre=session.centre, query=query)


def families_of_my_sessions(*, user, session: Session) -> booking_families.FoundFamilies:
    """Families booked on the sessions this person runs at the session's centre."""
    return booking_families.families_of_sessions(register_sessions_for(user), centre=session.centre)


def add_contact(*, user, session: Session, **details) -> FamilyContact:
    check_can_run(user=user, session=session)
    return booking_families.add_contact(centre=session.centre, by=user, **details)


def children_of(family: dict) -> list[Child]:
    if "family_contact" in family:
        return list(booking_families.contact_children(family["family_contact"]))
    return list(Child.objects.filter(parent=family["parent"]).order_by("first_name"))


def book_for_family(
    *,
    user,
    session: Session,
    family: dict,
    child_ids: list[int] = (),
    adults: int = 0,
    join_waiting_list: bool = False,
    funded_place: bool = False,
    amount_pence: int | None = None,
    access_notes: str = "",
    drop_off: dict | None = None,
) -> Booking:
    """Books (or wait-lists) the family on the session for `user`, and logs it. The children
    must be the family's own; every other rule is `bookings.services.book_session`'s (a drop-off
    session needs what the family told staff about each child: `drop_off`)."""
    check_can_run(user=user, session=session)
    theirs = {child.pk: child for child in children_of(family)}
    if any(pk not in theirs for pk in child_ids):
        raise ChampionError(booking_services.NOT_THEIR_CHILD, field="children")
    booking = booking_services.book_session(
        **family,
        booked_by=user,
        session_id=session.pk,
        children=[theirs[pk] for pk in child_ids],
        adults=adults,
        join_waiting_list=join_waiting_list,
        funded_place=funded_place,
        amount_pence=amount_pence,
        access_notes=access_notes,
        drop_off=drop_off,
    )
    waiting = booking.status == Booking.Status.WAITING
    action = audit.WAIT_LISTED_FOR_FAMILY if waiting else audit.BOOKED_FOR_FAMILY
    audit.record(
        session,
        action,
        user=user,
        detail=f"Booking {booking.reference}",
        booking=booking.reference,
    )
    return booking


# --- The family's record ------------------------------------------------------------------------


@dataclass
class FamilyRecord:
    contact: FamilyContact
    children: list[tuple[str, str]]
    bookings: list[Booking]
    failures: list[DeliveryFailure]
    # Managers and practitioners see how to reach the family; champions (volunteers) never do
    # (DESIGN.md §4), they see that messages fail and tell the centre.
    shows_contact_details: bool


def family_record(*, user, session: Session, contact_id: int) -> FamilyRecord | None:
    """The record of a family contact booked on this session (for the centre's managers, any
    family contact of the centre), or None: the family is out of this person's reach. Each look
    is written to the session's audit trail, as a look at the register is."""
    check_can_run(user=user, session=session)
    manager = user.is_superuser or manages_centre(user, session.centre_id)
    contacts = FamilyContact.objects.filter(centre_id=session.centre_id)
    if not manager:
        contacts = contacts.filter(bookings__session=session)
    contact = contacts.filter(pk=contact_id).distinct().first()
    if contact is None:
        return None
    day = timezone.localdate()
    children = [
        (child.first_name, child.age_on(day))
        for child in booking_families.contact_children(contact).order_by("first_name")
    ]
    bookings = list(
        Booking.objects.filter(family_contact=contact)
        .select_related("session__activity", "session__venue", "booked_by")
        .order_by("-session__start", "-pk")
    )
    addresses = [address for address in (str(contact.mobile or ""), contact.email) if address]
    failures = list(DeliveryFailure.objects.filter(address__in=addresses)[:20])
    audit.record(
        session,
        audit.FAMILY_RECORD_VIEWED,
        user=user,
        detail=f"Family record of {contact.short_name}",
        contact=contact.pk,
    )
    shows = manager or practises(
        user, centre_id=session.centre_id, partner_id=session.activity.partner_id
    )
    return FamilyRecord(contact, children, bookings, failures, shows)
