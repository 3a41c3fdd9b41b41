"""Junk posted to every form view in the URLconf, as every role: no server error, and a form
that answers with errors has written nothing.

The views are found by walking the resolver (a new view is fuzzed without being listed here);
each is posted to as an anonymous visitor, a parent, a champion, a centre manager and a
superuser (staff with a completed second factor), so each role that may reach a form reaches it.
The fields to fill come from the form each role is shown; hypothesis then fills them with huge,
negative, Unicode, control-character and wrong-typed values, leaves some out and adds others."""

import datetime
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.forms import BaseForm
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codesign.models import IdeaStatus
from tests.accounts import activate_totp, sign_in
from tests.factories import (
    ActivityPageFactory,
    BookingFactory,
    ChampionApplicationFactory,
    ChampionFactory,
    ChildFactory,
    HostingFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
)
from tests.factories.codesign import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db(transaction=False)

OUR_APPS = ("startwell", "cms", "bookings", "codesign", "parent_champions", "reports", "privacy")
# Views outside our apps that take people's input: allauth's account forms.
OTHER_FORM_MODULES = ("allauth.account.views",)
# Signing out would end the role's session for the rest of the run.
LEFT_OUT = {"account_logout"}
# Audit trails may record an attempt, even a refused one; everything else must stay unchanged.
# Rows written whether the input is refused or not: the audit trails, the periodic tasks' runs,
# and the rate limiter's count of attempts (a refused attempt still counts towards the limit).
AUDIT_MODELS = {"sessionlogentry", "registerlogentry", "periodictaskrun", "attemptcount"}
ROLES = ["anonymous", "parent", "champion", "manager", "superuser"]
EXAMPLES = 60

JUNK_WORDS = [
    "",
    "0",
    "-1",
    "-99999999999",
    "10000000000000000000000000",
    "50000000",
    "1e309",
    "NaN",
    "inf",
    "£10000000",
    "9,999,999.999",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59",
    "2024-02-30",
    "25:61",
    "a\r\nBcc: x@example.org",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "٣٤",
    "²",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "on",
    "true",
    "[]",
    "9" * 400,
    "x" * 5000,
]
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
control = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=6)
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
junk = st.one_of(st.sampled_from(JUNK_WORDS), text, control, numbers)
value = st.one_of(junk, st.lists(junk, min_size=2, max_size=3))


class FieldNames(HTMLParser):
    """The names of the fields in the page's forms."""

    def __init__(self):
        super().__init__()
        self.names = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea", "button"} and name:
            self.names.add(name)


def field_names(html: str) -> list[str]:
    parser = FieldNames()
    parser.feed(html)
    return sorted(parser.names - {"csrfmiddlewaretoken"})


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def is_ours(pattern: URLPattern) -> bool:
    module = getattr(pattern.callback, "__module__", "")
    return module.split(".")[0] in OUR_APPS or module in OTHER_FORM_MODULES


def form_routes() -> list[str]:
    """Every route of ours (and allauth's account forms) from the resolver."""
    return sorted(
        {
            route
            for route, pattern in walk(get_resolver().url_patterns)
            if is_ours(pattern) and pattern.name not in LEFT_OUT
        }
    )


def concrete(route: str, w) -> str | None:
    """The route with its parameters filled from the world; None if one cannot be."""
    values = {
        "session_id": w.session.pk,
        "booking_id": w.booking.pk,
        "action": "check-in",
        "reference": w.booking.reference,
        "slug": "reach" if route.startswith("admin/reports") else w.centre.slug,
        "centre_id": w.centre.pk,
        "application_id": w.application.pk,
        "champion_id": w.champion.pk,
        "hosting_id": w.hosting.pk,
        "change": "suspend",
        "child_id": w.child.pk,
        "activity_id": w.activity.pk,
        "key": "not-a-key",
        "uidb36": "1",
        "token": "not-a-token",
    }

    def fill(match):
        name = match.group("name")
        if name == "pk":
            if "comments/" in route:
                return str(w.comment.pk)
            return str(w.session.pk if route.startswith("admin/") else w.idea.pk)
        return str(values[name]) if name in values else "0"

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, route)
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", fill, path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


