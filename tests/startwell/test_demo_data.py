"""The demo `make run` loads (`manage.py seed_demo`), as each app's step leaves it: a realistic
school year at five centres, with accounts that sign in; loading it again changes nothing.

The demo takes seconds to load, so this module loads it once, twice over, for all its tests
(inside a transaction rolled back when the module ends), and each test reads what it needs."""

import datetime
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, ReferenceIndex, Revision, Site

from bookings.demo import HOLIDAYS
from bookings.models import Booking, Course, HolidayPeriod, Session
from cms.models import (
    ActivityPage,
    CentrePage,
    Footprint,
    HomePage,
    PartnerOrganisation,
    PrivacyNoticePage,
    Venue,
)
from parent_champions.models import Champion, ChampionApplication, Hosting, Practitioner
from startwell.demo import CENTRES, DEMO_PASSWORD
from startwell.models import Child, User
from tests.accounts import activate_totp
from tests.support import page_tree

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """What a second load must leave as the first left it."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email")),
        "email addresses": EmailAddress.objects.count(),
        "pages": list(Page.objects.order_by("pk").values_list("pk", "title")),
        "revisions": Revision.objects.count(),
        "groups": Group.objects.count(),
        "page permissions": GroupPagePermission.objects.count(),
        "venues": Venue.objects.count(),
        "footprints": Footprint.objects.count(),
        "holidays": list(HolidayPeriod.objects.values_list("name", "start_date", "end_date")),
        "courses": list(Course.objects.order_by("pk").values_list("pk", "capacity")),
        "sessions": list(Session.objects.order_by("pk").values_list("pk", "start", "capacity")),
        "bookings": list(Booking.objects.order_by("pk").values_list("pk", "session", "places")),
        "children": list(Child.objects.order_by("pk").values_list("pk", "first_name")),
        "champions": list(Champion.objects.order_by("pk").values_list("pk", "user")),
        "hostings": list(Hosting.objects.order_by("pk").values_list("champion", "activity")),
        "applications": ChampionApplication.objects.count(),
        "partners": list(PartnerOrganisation.objects.order_by("pk").values_list("pk", "name")),
        "practitioners": list(Practitioner.objects.values_list("user", "partner", "centre")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice on a fresh install's pages, with what each load left."""
    with django_db_blocker.unblock(), transaction.atomic():
        page_tree.remove_page_tree()
        output = StringIO()
        call_command("seed_demo", stdout=output)
        first = snapshot()
        call_command("seed_demo", stdout=StringIO())
        yield SimpleNamespace(output=output.getvalue(), first=first, second=snapshot())
        transaction.set_rollback(True)


def test_loading_the_demo_again_changes_nothing(demo):
    assert demo.second == demo.first
    assert "parent@startwell.example" in demo.output
    assert DEMO_PASSWORD in demo.output


def test_the_site_has_the_portals_name_and_address(demo, client, settings):
    site = Site.objects.get(is_default_site=True)
    assert (site.site_name, site.root_url) == ("Start Well", settings.SITE_URL)
    # The admin home's heading is the site's name, not its host.
    manager = User.objects.get(email="manager.northfield@startwell.example")
    activate_totp(manager)
    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Start Well\s*</h1>", html)


def test_five_centres_with_venues_partners_and_one_asking_champions_for_a_second_factor(demo):
    assert CentrePage.objects.live().originals().count() == 5
    assert all(centre.venues.exists() for centre in CentrePage.objects.originals())
    assert all(centre.partners.count() == 5 for centre in CentrePage.objects.originals())
    assert all(venue.latitude for venue in Venue.objects.all())
    partner_activities = ActivityPage.objects.filter(delivered_by="partner")
    assert partner_activities.exists()
    assert not partner_activities.filter(partner__isnull=True).exists()
    asking = CentrePage.objects.originals().filter(champions_need_second_factor=True)
    assert {centre.slug for centre in asking} == {"northfield"}


def test_each_partner_knows_the_centres_listing_it(demo):
    """Wagtail's reference index (the admin's "used by"), which the demo's listings, written in
    bulk, ask for themselves."""
    partner = PartnerOrganisation.objects.get(name="Youth Justice Service")
    using = {
        reference.object_id
        for reference in ReferenceIndex.get_references_to(partner)
        if reference.model_path.startswith("partners.item")
    }
    assert {str(centre.pk) for centre in CentrePage.objects.originals()} <= using


def test_site_search_finds_the_demo_pages(demo):
    found = Page.objects.live().search("massage")
    assert {page.specific_class for page in found} == {ActivityPage}
    assert len(found) == 2 * len(CENTRES)  # the weekly sessions and the course at each centre


def test_each_demo_manager_is_in_exactly_their_centres_group(demo):
    centres = CentrePage.objects.originals()
    manager_groups = {centre.manager_group for centre in centres}
    assert len(manager_groups) == 5
    for centre in centres:
        manager = User.objects.get(email=f"manager.{centre.slug}@startwell.example")
        assert list(manager.groups.all()) == [centre.manager_group]
        assert not manager.is_superuser


