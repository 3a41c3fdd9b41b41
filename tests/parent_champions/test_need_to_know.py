"""Registers on a need-to-know basis: a champion sees a session's register only when they host it
or a manager asked them to cover it; families appear as "Priya P."; every look at a register (the
champions' pages and the admin's) and every cover goes into the one audit trail, which only the
centre's managers read."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import audit
from bookings.models import Booking, Session, SessionLogEntry, WalkIn
from cms.models import ActivityPage
from parent_champions import selectors
from parent_champions.models import Champion, SessionCover
from tests.factories import (
    ChampionFactory,
    PartnerOrganisationFactory,
    PractitionerFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import book
from tests.support.registers import logged
from tests.support.times import in_days

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"parent_champions:{name}", args=args)


@pytest.fixture
def same_centre_champion(centre):
    """An active champion of centre A with current checks who does not host the activity."""
    return ChampionFactory(centre=centre, user=UserFactory(first_name="Sam", last_name="Same"))


@pytest.fixture
def coverer(centre, session_today, manager):
    champion = ChampionFactory(
        centre=centre, user=UserFactory(first_name="Cora", last_name="Cover")
    )
    SessionCover.objects.create(session=session_today, champion=champion, assigned_by=manager)
    return champion


ROLES = {
    # role: (register, walk-in, message, edit)
    "hosting champion": (200, 302, 200, 200),
    "covering champion": (200, 302, 200, 404),
    "other champion at the centre": (404, 404, 404, 404),
    "champion elsewhere": (404, 404, 404, 404),
    "manager of the centre": (200, 302, 200, 200),
    "other manager": (404, 404, 404, 404),
    "superuser": (200, 302, 200, 200),
}


@pytest.fixture
def people(
    champion, coverer, same_centre_champion, other_champion, manager, other_manager, superuser
):
    """Who each of `ROLES` is."""
    return {
        "hosting champion": champion.user,
        "covering champion": coverer.user,
        "other champion at the centre": same_centre_champion.user,
        "champion elsewhere": other_champion.user,
        "manager of the centre": manager,
        "other manager": other_manager,
        "superuser": superuser,
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_who_sees_a_register(client, role, session_today, people):
    user = people[role]
    book(session_today, first_name="Priya", last_name="Parent")
    client.force_login(user)
    walk_in = {"label": "Amira", "children": "1", "adults": "0"}
    got = (
        client.get(u("register", session_today.pk)).status_code,
        client.post(u("add_walk_in", session_today.pk), walk_in).status_code,
        client.get(u("message", session_today.pk)).status_code,
        client.get(u("session_edit", session_today.pk)).status_code,
    )
    assert got == ROLES[role]
    assert WalkIn.objects.exists() is (ROLES[role][1] == 302)
    views = logged(session_today, "viewed")
    assert views == ([(user.pk, "")] if ROLES[role][0] == 200 else [])


STANDING_ROLES = [
    *ROLES,
    "suspended hosting champion",
    "hosting champion with lapsed checks",
    "practitioner of the organisation",
    "practitioner of another organisation",
]


@pytest.mark.parametrize("role", STANDING_ROLES)
def test_the_standing_read_with_the_session_answers_as_each_rule_asked_alone(
    role, activity, session_today, champion, people
):
    """The register reads a person's standing with the session, in one query, and every rule
    of the request asks it: each answers as when it reads the standing itself, and as the
    rules asked one by one (`manages_centre`, `may_edit_activity`) before."""
    partner = PartnerOrganisationFactory()
    ActivityPage.objects.filter(pk=activity.pk).update(partner=partner)
    if role.startswith("suspended"):
        champion.status = Champion.Status.SUSPENDED
        champion.save()
    if role.endswith("lapsed checks"):
        champion.dbs_checked_on = None
        champion.save()
    user = {
        **people,
        "suspended hosting champion": champion.user,
        "hosting champion with lapsed checks": champion.user,
        "practitioner of the organisation": lambda: (
            PractitionerFactory(centre=session_today.centre, partner=partner).user
        ),
        "practitioner of another organisation": lambda: (
            PractitionerFactory(centre=session_today.centre).user
        ),
    }[role]
    user = user() if callable(user) else user

    read_with = selectors.session_in_reach(user, session_today.pk)
    in_reach = selectors.register_sessions_for(user).filter(pk=session_today.pk).exists()
    assert (read_with is not None) is in_reach
    if read_with is None:
        return
    alone = Session.objects.get(pk=session_today.pk)
    assert selectors.standing_at(user, alone) == read_with.standing
    for session in (read_with, alone):
        assert selectors.may_assign_cover(user, session) is (
            user.is_superuser or selectors.manages_centre(user, session.centre_id)
        )
        assert selectors.may_edit_session(user, session) is selectors.may_edit_activity(
            user, session.activity_id, session.centre_id
        )
    assert selectors.run_refusal(user, read_with) == selectors.run_refusal(user, alone)
    assert (selectors.run_refusal(user, read_with) is None) is (
        role not in ("suspended hosting champion", "hosting champion with lapsed checks")
    )


def test_one_look_at_a_register_reads_what_it_shows_once(client, champion, session_today):
    """The person's standing with the session, its activity and centre once each, the audit
    entry written from what is in hand, the register's bookings in one query: a fixed number
    of queries (after the first request of a sign-in, which reads the person's header facts)."""
    book(session_today, first_name="Priya", children=2)
    client.force_login(champion.user)
    client.get(u("register", session_today.pk))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(u("register", session_today.pk)).status_code == 200
    assert len(queries) == REGISTER_QUERIES, "\n".join(q["sql"] for q in queries)
    assert logged(session_today, "viewed") == [(champion.user.pk, "")] * 2


# Sign-in (session, person), the session with the person's standing, the champion's checks, the
# audit entry, the bookings, their parents, their children, the walk-ins. (Whether any centre
# asks the person for a second factor is kept with their header facts; the session's venue,
# activity and centre are kept for everyone, under the page cache's generation.)
REGISTER_QUERIES = 9


def test_a_champion_of_the_centre_who_neither_hosts_nor_covers_cannot_act_on_a_booking(
    client, session_today, same_centre_champion
):
    booking = book(session_today)
    client.force_login(same_centre_champion.user)
    response = client.post(u("booking_action", session_today.pk, booking.pk, "check-in"))
    assert response.status_code == 404
    assert Booking.objects.get(pk=booking.pk).attendance == ""
    assert not SessionLogEntry.objects.exists()


def test_a_covering_champion_finds_the_session_on_their_dashboard(client, coverer, session_today):
    client.force_login(coverer.user)
    page = client.get(u("dashboard")).content.decode()
    assert u("register", session_today.pk) in page


# --- The cover action ---------------------------------------------------------------------------


def test_a_manager_asks_a_champion_to_cover_and_takes_it_back_both_logged(
    client, manager, same_centre_champion, session_today
):
    client.force_login(manager)
    page = client.get(u("register", session_today.pk)).content.decode()
    assert "Who covers this session" in page and "Sam Same" in page
    response = client.post(
        u("assign_cover", session_today.pk), {"champion": same_centre_champion.pk}
    )
    assert response.status_code == 302
    cover = SessionCover.objects.get()
    assert (cover.session, cover.champion, cover.assigned_by) == (
        session_today,
        same_centre_champion,
        manager,
    )
    assert logged(session_today, "startwell.session.cover_assigned") == [
        (manager.pk, "Sam Same covers this session")
    ]
    client.force_login(same_centre_champion.user)
    assert client.get(u("register", session_today.pk)).status_code == 200

    client.force_login(manager)
    response = client.post(u("remove_cover", session_today.pk, cover.pk))
    assert response.status_code == 302
    assert not SessionCover.objects.exists()
    assert logged(session_today, "startwell.session.cover_removed") == [
        (manager.pk, "Sam Same no longer covers this session")
    ]
    client.force_login(same_centre_champion.user)
    assert client.get(u("register", session_today.pk)).status_code == 404


def test_covering_a_childrens_session_needs_current_checks(client, manager, centre, session_today):
    unchecked = ChampionFactory(
        centre=centre, training_completed_on=None, user=UserFactory(first_name="Una")
    )
    client.force_login(manager)
    response = client.post(u("assign_cover", session_today.pk), {"champion": unchecked.pk})
    assert response.status_code == 400
    assert "cannot cover sessions for children" in response.content.decode()
    assert not SessionCover.objects.exists()
    assert not logged(session_today, "startwell.session.cover_assigned")


def test_only_the_centres_champions_can_be_chosen_and_only_managers_choose(
    client, manager, champion, other_champion, same_centre_champion, session_today
):
    client.force_login(manager)
    response = client.post(u("assign_cover", session_today.pk), {"champion": other_champion.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    client.force_login(champion.user)  # hosts the session, but is not a manager
    response = client.post(
        u("assign_cover", session_today.pk), {"champion": same_centre_champion.pk}
    )
    assert response.status_code == 404
    page = client.get(u("register", session_today.pk)).content.decode()
    assert "Who covers this session" not in page
    assert not SessionCover.objects.exists()


def test_another_centres_manager_cannot_remove_a_cover(
    client, coverer, other_manager, session_today
):
    cover = SessionCover.objects.get()
    client.force_login(other_manager)
    assert client.post(u("remove_cover", session_today.pk, cover.pk)).status_code == 404
    assert SessionCover.objects.filter(pk=cover.pk).exists()


# --- What a champion sees of a family -----------------------------------------------------------


def test_families_appear_as_first_name_and_initial_without_contact_details(
    client, champion, session_today
):
    booking = book(session_today, first_name="Priya", last_name="Patel")
    waiting = book(
        session_today,
        first_name="Wen",
        last_name="Waits",
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    client.force_login(champion.user)
    for url in [u("register", session_today.pk), u("message", session_today.pk)]:
        main = client.get(url).content.decode().split("<main", 1)[1]
        assert "Patel" not in main and "Waits" not in main
        assert booking.parent.email not in main and waiting.parent.email not in main
        assert "@" not in main
    page = client.get(u("register", session_today.pk)).content.decode()
    assert "Priya P." in page and "Wen W." in page
    assert 'Check in<span class="visually-hidden"> Priya P.</span>' in page
    response = client.post(u("booking_action", session_today.pk, booking.pk, "check-in"))
    follow = client.get(response["Location"]).content.decode()
    assert "Priya P. is checked in." in follow


# --- One audit trail, read by the centre's managers ---------------------------------------------


def test_register_views_from_the_admin_and_the_champions_pages_are_in_one_trail(
    client, champion, manager, other_manager, session_today
):
    book(session_today, first_name="Priya", last_name="Patel")
    client.force_login(champion.user)
    assert client.get(u("register", session_today.pk)).status_code == 200
    client.force_login(manager)
    admin_register = reverse("bookings_session:inspect", args=[session_today.pk])
    page = client.get(admin_register).content.decode()
    assert "Priya Patel" in page  # managers see full names
    assert logged(session_today, "viewed") == [(champion.user.pk, ""), (manager.pk, "In the admin")]

    log_page = client.get(u("manage_log", session_today.centre_id)).content.decode()
    assert log_page.count("Viewed the register") == 2
    assert "In the admin" in log_page and "Chris Host" in log_page

    # The other centre's manager reads none of it, here or in the admin's site history.
    client.force_login(other_manager)
    assert client.get(u("manage_log", session_today.centre_id)).status_code == 404
    assert not SessionLogEntry.objects.viewable_by_user(other_manager).exists()
    assert SessionLogEntry.objects.viewable_by_user(manager).count() == 2
    site_history = reverse("wagtailadmin_reports:site_history")
    response = client.get(site_history)
    assert response.status_code == 200
    assert "Viewed the register" not in response.content.decode()
    client.force_login(manager)
    assert "Viewed the register" in client.get(site_history).content.decode()
    session_history = reverse("bookings_session:history", args=[session_today.pk])
    response = client.get(session_history)
    assert response.status_code == 200
    assert "Viewed the register" in response.content.decode()


def test_a_message_keeps_its_subject_and_body_in_the_trail(client, champion, session_today):
    book(session_today)
    client.force_login(champion.user)
    client.post(u("message", session_today.pk), {"subject": "Rain", "body": "Bring boots."})
    entry = SessionLogEntry.objects.get(action=audit.MESSAGED)
    assert (entry.data["subject"], entry.data["body"], entry.data["families"]) == (
        "Rain",
        "Bring boots.",
        1,
    )


def test_session_changes_in_the_admin_and_by_a_champion_go_to_the_same_trail(
    client, champion, manager, session_tomorrow
):
    client.force_login(champion.user)
    start = session_tomorrow.start
    data = {
        "start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(session_tomorrow.end).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "6",
        "max_places_per_booking": str(session_tomorrow.max_places_per_booking),
    }
    assert client.post(u("session_edit", session_tomorrow.pk), data).status_code == 302
    client.force_login(manager)
    admin_data = {
        "activity": session_tomorrow.activity_id,
        "venue": "",
        "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(session_tomorrow.end).strftime("%Y-%m-%d %H:%M"),
        "capacity": 9,
        "max_places_per_booking": session_tomorrow.max_places_per_booking,
        "booking_opens": "",
        "booking_closes": "",
        "cancellation_cutoff": "",
    }
    url = reverse("bookings_session:edit", args=[session_tomorrow.pk])
    assert client.post(url, admin_data).status_code == 302
    assert logged(session_tomorrow, "startwell.session.changed") == [
        (champion.user.pk, "capacity: 4 → 6"),
        (manager.pk, "capacity: 6 → 9"),
    ]


def test_a_misspelt_action_is_refused(session_today, manager):
    with pytest.raises(ValueError, match="Unknown session log action"):
        audit.record(session_today, "startwell.register.veiwed", user=manager)
    with pytest.raises(ValidationError):
        # Straight through Wagtail, the action registry refuses it too.
        SessionLogEntry.objects.log_action(session_today, "startwell.register.veiwed", user=manager)
    assert not SessionLogEntry.objects.exists()


def test_logging_a_look_reads_nothing_already_in_hand(session_today, champion):
    """The session, its centre, the person and the content type are in hand when a look at a
    register is logged: the entry is written without reading them again."""
    from django.contrib.contenttypes.models import ContentType

    from parent_champions.selectors import session_in_reach

    session = session_in_reach(champion.user, session_today.pk)
    ContentType.objects.get_for_model(Session)  # kept for the process after the first read
    with CaptureQueriesContext(connection) as queries:
        audit.record(session, audit.VIEWED, user=champion.user)
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]
    assert logged(session_today, "viewed") == [(champion.user.pk, "")]


def test_a_row_given_only_by_its_id_is_still_checked(session_today, manager):
    entry = SessionLogEntry(
        session=session_today,
        centre_id=session_today.centre_id + 1000,
        user=manager,
        action=audit.VIEWED,
        label="Stay and play",
        timestamp=timezone.now(),
    )
    with pytest.raises(ValidationError) as refused:
        entry.save()
    assert list(refused.value.message_dict) == ["centre"]
    assert not SessionLogEntry.objects.exists()


# --- One read model, one order -------------------------------------------------------------------


def test_both_registers_list_the_waiting_list_in_the_order_places_are_offered(
    client, manager, session_tomorrow
):
    now = timezone.now()
    # Created in one order, waiting since another: places go by waiting_since.
    late = book(
        session_tomorrow,
        first_name="Late",
        status=Booking.Status.WAITING,
        waiting_since=now,
        confirmed_at=None,
    )
    early = book(
        session_tomorrow,
        first_name="Early",
        status=Booking.Status.WAITING,
        waiting_since=now - datetime.timedelta(hours=2),
        confirmed_at=None,
    )
    client.force_login(manager)
    for url in [
        u("register", session_tomorrow.pk),
        reverse("bookings_session:inspect", args=[session_tomorrow.pk]),
    ]:
        page = client.get(url).content.decode()
        assert page.index(f"booking-{early.pk}" if "champions" in url else early.reference) < (
            page.index(f"booking-{late.pk}" if "champions" in url else late.reference)
        )


def test_the_admin_register_queries_do_not_grow_with_bookings(client, manager, activity):
    def count_for(n):
        session = SessionFactory(activity=activity, start=in_days(2), capacity=200)
        for i in range(n):
            book(session, first_name=f"P{i}", children=2)
        WalkIn.objects.create(session=session, label="W", children=1, places=1)
        url = reverse("bookings_session:inspect", args=[session.pk])
        client.get(url)  # warms per-process caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(manager)
    # Wagtail's admin page and its menus, the session, the register (bookings, their parents,
    # their mobiles and their children in four queries, walk-ins, payments needing a person).
    assert count_for(1) == count_for(40) == 24
