"""Drop-off sessions: booking asks each child's emergency contact, allergies and medical notes,
and photo consent, and is refused without an emergency contact; only whoever runs the register
and the centre's managers see the details, each look logged; they are encrypted at rest and
deleted 30 days after the session, or when the family's bookings are anonymised."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import audit, drop_off
from bookings.drop_off import ChildDetails
from bookings.errors import BookingError
from bookings.models import Booking, DropOffDetails, SessionLogEntry
from bookings.services import book_session
from privacy import retention
from privacy.services import anonymise_bookings
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.drop_off import GOOD
from tests.support.times import started_earlier_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(centre):
    return ActivityPageFactory(
        parent=centre, title="Holiday club", drop_off=True, delivered_by="champions"
    )


@pytest.fixture
def session(club):
    return SessionFactory(activity=club)


@pytest.fixture
def family(db):
    parent = UserFactory(first_name="Amira", last_name="Khan")
    return parent, ChildFactory(parent=parent, first_name="Mia")


def test_booking_keeps_each_childs_details(session, family):
    parent, child = family

    booking = book_session(
        parent=parent, session_id=session.pk, children=[child], drop_off={child.pk: GOOD}
    )

    details = DropOffDetails.objects.get(booking=booking)
    assert (details.child, details.emergency_name, details.emergency_relationship) == (
        child,
        "Sam Jones",
        "Grandma",
    )
    assert details.emergency_phone == "+447911123456"
    assert details.medical_notes == "Peanut allergy: EpiPen in the blue bag"
    assert details.photo_consent is False


def test_the_contact_and_notes_are_encrypted_at_rest(session, family):
    parent, child = family
    book_session(parent=parent, session_id=session.pk, children=[child], drop_off={child.pk: GOOD})

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT emergency_name, emergency_relationship, emergency_phone, medical_notes "
            "FROM bookings_dropoffdetails"
        )
        stored = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in stored)
    # Whole phrases: a few letters could turn up in any random ciphertext by chance.
    for secret in ["Sam Jones", "Grandma", "7911123456", "Peanut allergy"]:
        assert not any(secret in value for value in stored)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"emergency_name": ""}, "emergency_name", "Give the name of someone we can call"),
        ({"emergency_relationship": " "}, "emergency_relationship", "Say who the emergency"),
        ({"emergency_phone": ""}, "emergency_phone", "Give a phone number for Mia's"),
        ({"emergency_phone": "12"}, "emergency_phone", "Enter a UK phone number for Mia's"),
        ({"photo_consent": None}, "photo_consent", "Say whether we may take photos of Mia"),
        ({"medical_notes": "x" * 1001}, "medical_notes", "Keep the notes for Mia to 1000"),
    ],
)
def test_a_booking_missing_something_is_refused_and_nothing_written(
    session, family, change, field, message
):
    parent, child = family
    details = ChildDetails(**{**GOOD.__dict__, **change})

    with pytest.raises(BookingError) as refused:
        book_session(
            parent=parent, session_id=session.pk, children=[child], drop_off={child.pk: details}
        )

    assert refused.value.field == f"drop_off_{child.pk}_{field}"
    assert refused.value.message.startswith(message)
    assert not Booking.objects.exists()
    assert not DropOffDetails.objects.exists()


def test_a_booking_without_any_details_is_refused(session, family):
    parent, child = family
    with pytest.raises(BookingError, match="Give the name of someone we can call"):
        book_session(parent=parent, session_id=session.pk, children=[child])
    assert not Booking.objects.exists()


def test_other_sessions_ask_nothing_and_keep_nothing(centre, family):
    parent, child = family
    ordinary = SessionFactory(activity=ActivityPageFactory(parent=centre))

    book_session(parent=parent, session_id=ordinary.pk, children=[child], drop_off={child.pk: GOOD})

    assert Booking.objects.count() == 1
    assert not DropOffDetails.objects.exists()


# --- The booking page ------------------------------------------------------------------------


def test_the_booking_page_asks_for_each_child_with_the_reasons(client, session, family):
    parent, child = family
    client.force_login(parent)

    page = client.get(reverse("bookings:book", args=[session.pk])).content.decode()

    assert "Children are left with us at this session" in page
    assert "Emergency contact for Mia: their name" in page
    assert "So we can reach someone quickly" in page
    assert "So the staff keep your child safe" in page
    assert "May we take photos of Mia?" in page


def test_the_booking_page_refuses_without_an_emergency_contact(client, session, family):
    parent, child = family
    client.force_login(parent)

    page = client.post(
        reverse("bookings:book", args=[session.pk]),
        {"children": [child.pk], f"drop_off_{child.pk}_photo_consent": "yes"},
    )

    assert page.status_code == 400
    assert "Give the name of someone we can call in an emergency for Mia." in page.content.decode()
    assert not Booking.objects.exists()


def test_the_booking_page_books_with_the_details(client, session, family):
    parent, child = family
    client.force_login(parent)
    prefix = f"drop_off_{child.pk}_"

    page = client.post(
        reverse("bookings:book", args=[session.pk]),
        {
            "children": [child.pk],
            prefix + "emergency_name": "Sam Jones",
            prefix + "emergency_relationship": "Grandma",
            prefix + "emergency_phone": "07911 123456",
            prefix + "medical_notes": "",
            prefix + "photo_consent": "yes",
        },
    )

    assert page.status_code == 302
    assert DropOffDetails.objects.get().photo_consent is True


# --- Who sees them -----------------------------------------------------------------------------


@pytest.fixture
def today(club, family):
    start = started_earlier_today()
    session = SessionFactory(activity=club, start=start, end=start + datetime.timedelta(hours=4))
    parent, child = family
    # Booked before it started, as families do: written directly, the rules are tested above.
    booking = BookingFactory(session=session, parent=parent)
    booking.children.set([child])
    drop_off.record(booking, drop_off.cleaned([child], {child.pk: GOOD}))
    return session, booking


def register_page(client, session):
    return client.get(reverse("parent_champions:register", args=[session.pk]))


def test_the_host_sees_them_on_the_register_and_the_look_is_logged(client, centre, club, today):
    session, _ = today
    champion = ChampionFactory(centre=centre)
    HostingFactory(champion=champion, activity=club)
    client.force_login(champion.user)

    html = register_page(client, session).content.decode()

    assert "Sam Jones (Grandma)" in html and "+447911123456" in html
    assert "Peanut allergy" in html and "no photos" in html
    assert SessionLogEntry.objects.filter(
        action=audit.DROP_OFF_VIEWED, user=champion.user, session=session
    ).exists()


def test_a_champion_who_does_not_host_it_sees_nothing(client, centre, other_centre, today):
    session, _ = today
    for champion in (ChampionFactory(centre=centre), ChampionFactory(centre=other_centre)):
        client.force_login(champion.user)
        page = register_page(client, session)
        assert page.status_code == 404
        assert "Sam Jones" not in page.content.decode()
    assert not SessionLogEntry.objects.filter(action=audit.DROP_OFF_VIEWED).exists()


def test_the_manager_sees_them_in_the_admin_register_and_the_look_is_logged(
    client, manager, manager_totp, today
):
    session, _ = today
    client.force_login(manager)

    page = client.get(reverse("bookings_session:inspect", args=[session.pk]))

    assert page.status_code == 200
    assert "Sam Jones (Grandma)" in page.content.decode()
    assert SessionLogEntry.objects.filter(action=audit.DROP_OFF_VIEWED, user=manager).exists()


def test_the_parent_booking_another_session_never_sees_them(client, today):
    session, _ = today
    client.force_login(UserFactory())
    assert "Sam Jones" not in client.get(reverse("bookings:session_list")).content.decode()
    assert register_page(client, session).status_code == 404


# --- How long they are kept --------------------------------------------------------------------


def test_they_are_deleted_30_days_after_the_session(today):
    session, _ = today
    just_kept = session.end + datetime.timedelta(days=30) - datetime.timedelta(minutes=1)
    assert retention.delete_old_drop_off_details(just_kept) == 0
    assert DropOffDetails.objects.count() == 1

    gone = session.end + datetime.timedelta(days=30, minutes=1)
    assert retention.delete_old_drop_off_details(gone) == 1
    assert not DropOffDetails.objects.exists()
    assert Booking.objects.count() == 1  # the booking stays for the figures


def test_the_retention_task_runs_the_rule_and_the_schedule_says_so(today, settings):
    session, _ = today
    done = retention.enforce(session.end + datetime.timedelta(days=31))
    assert done["delete_old_drop_off_details"] == 1

    settings.RETENTION_DROP_OFF_DAYS = 21
    [period] = [p for p in retention.schedule() if "emergency contact" in p.what]
    assert period.kept_for == "21 days after the session"


def test_anonymising_the_booking_deletes_them(today):
    _, booking = today
    anonymise_bookings(Booking.objects.filter(pk=booking.pk))
    assert not DropOffDetails.objects.exists()


def test_removing_the_childs_profile_deletes_them(today, family):
    from privacy.services import remove_child_profile

    remove_child_profile(family[1])
    assert not DropOffDetails.objects.exists()
    assert Booking.objects.count() == 1  # the booking stays, with an anonymous child


def test_the_familys_download_holds_what_they_gave(today, family):
    from privacy.selectors import personal_data

    [booking] = personal_data(family[0])["bookings"]

    assert booking["left_with_us"] == [
        {
            "child": "Mia",
            "emergency_contact": "Sam Jones",
            "relationship": "Grandma",
            "phone": "+447911123456",
            "allergies_and_medical_notes": "Peanut allergy: EpiPen in the blue bag",
            "photos_allowed": False,
        }
    ]
    assert booking["feedback"] is None


def test_the_form_reads_the_familys_children_once(client, session, family):
    """The children are listed, asked about one by one and counted (is there anyone to book
    for?) from one read."""
    parent, child = family
    ChildFactory(parent=parent, first_name="Zak")
    client.force_login(parent)
    client.get(f"/sessions/{session.pk}/book/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/sessions/{session.pk}/book/").content.decode()
    assert "Emergency contact for Mia" in page and "Emergency contact for Zak" in page
    read = [query for query in queries if '"startwell_child"' in query["sql"]]
    assert len(read) == 1, read
