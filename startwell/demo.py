"""Demo data for the portal: five fictional centres with their venues and services, and one
account for each role. Every function here is safe to run again: it finds before it creates."""

import functools
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import CentreIndexPage, CentrePage, Footprint, HomePage, Venue
from cms.services import ensure_centre_manager_group
from codesign.demo import seed_codesign_demo
from parent_champions.demo import seed_champions_demo
from startwell.models import User

DEMO_PASSWORD = "startwell-demo"  # noqa: S105 - printed for people trying the demo

FOOTPRINTS = [
    "Northfield",
    "Riverside",
    "Eastgate",
    "Millbrook",
    "Hollins Park",
    "Westmoor",
    "Canal Side",
]

SERVICES = [
    {
        "kind": "health_visitors",
        "name": "Health Visiting Team",
        "description": "Baby weighing, feeding support and development reviews.",
        "when": "Tuesdays 9:30 to 11:30",
    },
    {
        "kind": "school_nurses",
        "name": "School Nursing Service",
        "description": "Health advice for children aged 5 to 19 and their families.",
        "when": "Thursdays by appointment",
    },
    {
        "kind": "early_help",
        "name": "Early Help Team",
        "description": "Someone to talk to when family life gets hard, before it becomes a crisis.",
        "when": "Weekdays, ask at reception",
    },
    {
        "kind": "youth_justice",
        "name": "Youth Justice Service",
        "description": "Support for young people and their families.",
        "when": "By referral",
    },
    {
        "kind": "voluntary",
        "name": "Little Steps Parent Group (voluntary)",
        "description": "Parent-led peer support and a toy library.",
        "when": "Fridays 10:00 to 12:00",
    },
]


@dataclass(frozen=True)
class DemoCentre:
    slug: str
    title: str
    school: str
    footprint: str
    street: str
    postcode: str
    venues: tuple[tuple[str, str, str, str], ...]


CENTRES = [
    DemoCentre(
        "northfield",
        "Northfield Start Well Centre (demo)",
        "Northfield Primary School",
        "Northfield",
        "1 School Lane\nNorthfield",
        "NF1 2AB",
        (
            ("Northfield Primary School hall", "school", "1 School Lane\nNorthfield", "NF1 2AB"),
            ("Northfield Medical Practice", "gp", "14 High Street\nNorthfield", "NF1 3CD"),
        ),
    ),
    DemoCentre(
        "riverside",
        "Riverside Start Well Centre (demo)",
        "Riverside Community Primary",
        "Riverside",
        "22 Wharf Road\nRiverside",
        "RS2 4EF",
        (
            ("Riverside Community Primary", "school", "22 Wharf Road\nRiverside", "RS2 4EF"),
            ("St Mary's Church Hall", "church_hall", "3 Church Street\nRiverside", "RS2 5GH"),
        ),
    ),
    DemoCentre(
        "eastgate",
        "Eastgate Start Well Centre (demo)",
        "Eastgate Infant and Nursery School",
        "Eastgate",
        "8 Orchard Way\nEastgate",
        "EG3 6JK",
        (
            ("Eastgate Infant and Nursery School", "school", "8 Orchard Way\nEastgate", "EG3 6JK"),
            ("Eastgate Community Hub", "community_hub", "40 Market Square\nEastgate", "EG3 7LM"),
        ),
    ),
    DemoCentre(
        "millbrook",
        "Millbrook Start Well Centre (demo)",
        "Millbrook Primary Academy",
        "Millbrook",
        "5 Brook Street\nMillbrook",
        "MB4 8NP",
        (
            ("Millbrook Primary Academy", "school", "5 Brook Street\nMillbrook", "MB4 8NP"),
            ("Millbrook Library", "library", "2 Station Road\nMillbrook", "MB4 9QR"),
        ),
    ),
    DemoCentre(
        "hollins-park",
        "Hollins Park Start Well Centre (demo)",
        "Hollins Park Primary School",
        "Hollins Park",
        "17 Park Avenue\nHollins Park",
        "HP5 1ST",
        (
            ("Hollins Park Primary School", "school", "17 Park Avenue\nHollins Park", "HP5 1ST"),
            ("Hollins Park Surgery", "gp", "60 Park Avenue\nHollins Park", "HP5 2UV"),
            ("Hollins Park Community Centre", "community_hub", "1 Green Lane", "HP5 3WX"),
        ),
    ),
]