def counted_tables() -> list[str]:
    tables = []
    for label in (*OUR_APPS, "account", "mfa"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name not in AUDIT_MODELS and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


def row_counts() -> tuple[int, ...]:
    """The number of rows in every table of ours, in one query (it runs around every post)."""
    quote = connection.ops.quote_name
    # Table names come from our own models, never from input.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in counted_tables())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # noqa: S608
        return tuple(cursor.fetchone())


def refused_forms(response) -> list[BaseForm]:
    """Forms the response shows with errors (the view refused the input)."""
    found = []
    for context in response.context or []:
        for item in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(item, BaseForm) and item.is_bound and item.errors:
                found.append(item)
    return found


def post_and_check(client, path: str, data: dict) -> None:
    before = row_counts()
    response = client.post(path, data)
    assert response.status_code < 500, f"{response.status_code} from {path} with {data!r}"
    forms = refused_forms(response)
    if forms:
        assert row_counts() == before, f"{path} refused {data!r} but wrote rows"


@pytest.fixture
def world(centre, other_centre):
    now = timezone.now()
    activity = ActivityPageFactory(parent=centre, title="Stay and play")
    VenueFactory(centre=centre, name="Hall")
    session = SessionFactory(
        activity=activity, start=now - datetime.timedelta(minutes=30), capacity=10
    )
    SessionFactory(activity=activity, start=now + datetime.timedelta(days=3), capacity=10)
    parent = UserFactory(first_name="Pat", last_name="Parent")
    child = ChildFactory(parent=parent)
    booking = BookingFactory(session=session, parent=parent, places=1)
    booking.children.set([child])
    champion = ChampionFactory(centre=centre, user=UserFactory())
    hosting = HostingFactory(champion=champion, activity=activity)
    manager = UserFactory()
    manager.groups.add(centre.manager_group)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    idea = IdeaFactory(centre=centre, proposer=parent, status=IdeaStatus.PUBLISHED)
    comment = CommentFactory(idea=idea, author=parent)
    application = ChampionApplicationFactory(centre=centre)

    clients = {role: Client() for role in ROLES}
    sign_in(clients["parent"], parent)
    sign_in(clients["champion"], champion.user)
    for role, person in [("manager", manager), ("superuser", superuser)]:
        sign_in(clients[role], person, totp_secret=activate_totp(person))
    return SimpleNamespace(
        centre=centre,
        activity=activity,
        session=session,
        booking=booking,
        child=child,
        champion=champion,
        hosting=hosting,
        idea=idea,
        comment=comment,
        application=application,
        clients=clients,
    )


def targets_for(w) -> list[tuple[str, str, list[str]]]:
    """(role, path, field names): each role that is shown the form at a route, with the fields it
    shows; for routes that only take POST, every role."""
    found = []
    for route in form_routes():
        path = concrete(route, w)
        for role in ROLES:
            page = w.clients[role].get(path)
            assert page.status_code < 500, f"GET {path} as {role}: {page.status_code}"
            if page.status_code == 405:
                found.append((role, path, []))
            elif page.status_code == 200 and "html" in page.get("Content-Type", ""):
                names = field_names(page.content.decode(errors="replace"))
                if names:
                    found.append((role, path, names))
    return found


def test_every_form_view_survives_junk_from_every_role(world):
    targets = targets_for(world)
    routes = {path for _, path, _ in targets}
    # The walk found the forms of every app (a broken walk would fuzz nothing and pass).
    for prefix in ("/accounts/", "/admin/timetable/", "/champions/", "/ideas/", "/children/"):
        assert any(path.startswith(prefix) for path in routes), prefix
    assert {role for role, _, names in targets if names} == set(ROLES)

    # Each form once with every field it shows set to an out-of-range number and once to control
    # characters; each button (a route that only takes POST) once with stray fields. Missing
    # fields and the other kinds of junk are hypothesis's below.
    for role, path, names in targets:
        client = world.clients[role]
        if names:
            post_and_check(client, path, dict.fromkeys(names, "10000000000000000000000000"))
            post_and_check(client, path, dict.fromkeys(names, "a\r\n\x00\u202e٣"))
        else:
            post_and_check(client, path, {"reason": "\x00" * 3, "amount": "-1e309"})

    forms = [target for target in targets if target[2]]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def post_junk(data):
        role, path, names = data.draw(st.sampled_from(forms), label="form")
        chosen = data.draw(st.lists(st.sampled_from(names), unique=True), label="fields")
        values = {name: data.draw(value, label=name) for name in chosen}
        extra = data.draw(st.dictionaries(st.sampled_from(JUNK_WORDS[:6]), junk, max_size=2))
        post_and_check(world.clients[role], path, {**extra, **values})

    post_junk()