def test_the_demo_practitioner_runs_the_health_visitors_sessions_at_northfield(demo):
    [role] = Practitioner.objects.select_related("user", "partner", "centre")
    assert role.user.email == "practitioner.northfield@startwell.example"
    assert (role.partner.name, role.centre.slug) == ("Health Visiting Team", "northfield")
    assert role.user.has_perm("parent_champions.run_partner_sessions")
    assert "practitioner.northfield@startwell.example" in demo.output


def test_demo_accounts_can_sign_in(demo):
    for email in ["parent@startwell.example", "admin@startwell.example"]:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user, email=email).verified
    assert User.objects.get(email="admin@startwell.example").is_superuser


def test_demo_timetable_is_a_realistic_school_year(demo):
    assert len(demo.first["holidays"]) == len(HOLIDAYS)
    centres = CentrePage.objects.originals()
    per_centre = Session.objects.values("centre").annotate(n=Count("pk"))
    assert {row["centre"] for row in per_centre} == set(centres.values_list("pk", flat=True))
    assert all(row["n"] > 150 for row in per_centre)
    for centre in centres:
        activities = ActivityPage.objects.child_of(centre)
        assert activities.count() == 7
        assert {"stay_and_play", "baby_toddler", "holiday_club", "antenatal"} <= set(
            activities.values_list("category", flat=True)
        )

    # Term-time activities skip the holidays; the holiday club runs only in them.
    christmas = HolidayPeriod.objects.get(name="Christmas holidays")
    in_christmas = Session.objects.filter(
        start__date__gte=christmas.start_date, start__date__lte=christmas.end_date
    )
    assert in_christmas.exists()
    assert set(in_christmas.values_list("activity__slug", flat=True)) == {"holiday-club"}
    # The course runs from a week after loading; the rest is the school year.
    year = Session.objects.filter(course__isnull=True).values_list("start", flat=True)
    starts = [timezone.localtime(s) for s in year]
    assert min(starts).date() >= datetime.date(2026, 9, 3)
    assert max(starts).date() <= datetime.date(2027, 7, 22)
    assert datetime.date(2026, 12, 25) not in {s.date() for s in starts}


def test_each_demo_centre_runs_a_five_week_course_clear_of_holidays(demo):
    for centre in CentrePage.objects.originals():
        [course] = Course.objects.filter(centre=centre)
        assert course.activity.is_course
        sessions = list(course.sessions.all())
        assert len(sessions) == 5
        assert all(session.start > timezone.now() for session in sessions)
        for holiday in HolidayPeriod.objects.all():
            assert not any(
                holiday.start_date <= timezone.localtime(s.start).date() <= holiday.end_date
                for s in sessions
            )


def test_the_demo_parent_has_two_children_and_upcoming_bookings(demo):
    children = Child.objects.filter(parent__email="parent@startwell.example")
    assert children.count() == 2
    bookings = Booking.objects.filter(parent__email="parent@startwell.example")
    if Session.objects.filter(start__gt=timezone.now() + datetime.timedelta(days=1)).exists():
        assert bookings.count() == 3
        assert all(b.status == Booking.Status.CONFIRMED for b in bookings)


def test_each_demo_champion_is_approved_with_current_checks(demo):
    champions = Champion.objects.select_related("user", "centre")
    assert sorted(c.user.email for c in champions) == sorted(
        f"champion.{spec.slug}@startwell.example" for spec in CENTRES
    )
    for champion in champions:
        assert champion.is_active and champion.checks_current
        assert champion.centre.slug in champion.user.email
        assert champion.approved_by.email == f"manager.{champion.centre.slug}@startwell.example"
    assert ChampionApplication.objects.filter(status="approved").count() == len(CENTRES)
    # The demo's champion-led activities have their centre's champion as host, once.
    led = ActivityPage.objects.filter(delivered_by="champions")
    assert led.exists()
    assert Hosting.objects.count() == led.count()
    for hosting in Hosting.objects.select_related("champion__centre", "activity"):
        assert hosting.activity.get_parent().pk == hosting.champion.centre.pk


def test_the_demo_has_one_privacy_notice_under_home(demo):
    [page] = PrivacyNoticePage.objects.live()
    assert page.get_parent().specific_class is HomePage
    assert "Who we are" in str(page.body)


def test_northfield_is_translated_into_polish_with_wagtail_localize(demo, client):
    from wagtail_localize.models import Translation

    response = client.get("/pl/centres/northfield/")

    assert response.status_code == 200
    polish = response.content.decode()
    assert '<html lang="pl">' in polish
    assert "<h1>Centrum Rodzinne Northfield</h1>" in polish
    assert Translation.objects.filter(target_locale__language_code="pl").count() == 1
    english = client.get("/centres/northfield/").content.decode()
    assert 'hreflang="pl"' in english
    assert "/pl/centres/northfield/" in english
