"""Demo pages: the borough's partner organisations, the home page, "Our centres" and the five
demo centres with their venues and the partners working there; each centre's managers' group,
with the centre's demo manager in it."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Page, Site
from wagtail.tasks import update_reference_index_task

from startwell import demo, pagecache
from startwell.demo import CENTRES, DemoCentre
from startwell.models import User

from .models import (
    CentreIndexPage,
    CentrePage,
    CentrePartner,
    Footprint,
    HomePage,
    PartnerOrganisation,
    Venue,
)
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

# The borough's partner organisations; every demo centre lists the first five, with when
# families find them there. The midwives run the antenatal groups but keep no regular slot.
PARTNERS = [
    {
        "name": "Health Visiting Team",
        "kind": "health_visiting",
        "description": "Baby weighing, feeding support and development reviews.",
        "website": "https://health-visiting.startwell.example",
        "phone": "01632 960 100",
        "when": "Tuesdays 9:30 to 11:30",
    },
    {
        "name": "School Nursing Service",
        "kind": "school_nursing",
        "description": "Health advice for children aged 5 to 19 and their families.",
        "when": "Thursdays by appointment",
    },
    {
        "name": "Early Help Team",
        "kind": "early_help",
        "description": "Someone to talk to when family life gets hard, before it becomes a crisis.",
        "email": "early.help@startwell.example",
        "when": "Weekdays, ask at reception",
    },
    {
        "name": "Youth Justice Service",
        "kind": "youth_justice",
        "description": "Support for young people and their families.",
        "when": "By referral",
    },
    {
        "name": "Little Steps Parent Group (voluntary)",
        "kind": "voluntary",
        "description": "Parent-led peer support and a toy library.",
        "when": "Fridays 10:00 to 12:00",
    },
    {
        "name": "Community Midwives",
        "kind": "midwifery",
        "description": "Antenatal care and groups for parents-to-be.",
    },
]
LISTED_AT_EVERY_CENTRE = 5

# Demo venues sit around one point, a little apart, so that directories can map them.
DEMO_LATITUDE, DEMO_LONGITUDE = Decimal("53.545000"), Decimal("-2.632000")


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


def _ensure_centre(index: CentrePage, spec: DemoCentre) -> CentrePage:
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
            champions_need_second_factor=spec.slug in CHAMPIONS_NEED_SECOND_FACTOR,
            locale_id=index.locale_id,  # rather than Wagtail looking it up from the index
        )
        for name, kind, address, postcode in spec.venues:
            centre.venues.add(Venue(name=name, kind=kind, address=address, postcode=postcode))
        # Adding it validates it and gives it its managers' group (cms.signals); the revision
        # need not validate it again.
        index.add_child(instance=centre)
        centre.save_revision(clean=False).publish()
    else:
        # Loaded before: the group and its permissions are repaired if need be.
        ensure_centre_manager_group(centre=centre)
    return centre


def _list_partners(centres: list[CentrePage]) -> None:
    """Every demo centre lists the borough's first partners, with when families find them
    there; a listing already there is left as it is. Written in one statement."""
    partners = dict(
        PartnerOrganisation.objects.filter(
            name__in=[spec["name"] for spec in PARTNERS[:LISTED_AT_EVERY_CENTRE]]
        ).values_list("name", "pk")
    )
    there = set(
        CentrePartner.objects.filter(centre__in=centres).values_list("centre_id", "partner_id")
    )
    listings = [
        CentrePartner(
            centre=centre,
            partner_id=partners[spec["name"]],
            when=spec.get("when", ""),
            sort_order=order,
        )
        for centre in centres
        for order, spec in enumerate(PARTNERS[:LISTED_AT_EVERY_CENTRE])
        if (centre.pk, partners[spec["name"]]) not in there
    ]
    CentrePartner.objects.bulk_create(listings)
    if listings:
        # Bulk writes send no model signals: centre pages show their partners, and Wagtail's
        # reference index (the admin's "used by" for partners) holds a listing's references
        # under its centre, indexed again once per centre rather than once per listing.
        pagecache.invalidate()
        for centre_id in sorted({listing.centre_id for listing in listings}):
            update_reference_index_task.enqueue("cms", "centrepage", str(centre_id))


def _ensure_footprints() -> None:
    there = set(Footprint.objects.filter(name__in=FOOTPRINTS).values_list("name", flat=True))
    missing = [Footprint(name=name) for name in FOOTPRINTS if name not in there]
    Footprint.objects.bulk_create(missing)
    if missing:
        pagecache.invalidate()  # bulk writes send no model signals


def _ensure_partners() -> None:
    there = set(
        PartnerOrganisation.objects.filter(
            name__in=[spec["name"] for spec in PARTNERS]
        ).values_list("name", flat=True)
    )
    missing = [
        PartnerOrganisation(
            **{key: value for key, value in spec.items() if key != "when"},
        )
        for spec in PARTNERS
        if spec["name"] not in there
    ]
    PartnerOrganisation.objects.bulk_create(missing)
    if missing:
        pagecache.invalidate()  # bulk writes send no model signals


def _place_venues() -> None:
    """Gives the demo venues that have none a position, a few hundred metres apart."""
    unplaced = list(
        Venue.objects.filter(latitude__isnull=True).order_by("centre__path", "sort_order")
    )
    for step, venue in enumerate(
        unplaced, start=Venue.objects.filter(latitude__isnull=False).count()
    ):
        venue.latitude = DEMO_LATITUDE + Decimal("0.004") * (step % 5)
        venue.longitude = DEMO_LONGITUDE + Decimal("0.006") * (step // 5)
    Venue.objects.bulk_update(unplaced, ["latitude", "longitude"])
    if unplaced:
        pagecache.invalidate()  # bulk writes send no model signals


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
        # Validated as it was added.
        index.save_revision(clean=False).publish()
    return index


@demo.step(order=demo.PAGES)
def seed_pages() -> None:
    _ensure_footprints()
    _ensure_partners()
    index = _ensure_index(_ensure_home())
    _name_site()
    centres = [_ensure_centre(index, spec) for spec in CENTRES]
    _list_partners(centres)
    managers = dict(
        User.objects.filter(
            email__in=[demo.manager_email(spec.slug) for spec in CENTRES]
        ).values_list("email", "pk")
    )  # made by the accounts step
    for spec, centre in zip(CENTRES, centres, strict=True):
        centre.manager_group.user_set.add(managers[demo.manager_email(spec.slug)])
    _place_venues()


# Northfield's page in Polish: the words a manager typed in wagtail-localize's editor (the rest
# of the page stays English until someone translates it).
POLISH_NORTHFIELD = {
    "title": "Centrum Rodzinne Northfield",
    "summary": (
        "Zajęcia dla dzieci od urodzenia do 5 lat i ich rodzin: zabawa, porady i wsparcie, "
        "blisko domu."
    ),
}


@demo.step(order=demo.PAGES + 5)
def translate_a_centre() -> None:
    """One centre translated into Polish the way managers translate pages (wagtail-localize:
    a translation source, the translated strings, the translated page published), so the
    language control, /pl/ addresses and hreflang have something to show."""
    from wagtail.models import Locale
    from wagtail_localize.models import (
        StringSegment,
        StringTranslation,
        Translation,
        TranslationSource,
    )

    centre = CentrePage.objects.originals().filter(slug="northfield").first()
    polish = Locale.objects.filter(language_code="pl").first()
    if centre is None or polish is None or centre.get_translation_or_none(polish) is not None:
        return  # loaded before: the demo changes nothing the second time
    source, _ = TranslationSource.get_or_create_from_instance(centre)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = POLISH_NORTHFIELD.get(segment.context.path)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=polish,
                context=segment.context,
                defaults={"data": text},
            )
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=polish)
    # A draft, published here: wagtail-localize publishes only once the transaction commits,
    # and the demo loads in one transaction (rolled back in tests), which would leave the
    # Polish page a draft that /pl/ shows in English and hreflang leaves out.
    translation.save_target(publish=False)
    centre.get_translation(polish).get_latest_revision().publish()
