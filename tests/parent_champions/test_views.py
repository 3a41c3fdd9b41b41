"""The champions' and managers' pages: who may open what (every URL, every role), what a register
shows and hides, query counts that do not grow with the list, and bad input answered in place."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Session, SessionLogEntry, WalkIn
from bookings.selectors import with_places
from cms.models import ActivityPage
from parent_champions.models import Champion, ChampionApplication, Hosting
from parent_champions.services.families import family_token
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    FamilyContactFactory,
    HostingFactory,
    PartnerOrganisationFactory,
    PractitionerFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import book, contact_child
from tests.support.registers import logged
from tests.support.times import in_days, started_earlier_today

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "parent",
    "champion_a",
    "champion_b",
    "practitioner_a",
    "practitioner_other_org",
    "manager_a",
    "manager_b",
    "superuser",
]


@pytest.fixture
def world(
    client,
    parent,
    champion,
    other_champion,
    manager,
    other_manager,
    superuser,
    session_today,
    session_tomorrow,
    activity,
):
    """Centre A's sessions, a booking and a waiting household on each, an open application at A
    and A's champion: everything a URL in the matrix may point at. The activity is run by a
    partner organisation, whose practitioner at A is one of the roles; another organisation's
    practitioner at A is another."""
    partner = PartnerOrganisationFactory(name="Health Visiting Team")
    ActivityPage.objects.filter(pk=activity.pk).update(delivered_by="partner", partner=partner)
    practitioner = PractitionerFactory(centre=champion.centre, partner=partner)
    other_org = PractitionerFactory(centre=champion.centre)
    for role in (practitioner, other_org):
        activate_totp(role.user)
    booking = book(session_today, first_name="Jo")
    waiting = book(
        session_tomorrow,
        first_name="Wen",
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    cancellable = book(session_tomorrow, first_name="Cal")
    application = ChampionApplicationFactory(centre=champion.centre)
    hosting = Hosting.objects.get(champion=champion)
    contact = FamilyContactFactory(centre=champion.centre, first_name="Kim", last_name="Known")
    kid = contact_child(contact, first_name="Kai")
    users = {
        "anonymous": None,
        "parent": parent,
        "champion_a": champion.user,
        "champion_b": other_champion.user,
        "practitioner_a": practitioner.user,
        "practitioner_other_org": other_org.user,
        "manager_a": manager,
        "manager_b": other_manager,
        "superuser": superuser,
    }
    return {
        "users": users,
        "booking": booking,
        "waiting": waiting,
        "cancellable": cancellable,
        "session_today": session_today,
        "session_tomorrow": session_tomorrow,
        "activity": activity,
        "application": application,
        "champion": champion,
        "hosting": hosting,
        "practitioner": practitioner,
        "partner": partner,
        "contact": contact,
        "contact_child": kid,
        "contact_token": family_token(session_tomorrow, contact=contact),
    }


def u(name, *args):
    return reverse(f"parent_champions:{name}", args=args)


def session_post(w):
    start = in_days(5)
    return {
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "6",
        "max_places_per_booking": "2",
    }


OK_GET = {"anonymous": 302, "parent": 200, "champion_a": 200, "champion_b": 200}
OK_GET |= {"practitioner_a": 200, "practitioner_other_org": 200}
OK_GET |= {"manager_a": 200, "manager_b": 200, "superuser": 200}
# A centre-A register or session: A's champion, the practitioner of the organisation that runs
# it at A, A's manager and superusers; others 404.
REGISTER_GET = {"anonymous": 302, "parent": 404, "champion_a": 200, "champion_b": 404}
REGISTER_GET |= {"practitioner_a": 200, "practitioner_other_org": 404}
REGISTER_GET |= {"manager_a": 200, "manager_b": 404, "superuser": 200}
REGISTER_POST = {role: (302 if code == 200 else code) for role, code in REGISTER_GET.items()}
REGISTER_POST["anonymous"] = 302
# Manager pages for centre A.
MANAGE_GET = {"anonymous": 302, "parent": 404, "champion_a": 404, "champion_b": 404}
MANAGE_GET |= {"practitioner_a": 404, "practitioner_other_org": 404}
MANAGE_GET |= {"manager_a": 200, "manager_b": 404, "superuser": 200}
MANAGE_POST = {role: (302 if code == 200 else code) for role, code in MANAGE_GET.items()}

CASES = [
    ("dashboard", "get", lambda w: u("dashboard"), None, OK_GET),
    ("apply", "get", lambda w: u("apply"), None, OK_GET),
    ("register", "get", lambda w: u("register", w["session_today"].pk), None, REGISTER_GET),
    *[
        (
            f"booking {action}",
            "post",
            lambda w, action=action: u(
                "booking_action", w["session_today"].pk, w["booking"].pk, action
            ),
            {},
            REGISTER_POST,
        )
        for action in ("check-in", "no-show", "paid")
    ],
    (
        "booking cancel",
        "post",
        lambda w: u("booking_action", w["session_tomorrow"].pk, w["cancellable"].pk, "cancel"),
        {},
        REGISTER_POST,
    ),
    (
        "booking offer",
        "post",
        lambda w: u("booking_action", w["session_tomorrow"].pk, w["waiting"].pk, "offer"),
        {},
        REGISTER_POST,
    ),
    (
        "walk-in",
        "post",
        lambda w: u("add_walk_in", w["session_today"].pk),
        {"label": "Amira", "children": "1", "adults": "1"},
        REGISTER_POST,
    ),
    (
        "find family",
        "get",
        lambda w: u("find_family", w["session_tomorrow"].pk),
        None,
        REGISTER_GET,
    ),
    (
        "find family by number",
        "post",
        lambda w: u("find_family", w["session_tomorrow"].pk),
        {"query": "07911 123456"},
        REGISTER_GET,
    ),
    (
        "add family",
        "post",
        lambda w: u("add_family", w["session_tomorrow"].pk),
        "family",
        REGISTER_POST,
    ),
    (
        "book family form",
        "get",
        lambda w: u("book_family", w["session_tomorrow"].pk, w["contact_token"]),
        None,
        REGISTER_GET,
    ),
    (
        "book family",
        "post",
        lambda w: u("book_family", w["session_tomorrow"].pk, w["contact_token"]),
        "book family",
        REGISTER_POST,
    ),
    ("message form", "get", lambda w: u("message", w["session_today"].pk), None, REGISTER_GET),
    (
        "message send",
        "post",
        lambda w: u("message", w["session_today"].pk),
        {"subject": "Hello", "body": "See you soon."},
        REGISTER_POST,
    ),
    (
        "session edit",
        "get",
        lambda w: u("session_edit", w["session_tomorrow"].pk),
        None,
        REGISTER_GET,
    ),
    (
        "session save",
        "post",
        lambda w: u("session_edit", w["session_tomorrow"].pk),
        "session",
        REGISTER_POST,
    ),
    ("session new", "get", lambda w: u("session_create", w["activity"].pk), None, REGISTER_GET),
    (
        "session create",
        "post",
        lambda w: u("session_create", w["activity"].pk),
        "session",
        REGISTER_POST,
    ),
    (
        "manage index",
        "get",
        lambda w: u("manage"),
        None,
        MANAGE_GET | {"manager_a": 302, "manager_b": 302},  # one centre each: straight to it
    ),
    (
        "manage centre",
        "get",
        lambda w: u("manage_centre", w["champion"].centre_id),
        None,
        MANAGE_GET,
    ),
    ("manage log", "get", lambda w: u("manage_log", w["champion"].centre_id), None, MANAGE_GET),
    (
        "application",
        "get",
        lambda w: u("manage_application", w["application"].pk),
        None,
        MANAGE_GET,
    ),
    (
        "approve",
        "post",
        lambda w: u("manage_application", w["application"].pk),
        {"decision": "approve"},
        MANAGE_POST,
    ),
    (
        "decline",
        "post",
        lambda w: u("manage_application", w["application"].pk),
        {"decision": "decline", "reason": "Not now."},
        MANAGE_POST,
    ),
    ("champion", "get", lambda w: u("manage_champion", w["champion"].pk), None, MANAGE_GET),
    (
        "checks",
        "post",
        lambda w: u("manage_checks", w["champion"].pk),
        {"dbs_checked_on": "2026-01-05", "training_completed_on": "2026-02-01"},
        MANAGE_POST,
    ),
    ("suspend", "post", lambda w: u("manage_status", w["champion"].pk, "suspend"), {}, MANAGE_POST),
    (
        "reinstate",
        "post",
        lambda w: u("manage_status", w["champion"].pk, "reinstate"),
        {},
        MANAGE_POST,
    ),
    (
        "host",
        "post",
        lambda w: u("manage_host", w["champion"].pk),
        "host",
        MANAGE_POST,
    ),
    (
        "unhost",
        "post",
        lambda w: u("manage_unhost", w["champion"].pk, w["hosting"].pk),
        {},
        MANAGE_POST,
    ),
    (
        "invite practitioner",
        "post",
        lambda w: u("invite_practitioner", w["champion"].centre_id),
        "invite",
        MANAGE_POST,
    ),
    (
        "remove practitioner",
        "post",
        lambda w: u("remove_practitioner", w["practitioner"].pk),
        {},
        MANAGE_POST,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_every_url_answers_each_role_as_expected(
    client, world, role, name, method, url, data, expected
):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    if name == "reinstate":
        Champion.objects.filter(pk=world["champion"].pk).update(status="suspended")
    if data == "session":
        data = session_post(world)
    elif data == "invite":
        data = {"email": "new.practitioner@example.org", "partner": world["partner"].pk}
    elif data == "family":
        data = {
            "first_name": "Ada",
            "mobile": "07911 123457",
            "contact_by": "text",
            "consent": "agreed by phone on 3 March",
        }
    elif data == "book family":
        data = {"children": [world["contact_child"].pk]}
    elif data == "host":
        extra = SessionFactory(activity=world["activity"], start=in_days(2))
        data = {"what": f"session-{extra.pk}"}
    response = getattr(client, method)(url(world), data)
    assert response.status_code == expected[role], response.content[:500]
    if expected[role] == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if expected[role] == 302 and role != "anonymous" and method == "post":
        # Done, not refused: no error message waits on the next page.
        follow = client.get(response["Location"])
        # (The register's panel for check-ins refused while offline is there, hidden, always.)
        shown = follow.content.decode().replace(
            '<div id="offline-conflicts" class="alert alert-danger" role="alert" hidden>', ""
        )
        assert "alert-danger" not in shown


def test_state_changing_urls_refuse_get(client, world):
    client.force_login(world["users"]["champion_a"])
    w = world
    for url in [
        u("booking_action", w["session_today"].pk, w["booking"].pk, "check-in"),
        u("add_walk_in", w["session_today"].pk),
    ]:
        assert client.get(url).status_code == 405
    assert Booking.objects.get(pk=w["booking"].pk).attendance == ""


def test_tampered_ids_answer_404(client, world, other_session):
    w = world
    client.force_login(w["users"]["champion_a"])
    stranger = book(other_session, first_name="Other")
    # A booking of another session, through A's register.
    url = u("booking_action", w["session_today"].pk, stranger.pk, "check-in")
    assert client.post(url).status_code == 404
    unknown_action = u("booking_action", w["session_today"].pk, w["booking"].pk, "delete")
    assert client.post(unknown_action).status_code == 404
    assert client.get(u("register", 999999)).status_code == 404
    client.force_login(w["users"]["manager_a"])
    assert client.post(u("manage_status", w["champion"].pk, "promote")).status_code == 404
    stranger_champion = ChampionFactory(centre=other_session.centre)
    hosting = HostingFactory(champion=stranger_champion, activity=other_session.activity)
    url = u("manage_unhost", w["champion"].pk, hosting.pk)
    assert client.post(url).status_code == 404
    assert Hosting.objects.filter(pk=hosting.pk).exists()


# --- What a register shows ---------------------------------------------------------------------


def test_register_shows_only_what_the_host_needs_and_logs_the_view(client, champion, session_today):
    booking = book(session_today, first_name="Jo", last_name="Bloggs", children=2)
    booking.access_notes = "Uses a wheelchair; needs the ramp."
    booking.save()
    book(
        session_today,
        first_name="Wen",
        last_name="Wait",
        status=Booking.Status.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    client.force_login(champion.user)
    page = client.get(u("register", session_today.pk)).content.decode()
    assert "Jo B." in page and "Jokid0 (2 years)" in page and "Jokid1 (2 years)" in page
    assert "Bloggs" not in page and "Wen Wait" not in page
    assert "Uses a wheelchair; needs the ramp." in page
    assert "Wen W." in page
    assert booking.parent.email not in page and "@" not in page.split("<main", 1)[1]
    assert '<dd id="places-left">2</dd>' in page  # 4 places, 2 taken
    entry = SessionLogEntry.objects.get()
    assert (entry.action, entry.user, entry.session) == (
        "startwell.register.viewed",
        champion.user,
        session_today,
    )


def test_register_queries_do_not_grow_with_bookings(client, champion, activity):
    def count_for(n):
        session = SessionFactory(activity=activity, start=started_earlier_today(), capacity=200)
        for i in range(n):
            book(session, first_name=f"P{i}", children=2)
        WalkIn.objects.create(session=session, label="W", children=1, places=1)
        client.get(u("register", session.pk))  # the first request of a sign-in reads its facts
        with CaptureQueriesContext(connection) as queries:
            response = client.get(u("register", session.pk))
        assert response.status_code == 200
        return len(queries)

    client.force_login(champion.user)
    # Sign-in (2), session with standing, champion, audit entry, bookings, parents, children,
    # walk-ins. (The session's venue, activity and centre are kept between changes.)
    assert count_for(1) == count_for(60) == 9


def test_dashboard_and_manager_pages_queries_do_not_grow(client, champion, manager, activity):
    def sessions(n):
        for i in range(n):
            session = SessionFactory(activity=activity, start=in_days(1 + i % 20))
            book(session, first_name=f"S{i}")

    def count(user, url):
        client.force_login(user)
        client.get(url)  # the first request of a login warms per-process caches (site, etc.)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    centre_url = u("manage_centre", champion.centre_id)
    sessions(1)
    few = count(champion.user, u("dashboard")), count(manager, centre_url)
    sessions(30)
    for _ in range(10):
        other = ChampionFactory(centre=champion.centre)
        HostingFactory(champion=other, activity=activity)
        ChampionApplicationFactory(centre=champion.centre)
    many = count(champion.user, u("dashboard")), count(manager, centre_url)
    assert few == many


def test_dashboard_lists_hosted_sessions_and_check_warnings(client, champion, session_today):
    champion.training_completed_on = timezone.localdate() - datetime.timedelta(days=3 * 365 - 10)
    champion.save()
    client.force_login(champion.user)
    page = client.get(u("dashboard")).content.decode()
    assert "Stay and play" in page and "Today" in page
    assert "Safeguarding training: lapses on" in page
    assert "0 of 4 places taken" in page


# --- Bad input, answered in place --------------------------------------------------------------


def test_applying_twice_is_answered_next_to_the_centre(client, parent, centre):
    client.force_login(parent)
    data = {"centre": centre.pk, "why": "Help.", "strengths": "Songs.", "availability": "Mon."}
    assert client.post(u("apply"), data).status_code == 302
    response = client.post(u("apply"), data)
    assert response.status_code == 200
    assert "already have an application waiting" in response.content.decode()
    assert ChampionApplication.objects.count() == 1


def test_empty_application_writes_nothing(client, parent, centre):
    client.force_login(parent)
    response = client.post(u("apply"), {"centre": centre.pk, "why": "", "strengths": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ChampionApplication.objects.exists()


def test_walk_in_without_a_name_is_refused_in_place(client, champion, session_today):
    client.force_login(champion.user)
    response = client.post(
        u("add_walk_in", session_today.pk), {"label": "", "children": "1", "adults": "1"}
    )
    assert response.status_code == 400
    assert "Give a first name or a label for the family." in response.content.decode()
    assert not WalkIn.objects.exists()


def test_walk_in_over_capacity_asks_for_the_confirmation(client, champion, session_today):
    book(session_today, children=3)
    client.force_login(champion.user)
    data = {"label": "Amira", "children": "2", "adults": "1"}
    response = client.post(u("add_walk_in", session_today.pk), data)
    assert response.status_code == 400
    assert "Take the session over capacity" in response.content.decode()
    assert not WalkIn.objects.exists()
    response = client.post(u("add_walk_in", session_today.pk), data | {"over_capacity": "on"})
    assert response.status_code == 302
    assert WalkIn.objects.get().over_capacity
    assert (
        SessionLogEntry.objects.filter(action="startwell.register.walk_in_over_capacity").count()
        == 1
    )


def test_attendance_before_the_day_is_refused_with_a_message(client, champion, session_tomorrow):
    booking = book(session_tomorrow)
    client.force_login(champion.user)
    url = u("booking_action", session_tomorrow.pk, booking.pk, "check-in")
    page = client.post(url, follow=True).content.decode()
    assert "Attendance can be marked from the day of the session" in page
    booking.refresh_from_db()
    assert booking.attendance == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "This field is required."), ("x" * 2001, "at most 2000 characters")],
)
def test_bad_messages_are_refused_in_place(client, champion, session_today, body, message):
    book(session_today)
    client.force_login(champion.user)
    response = client.post(u("message", session_today.pk), {"subject": "Hi", "body": body})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_suspended_or_lapsed_champion_is_told_why(client, champion, session_today):
    client.force_login(champion.user)
    Champion.objects.filter(pk=champion.pk).update(status=Champion.Status.SUSPENDED)
    response = client.get(u("register", session_today.pk))
    assert response.status_code == 403
    assert "is suspended" in response.content.decode()
    Champion.objects.filter(pk=champion.pk).update(status="active", dbs_checked_on=None)
    response = client.get(u("register", session_today.pk))
    assert response.status_code == 403
    assert "not current" in response.content.decode()
    assert not SessionLogEntry.objects.exists()


def test_declining_without_a_reason_is_refused_in_place(client, manager, centre):
    application = ChampionApplicationFactory(centre=centre)
    client.force_login(manager)
    response = client.post(u("manage_application", application.pk), {"decision": "decline"})
    assert response.status_code == 400
    assert "Say why the application is declined" in response.content.decode()
    application.refresh_from_db()
    assert application.is_open


def test_assigning_a_host_without_checks_is_refused_in_place(client, manager, centre, activity):
    unchecked = ChampionFactory(centre=centre, training_completed_on=None)
    client.force_login(manager)
    response = client.post(u("manage_host", unchecked.pk), {"what": f"activity-{activity.pk}"})
    assert response.status_code == 400
    assert "cannot host sessions for children" in response.content.decode()
    assert not Hosting.objects.filter(champion=unchecked).exists()


# --- A manager reads the trail -------------------------------------------------------------------


def test_manager_reads_who_viewed_and_changed_registers(client, champion, manager, session_today):
    booking = book(session_today)
    client.force_login(champion.user)
    client.get(u("register", session_today.pk))
    client.post(u("booking_action", session_today.pk, booking.pk, "check-in"))
    client.force_login(manager)
    page = client.get(u("manage_log", session_today.centre_id)).content.decode()
    assert "Viewed the register" in page and "Checked a family in" in page
    assert f"Booking {booking.reference}" in page
    assert "Chris Host" in page


def test_champions_link_in_the_header_only_for_champions_and_managers(
    client, parent, champion, manager
):
    practitioner = PractitionerFactory(centre=champion.centre).user
    for user, shown in [
        (parent, False),
        (champion.user, True),
        (manager, True),
        (practitioner, True),
    ]:
        client.force_login(user)
        page = client.get(reverse("search")).content.decode()
        assert ('href="/champions/"' in page) is shown


def test_adults_session_can_be_run_with_lapsed_checks(client, centre):
    champion = ChampionFactory(centre=centre, dbs_checked_on=None)
    adults = ActivityPageFactory(parent=centre, adults_only=True, max_age_months=None)
    HostingFactory(champion=champion, activity=adults)
    session = SessionFactory(activity=adults, start=started_earlier_today())
    client.force_login(champion.user)
    assert client.get(u("register", session.pk)).status_code == 200


def test_a_parent_without_a_name_is_shown_by_booking_reference(client, champion, session_today):
    booking = book(session_today, first_name="", last_name="")
    client.force_login(champion.user)
    page = client.get(u("register", session_today.pk)).content.decode()
    assert f"Booking {booking.reference}" in page
    assert booking.parent.email.split("@")[0] not in page


def test_suspended_host_is_told_why_they_cannot_change_sessions(
    client, champion, session_tomorrow, activity
):
    Champion.objects.filter(pk=champion.pk).update(status=Champion.Status.SUSPENDED)
    client.force_login(champion.user)
    for url in [u("session_edit", session_tomorrow.pk), u("session_create", activity.pk)]:
        response = client.get(url)
        assert response.status_code == 403
        assert "is suspended" in response.content.decode()
    response = client.post(u("session_edit", session_tomorrow.pk), session_post(None))
    assert response.status_code == 403
    session_tomorrow.refresh_from_db()
    assert session_tomorrow.capacity == 4


def test_a_manager_without_a_second_factor_is_sent_to_set_one_up(client, centre):
    manager = UserFactory()
    manager.groups.add(centre.manager_group)
    client.force_login(manager)
    response = client.get(u("manage_centre", centre.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_access_notes_given_when_booking_reach_the_register(
    client, champion, session_tomorrow, parent
):
    kid = ChildFactory(parent=parent, first_name="Zoe")
    client.force_login(parent)
    response = client.post(
        reverse("bookings:book", args=[session_tomorrow.pk]),
        {"children": [kid.pk], "access_notes": "  Zoe uses a walking frame. "},
    )
    assert response.status_code == 302
    assert Booking.objects.get(parent=parent).access_notes == "Zoe uses a walking frame."
    client.force_login(champion.user)
    page = client.get(u("register", session_tomorrow.pk)).content.decode()
    assert "Zoe (2 years)" in page and "Zoe uses a walking frame." in page


def test_walk_ins_count_in_the_public_timetable(client, champion, session_today):
    book(session_today, children=3)
    client.force_login(champion.user)
    client.post(
        u("add_walk_in", session_today.pk), {"label": "Amira", "children": "1", "adults": "1"}
    )
    session = with_places(Session.objects.filter(pk=session_today.pk)).get()
    assert (session.places_taken, session.places_left) == (4, 0)


def test_amount_due_at_the_centre_is_shown_and_taken_on_the_register(
    client, champion, session_today
):
    booking = book(session_today, first_name="Ana", last_name="Paid")
    Booking.objects.filter(pk=booking.pk).update(payment_due_at_centre=True, amount_pence=350)
    client.force_login(champion.user)
    page = client.get(u("register", session_today.pk)).content.decode()
    assert "£3.50 to pay at the centre" in page
    assert 'aria-label="Paid at the centre: Ana P."' in page  # the button
    response = client.post(u("booking_action", session_today.pk, booking.pk, "paid"))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.paid_at_centre_at and not booking.payment_due_at_centre
    assert logged(session_today, "paid_at_centre") == [
        (champion.user.pk, f"Booking {booking.reference}")
    ]
    page = client.get(u("register", session_today.pk)).content.decode()
    assert "to pay at the centre" not in page and "Paid at the centre</span>" in page
