"""One rule for staff: every URL pattern in the URLconf, as a staff member who has not completed
a second factor in this sign-in, leads to set-up (no authenticator yet) or to proving it (one
set up, not used yet); only a short, explicit list of pages is exempt. With the second factor
completed, none of those pages sends them there."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import resolve, reverse

from startwell.middleware import EXEMPT_PACKAGES, EXEMPT_VIEWS, is_exempt
from tests.accounts import activate_totp, sign_in, totp_code
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    PractitionerFactory,
    SessionFactory,
    UserFactory,
)
from tests.factories.codesign import CommentFactory, IdeaFactory
from tests.urlconf import every_url

# Where the rule sends staff (set-up and proving it are under /2fa/) and where signing out would.
# allauth's password check before a sensitive change (deleting an account) is not this rule.
SECOND_FACTOR_PAGES = ("/accounts/2fa/", "/accounts/login/")
# Wagtail's admin has a page that fails on purpose, to test error reporting.
FAILS_ON_PURPOSE = {"wagtailadmin_error_test"}


@pytest.fixture
def rows(centre, parent):
    """One of each thing a staff page shows, so the paths carry ids of rows that exist."""
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    session = SessionFactory(activity=activity)
    child = ChildFactory(parent=parent)
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([child])
    champion = ChampionFactory(centre=centre)
    hosting = HostingFactory(champion=champion, activity=activity)
    idea = IdeaFactory(centre=centre, proposer=parent)
    return {
        "session_id": session.pk,
        "activity_id": activity.pk,
        "booking_id": booking.pk,
        "reference": booking.reference,
        "child_id": child.pk,
        "centre_id": centre.pk,
        "champion_id": champion.pk,
        "hosting_id": hosting.pk,
        "application_id": ChampionApplicationFactory(centre=centre).pk,
        "pk": idea.pk,
        "comment_id": CommentFactory(idea=idea).pk,
        "slug": centre.slug,
        "page_id": centre.pk,
    }


def staff_walk(rows):
    walked = every_url(rows)
    assert len(walked) > 250  # the whole URLconf, Wagtail's admin included
    return [w for w in walked if not is_exempt(resolve(w.path))]


def manager_group_member(centre):
    person = UserFactory(email="new.manager@example.org")
    person.groups.add(centre.manager_group)
    return person


def superuser(centre):
    return UserFactory(email="root@example.org", is_superuser=True)


def django_staff(centre):
    return UserFactory(email="staff@example.org", is_staff=True)


def practitioner(centre):
    return PractitionerFactory(centre=centre, user=UserFactory(email="hv@example.org")).user


@pytest.mark.parametrize(
    "make_staff", [manager_group_member, superuser, django_staff, practitioner]
)
def test_staff_without_an_authenticator_are_sent_to_set_one_up_from_every_page(
    centre, rows, make_staff
):
    client = Client()
    client.force_login(make_staff(centre))
    protected = staff_walk(rows)

    for walked in protected:
        for method in (client.get, client.post):
            response = method(walked.path)
            assert response.status_code == 302, (walked.view_name, walked.path)
            assert response["Location"] == reverse("mfa_index"), (walked.view_name, walked.path)


def test_staff_with_an_authenticator_not_used_in_this_sign_in_must_prove_it(centre, rows, manager):
    activate_totp(manager)
    client = Client()  # signed in without the second factor step, as an old session would be
    client.force_login(manager)

    for walked in staff_walk(rows):
        response = client.get(walked.path)
        expected = f"{reverse('mfa_reauthenticate')}?{urlencode({'next': walked.path})}"
        assert response.status_code == 302, (walked.view_name, walked.path)
        assert response["Location"] == expected, (walked.view_name, walked.path)


def test_staff_who_completed_the_second_factor_are_not_sent_back(centre, rows, manager):
    secret = activate_totp(manager)
    client = Client(raise_request_exception=False)
    sign_in(client, manager, totp_secret=secret)

    for walked in staff_walk(rows):
        response = client.get(walked.path)
        location = response.get("Location", "")
        assert not location.startswith(SECOND_FACTOR_PAGES), (walked.view_name, location)
        if walked.view_name not in FAILS_ON_PURPOSE:
            assert response.status_code < 500, (walked.view_name, walked.path)
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_proving_the_second_factor_returns_to_the_page(client, centre, rows, manager):
    secret = activate_totp(manager)
    plain = Client()
    plain.force_login(manager)
    register = reverse("parent_champions:register", args=[rows["session_id"]])
    sent = plain.get(register)["Location"]

    back = plain.post(sent, {"code": totp_code(secret)})

    assert back.status_code == 302
    assert back["Location"] == register
    assert plain.get(register).status_code == 200


def test_exempt_pages_open_before_the_second_factor(centre, rows, manager):
    client = Client()
    client.force_login(manager)
    exempt = [w for w in every_url(rows) if is_exempt(resolve(w.path))]

    assert {w.view_name for w in exempt} >= {"healthz", "wagtail_serve", "mfa_index"}
    for walked in exempt:
        response = client.get(walked.path)
        location = response.get("Location", "")
        assert not location.startswith(reverse("mfa_index")), walked.view_name


def test_the_exempt_list_is_short_and_names_real_pages(rows):
    """Each exemption names one view and says why; allauth's pages are exempt as a package and
    all live under /accounts/ (sign-in, sign-out, password, e-mail, second-factor set-up), the
    public directory API's under /openreferral/."""
    assert EXEMPT_PACKAGES == ("allauth", "openreferral")
    assert len(EXEMPT_VIEWS) <= 8
    assert all(reason.strip() for reason in EXEMPT_VIEWS.values())
    names_in_urlconf = {w.view_name for w in every_url(rows)}
    # Media is served by Django only with DEBUG on (and tests run with it off).
    assert set(EXEMPT_VIEWS) - names_in_urlconf == {"django.views.static.serve"}
    for walked in every_url(rows):
        match = resolve(walked.path)
        if is_exempt(match) and match.view_name not in EXEMPT_VIEWS:
            assert walked.path.startswith(("/accounts/", "/openreferral/")), walked.view_name


def test_parents_are_not_asked_for_a_second_factor(client, parent, rows):
    client.force_login(parent)

    for path in [reverse("bookings:booking_list"), reverse("child_list"), reverse("codesign:new")]:
        assert client.get(path).status_code == 200, path
