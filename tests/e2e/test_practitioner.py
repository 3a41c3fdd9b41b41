"""On a phone: a centre manager invites a health visitor as a practitioner of their team; the
health visitor chooses a password from the invitation, sets up a second factor (an
authenticator app) and runs the register of the team's drop-in. axe-core checks each new page."""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Attendance, Booking
from parent_champions.models import Practitioner
from tests.accounts import activate_totp, totp_code
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChildFactory,
    PartnerOrganisationFactory,
    SessionFactory,
    UserFactory,
)
from tests.support.accessibility import assert_accessible
from tests.support.times import started_earlier_today

NEW_PASSWORD = "weigh-the-babies-2027"  # noqa: S105


@pytest.fixture
def drop_in(centre):
    team = PartnerOrganisationFactory(name="Health Visiting Team", kind="health_visiting")
    activity = ActivityPageFactory(
        parent=centre, title="Health visitor drop-in", delivered_by="partner", partner=team
    )
    start = started_earlier_today()
    session = SessionFactory(
        activity=activity, start=start, end=start + datetime.timedelta(hours=3), capacity=10
    )
    parent = UserFactory(first_name="Ada", last_name="Lovelace")
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([ChildFactory(parent=parent, first_name="Mo")])
    return session


@pytest.fixture
def centre_manager(centre):
    person = UserFactory(first_name="Morgan", last_name="Manager")
    person.groups.add(centre.manager_group)
    activate_totp(person)
    return person


def test_manager_invites_a_practitioner_who_runs_the_drop_in_register_on_a_phone(
    live_server, page, sign_in, centre, centre_manager, drop_in
):
    sign_in(page, centre_manager)
    page.goto(f"{live_server.url}/champions/manage/centres/{centre.pk}/")
    expect(page.get_by_role("heading", name="Invite a practitioner")).to_be_visible()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("We could not send the invitation")
    assert_accessible(page)
    page.get_by_label("Their work e-mail address").fill("hana.visitor@nhs.example")
    page.get_by_label("The organisation they work for").select_option(label="Health Visiting Team")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to hana.visitor@nhs.example")).to_be_visible()
    assert_accessible(page)
    assert Practitioner.objects.filter(user__email="hana.visitor@nhs.example").exists()

    # The health visitor opens the invitation on their phone and chooses a password.
    page.context.clear_cookies()
    [invitation] = mail.outbox
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+)", invitation.body)
    page.goto(live_server.url + link.group(1))
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/"))

    page.goto(f"{live_server.url}/accounts/login/?next=/champions/")
    page.get_by_label("E-mail").fill("hana.visitor@nhs.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.locator("main form").first.get_by_role("button", name="Sign in").click()

    # Like all staff, straight to choosing a second factor.
    expect(page).to_have_url(live_server.url + "/accounts/2fa/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(NEW_PASSWORD)
        page.locator("main form").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(live_server.url + "/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))

    page.goto(live_server.url + "/champions/")
    expect(page.get_by_role("heading", name="Your organisation's sessions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Health visitor drop-in\W+today")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Health visitor drop-in")
    expect(page.get_by_text("Mo (2 years)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check in Ada L.").click()
    expect(page.get_by_text("Ada L. is checked in.")).to_be_visible()
    assert_accessible(page)
    assert Booking.objects.get(session=drop_in).attendance == Attendance.ATTENDED
