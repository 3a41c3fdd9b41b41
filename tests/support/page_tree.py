"""The page tree every test starts with: Wagtail's root, the home page as the default site's
root, the centres index and two centres (Northfield and Riverside, each with the managers'
group the portal gives a new centre).

Building it takes most of a simple test's time, so it is built once per test run and committed;
each test's own changes are rolled back as usual. Tests that commit for real (browser journeys,
races) empty the database afterwards, and the tree is built again after them."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from cms.models import CentreIndexPage, CentrePage, HomePage
from tests.factories import CentreIndexPageFactory, CentrePageFactory, HomePageFactory

HOME_SLUG = "start-well"
INDEX_SLUG = "centres"
# The centres the `centre` and `other_centre` fixtures return, built in this order.
CENTRES = {
    "centre": {"title": "Northfield Centre", "slug": "northfield"},
    "other_centre": {"title": "Riverside Centre", "slug": "riverside"},
}

# Primary keys of the pages as last built, so that fixtures fetch them with one query.
_built: dict[str, int] = {}


def tree_root() -> Page:
    """Wagtail's root page, root collection and locales. An emptied database has none of
    the rows Wagtail's migrations create (Django puts back only content types and
    permissions); this puts them back."""
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        # And the other languages' (cms/migrations/0010_locales.py).
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            Locale.objects.get_or_create(language_code=code)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@transaction.atomic
def build_page_tree() -> None:
    """Builds the tree on the database as it stands: just migrated, or just emptied."""
    root = tree_root()
    # Wagtail's placeholder home ("Welcome to your new Wagtail site!") gives way to the portal's,
    # so the tree is the same whether the database was just migrated or just emptied.
    for placeholder in root.get_children():
        placeholder.delete()
    home = HomePageFactory(parent=root, slug=HOME_SLUG)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    index = CentreIndexPageFactory(parent=home, slug=INDEX_SLUG)
    built = {"home": home.pk, "centres_index": index.pk}
    for name, fields in CENTRES.items():
        built[name] = CentrePageFactory(parent=index, **fields).pk
    _built.clear()
    _built.update(built)


def is_known() -> bool:
    """Whether the tree was built (or found) in this run's test database."""
    return bool(_built)


def page_tree_is_built() -> bool:
    """One query: is the last page the build adds still there?"""
    return bool(_built) and CentrePage.objects.filter(pk=_built["other_centre"]).exists()


def _find_page_tree() -> dict[str, int] | None:
    """The tree a previous run left in a kept test database (`--reuse-db`), if it is whole."""
    home = HomePage.objects.filter(depth=2, slug=HOME_SLUG).first()
    if home is None:
        return None
    index = CentreIndexPage.objects.child_of(home).filter(slug=INDEX_SLUG).first()
    if index is None:
        return None
    found = {"home": home.pk, "centres_index": index.pk}
    for name, fields in CENTRES.items():
        page = CentrePage.objects.child_of(index).filter(slug=fields["slug"]).first()
        if page is None:
            return None
        found[name] = page.pk
    return found


def ensure_page_tree() -> None:
    """Builds the tree unless it is already there."""
    if page_tree_is_built():
        return
    found = _find_page_tree()
    if found is None:
        build_page_tree()
    else:
        _built.update(found)


def home() -> HomePage:
    return HomePage.objects.get(pk=_built["home"])


def centres_index() -> CentreIndexPage:
    return CentreIndexPage.objects.get(pk=_built["centres_index"])


def centre(name: str = "centre") -> CentrePage:
    return CentrePage.objects.get(pk=_built[name])


def remove_page_tree() -> None:
    """For tests of code that builds the site itself (the demo): takes the test tree away,
    inside the test's transaction, leaving the database as a fresh install has it but for
    Wagtail's placeholder home page."""
    groups = [centre(name).manager_group_id for name in CENTRES]
    home().delete()  # with the site, the index and the centres under it
    Group.objects.filter(pk__in=groups).delete()