OPENING_TIMES = "Monday to Thursday: 9:00 to 16:30\nFriday: 9:00 to 15:30\nWeekends: closed"
ACCESSIBILITY = (
    "Step-free entrance and an accessible toilet with baby changing. Buggy park by reception. "
    "A quiet room is available; ask any member of staff. Hearing loop at reception."
)


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; every demo account shares the one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _ensure_user(email: str, first_name: str, last_name: str, **flags) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "password": _demo_password_hash(),
            **flags,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(
            title="Start Well family centres",
            slug="start-well",
            intro=(
                "Start Well family centres bring health visitors, school nurses, early help, "
                "voluntary groups and parents together under one roof. Find your centre, book a "
                "session for your child, and help shape what your centre offers."
            ),
        )
    )
    # The demo's home replaces Wagtail's placeholder page as the site root.
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.specific_class is Page and old_root.pk != home.pk:
            old_root.delete()
    else:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


# One demo centre asks its champions for a second factor before registers, the others do not,
# so the demo shows both.
CHAMPIONS_NEED_SECOND_FACTOR = {"northfield"}


def _ensure_centre(index: CentreIndexPage, spec: DemoCentre) -> CentrePage:
    centre = CentrePage.objects.filter(slug=spec.slug).first()
    if centre is None:
        centre = CentrePage(
            title=spec.title,
            slug=spec.slug,
            school=spec.school,
            footprint=Footprint.objects.get(name=spec.footprint),
            summary=f"Sessions, services and support for families in {spec.footprint}.",
            address=spec.street,
            postcode=spec.postcode,
            opening_times=OPENING_TIMES,
            phone="01632 960 000",
            email=f"{spec.slug}@startwell.example",
            accessibility=ACCESSIBILITY,
            partner_services=[("service", service) for service in SERVICES],
            champions_need_second_factor=spec.slug in CHAMPIONS_NEED_SECOND_FACTOR,
        )
        for name, kind, address, postcode in spec.venues:
            centre.venues.add(Venue(name=name, kind=kind, address=address, postcode=postcode))
        index.add_child(instance=centre)
        centre.save_revision().publish()
    ensure_centre_manager_group(centre=centre)
    return centre


@transaction.atomic
def seed_demo() -> list[tuple[str, str]]:
    """Loads the demo and returns the demo logins as (role, e-mail) pairs."""
    for name in FOOTPRINTS:
        Footprint.objects.get_or_create(name=name)

    home = _ensure_home()
    index = CentreIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=CentreIndexPage(
                title="Our centres",
                slug="centres",
                intro="Five Start Well family centres, each run by a local primary school.",
            )
        )
        index.save_revision().publish()

    logins = [("superuser", "admin@startwell.example")]
    _ensure_user("admin@startwell.example", "Sam", "Admin", is_staff=True, is_superuser=True)
    _ensure_user("parent@startwell.example", "Priya", "Parent")
    logins.append(("parent", "parent@startwell.example"))

    for spec in CENTRES:
        centre = _ensure_centre(index, spec)
        manager = _ensure_user(f"manager.{spec.slug}@startwell.example", "Morgan", "Manager")
        manager.groups.add(centre.manager_group)
        logins.append((f"manager, {centre.title}", manager.email))
        champion = _ensure_user(f"champion.{spec.slug}@startwell.example", "Charlie", "Champion")
        logins.append((f"champion, {centre.title}", champion.email))

    from bookings.demo import seed_bookings_demo  # bookings builds on the centres above

    seed_bookings_demo()
    seed_codesign_demo()  # after bookings: scheduled demo ideas need activities
    seed_champions_demo()
    return logins
