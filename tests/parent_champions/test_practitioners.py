"""Practitioners: a centre's manager invites a partner organisation's member of staff by e-mail;
the practitioner, with a second factor like all staff, runs the registers and sessions of their
organisation's activities at the centres they were invited to, messages those families, and
reaches nothing else (404)."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from bookings.models import Session, SessionLogEntry, WalkIn
from parent_champions.models import Practitioner
from parent_champions.services.practitioners import GROUP_NAME
from privacy.selectors import is_staff_account
from startwell.second_factor import is_staff_member
from tests.accounts import activate_totp
from tests.factories import (
    ActivityPageFactory,
    PartnerOrganisationFactory,
    PractitionerFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.bookings import book
from tests.support.registers import logged
from tests.support.times import in_days, started_earlier_today

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"parent_champions:{name}", args=args)


@pytest.fixture
def health():
    return PartnerOrganisationFactory(name="Health Visiting Team", kind="health_visiting")


@pytest.fixture
def drop_in(centre, health):
    return ActivityPageFactory(
        parent=centre, title="Health visitor drop-in", delivered_by="partner", partner=health
    )


@pytest.fixture
def drop_in_today(drop_in):
    start = started_earlier_today()
    return SessionFactory(
        activity=drop_in, start=start, end=start + datetime.timedelta(hours=2), capacity=6
    )


@pytest.fixture
def practitioner(centre, health):
    role = PractitionerFactory(
        centre=centre, partner=health, user=UserFactory(first_name="Hana", last_name="Visitor")
    )
    activate_totp(role.user)
    return role


# --- Inviting ------------------------------------------------------------------------------------


def invite(client, centre, email, partner):
    return client.post(
        u("invite_practitioner", centre.pk),
        {"email": email, "partner": partner.pk if partner else ""},
    )


def test_a_manager_invites_someone_new_who_chooses_a_password_from_the_email(
    client, manager, centre, health
):
    client.force_login(manager)
    response = invite(client, centre, "hana@nhs.example", health)
    assert response.status_code == 302
    role = Practitioner.objects.get()
    assert (role.user.email, role.partner, role.centre, role.invited_by) == (
        "hana@nhs.example",
        health,
        centre,
        manager,
    )
    assert not role.user.has_usable_password()
    assert EmailAddress.objects.get(user=role.user).verified
    assert role.user.groups.filter(name=GROUP_NAME).exists()
    assert is_staff_member(role.user)
    assert is_staff_account(role.user)  # closed by the borough, not deleted by its holder
    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to hana@nhs.example" in page
    assert "hana@nhs.example, Health Visiting Team" in page

    [email] = mail.outbox
    assert email.to == ["hana@nhs.example"]
    assert "Health Visiting Team's sessions at Northfield Centre" in email.subject
    assert "second factor" in email.body
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+)", email.body).group(1)
    fresh = Client()
    opened = fresh.get(link, follow=True)
    assert opened.status_code == 200
    assert "password" in opened.content.decode().lower()


def test_inviting_someone_with_an_account_gives_them_the_role(
    client, manager, centre, health, parent
):
    client.force_login(manager)
    assert invite(client, centre, parent.email.upper(), health).status_code == 302
    assert Practitioner.objects.get().user == parent
    assert parent.has_usable_password()
    [email] = mail.outbox
    assert "/champions/" in email.body and "password/reset" not in email.body


def test_inviting_an_email_that_already_has_a_practitioner_role_here_says_so(
    client, manager, centre, practitioner
):
    client.force_login(manager)
    other = PartnerOrganisationFactory(name="Early Help Team")
    response = invite(client, centre, practitioner.user.email, other)
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not send the invitation" in html
    assert (
        f"{practitioner.user.email} is already a practitioner at Northfield Centre, for "
        "Health Visiting Team." in html
    )
    assert Practitioner.objects.get() == practitioner
    assert not mail.outbox


@pytest.mark.parametrize(
    ("email", "partner", "message"),
    [
        ("", True, "Enter the e-mail address to send the invitation to."),
        ("not an address", True, "Enter an e-mail address, like name@example.org."),
        ("someone@example.org", False, "Choose the organisation they work for."),
    ],
)
def test_bad_invitations_are_refused_next_to_the_field(
    client, manager, centre, health, email, partner, message
):
    client.force_login(manager)
    response = invite(client, centre, email, health if partner else None)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Practitioner.objects.exists()
    assert not mail.outbox


def test_only_the_centres_managers_invite_and_remove(
    client, other_manager, centre, health, practitioner, champion
):
    client.force_login(other_manager)
    assert invite(client, centre, "x@example.org", health).status_code == 404
    assert client.post(u("remove_practitioner", practitioner.pk)).status_code == 404
    client.force_login(champion.user)
    assert invite(client, centre, "x@example.org", health).status_code == 404
    client.force_login(practitioner.user)
    assert invite(client, centre, "x@example.org", health).status_code == 404
    assert client.post(u("remove_practitioner", practitioner.pk)).status_code == 404
    assert Practitioner.objects.count() == 1


def test_removing_the_last_role_takes_the_practitioners_group_away(
    client, manager, practitioner, drop_in_today
):
    client.force_login(manager)
    assert client.post(u("remove_practitioner", practitioner.pk)).status_code == 302
    assert not Practitioner.objects.exists()
    user = type(practitioner.user).objects.get(pk=practitioner.user.pk)
    assert not user.groups.filter(name=GROUP_NAME).exists()
    client.force_login(user)
    assert client.get(u("register", drop_in_today.pk)).status_code == 404


# --- The second factor, like all staff -----------------------------------------------------------


def test_a_practitioner_must_set_up_then_prove_a_second_factor(centre, health, drop_in_today):
    role = PractitionerFactory(centre=centre, partner=health)
    plain = Client()
    plain.force_login(role.user)
    register = u("register", drop_in_today.pk)
    assert plain.get(register)["Location"] == reverse("mfa_index")
    activate_totp(role.user)
    assert plain.get(register)["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not SessionLogEntry.objects.exists()


# --- What a practitioner reaches -----------------------------------------------------------------


def test_a_practitioner_runs_their_organisations_sessions_here(
    client, practitioner, drop_in, drop_in_today
):
    booking = book(drop_in_today, first_name="Priya", last_name="Patel")
    client.force_login(practitioner.user)

    page = client.get(u("register", drop_in_today.pk)).content.decode()
    assert "Priya P." in page and "Patel" not in page
    assert logged(drop_in_today, "viewed") == [(practitioner.user.pk, "")]
    checked = client.post(u("booking_action", drop_in_today.pk, booking.pk, "check-in"))
    assert checked.status_code == 302
    walk_in = {"label": "Amira", "children": "1", "adults": "1"}
    assert client.post(u("add_walk_in", drop_in_today.pk), walk_in).status_code == 302
    assert WalkIn.objects.filter(session=drop_in_today).exists()
    sent = client.post(
        u("message", drop_in_today.pk), {"subject": "Scales", "body": "Bring the red book."}
    )
    assert sent.status_code == 302
    [email] = mail.outbox
    assert "From Hana, Health Visiting Team, on behalf of Northfield Centre." in email.body

    start = in_days(6)
    values = {
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "8",
        "max_places_per_booking": "2",
    }
    assert client.post(u("session_create", drop_in.pk), values).status_code == 302
    created = Session.objects.get(start=start)
    assert logged(created, "startwell.session.created")[0][0] == practitioner.user.pk
    values["capacity"] = "9"
    assert client.post(u("session_edit", created.pk), values).status_code == 302
    assert Session.objects.get(pk=created.pk).capacity == 9

    dashboard = client.get(u("dashboard")).content.decode()
    assert "Your organisation's sessions" in dashboard
    assert u("register", drop_in_today.pk) in dashboard
    assert u("session_create", drop_in.pk) in dashboard
    assert "Apply to be a champion" not in dashboard


def test_a_practitioner_reaches_nothing_else(
    client, practitioner, centre, other_centre, health, drop_in_today, session_today, manager
):
    other_org = ActivityPageFactory(
        parent=centre, delivered_by="partner", partner=PartnerOrganisationFactory()
    )
    other_org_session = SessionFactory(activity=other_org, start=in_days(1))
    same_org_elsewhere = ActivityPageFactory(
        parent=other_centre, delivered_by="partner", partner=health
    )
    elsewhere_session = SessionFactory(activity=same_org_elsewhere, start=in_days(1))
    booking = book(other_org_session)
    client.force_login(practitioner.user)
    for session in (other_org_session, elsewhere_session, session_today):
        for url in (
            u("register", session.pk),
            u("message", session.pk),
            u("session_edit", session.pk),
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(u("add_walk_in", session.pk), {"label": "X"}).status_code == 404
    action = u("booking_action", other_org_session.pk, booking.pk, "check-in")
    assert client.post(action).status_code == 404
    for activity in (other_org, same_org_elsewhere):
        assert client.get(u("session_create", activity.pk)).status_code == 404
    for url in (
        u("manage"),
        u("manage_centre", centre.pk),
        u("manage_log", centre.pk),
        u("assign_cover", drop_in_today.pk),
    ):
        assert client.get(url).status_code in (404, 405), url
    assert client.get("/admin/").status_code in (302, 403)  # no admin: no centre pages
    assert client.get("/admin/pages/").status_code in (302, 403)
    assert not WalkIn.objects.exists()
    assert not SessionLogEntry.objects.exclude(user=manager).exists()
