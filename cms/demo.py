"""Demo pages: the home page, "Our centres" and the five demo centres with their venues and
partner services; each centre's managers' group, with the centre's demo manager in it."""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Page, Site

from startwell import demo
from startwell.demo import CENTRES, DemoCentre
from startwell.models import User

from .models import CentreIndexPage, CentrePage, Footprint, HomePage, Venue
from .services import ensure_centre_manager_group

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


OPENING_TIMES = "Monday to Thursday: 9:00 to 16:30\nFriday: 9:00 to 15:30\nWeekends: closed"
ACCESSIBILITY = (
    "Step-free entrance and an accessible toilet with baby changing. Buggy park by reception. "
    "A quiet room is available; ask any member of staff. Hearing loop at reception."
)


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


def _name_site() -> None:
    """The site record carries the portal's name (the admin home's heading) and the address in
    SITE_URL, the one e-mails and calendar entries use outside a request."""
    address = urlsplit(settings.SITE_URL)
    Site.objects.filter(is_default_site=True).update(
        site_name=settings.WAGTAIL_SITE_NAME,
        hostname=address.hostname or "localhost",
        port=address.port or (443 if address.scheme == "https" else 80),
    )


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


def _ensure_index(home: HomePage) -> CentreIndexPage:
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
    return index


@demo.step(order=demo.PAGES)
def seed_pages() -> None:
    for name in FOOTPRINTS:
        Footprint.objects.get_or_create(name=name)
    index = _ensure_index(_ensure_home())
    _name_site()
    for spec in CENTRES:
        centre = _ensure_centre(index, spec)
        manager = User.objects.get(email=demo.manager_email(spec.slug))  # made by the accounts step
        manager.groups.add(centre.manager_group)
