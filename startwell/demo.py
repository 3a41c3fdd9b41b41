"""Demo data for the portal, contributed by each app: an app's `demo.py` registers its step with
`@demo.step(order=…)`, `seed_demo` finds them the way periodic tasks are found and runs them in
order in one transaction. So this app, the lowest layer, never imports the apps above it.

Every step finds before it creates: loading the demo again changes nothing. This module holds what
the steps share: the demo password, the demo borough's centres (plain data that the pages step
builds) and its accounts, which are this app's own step."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from . import mail, pagecache, person_facts
from .models import User

DEMO_PASSWORD = "startwell-demo"  # noqa: S105 - printed for people trying the demo
DEMO_PASSWORD_ROUNDS = 1000

# The order steps run in: each builds on the ones before it.
ACCOUNTS, PAGES, TIMETABLE, IDEAS, CHAMPIONS = 0, 10, 20, 30, 40

Login = tuple[str, str]  # (role, e-mail) as `manage.py seed_demo` prints it


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[[], object]


_steps: dict[str, DemoStep] = {}


def step(*, order: int, name: str | None = None):
    """Decorator for an app's demo step: a function taking no arguments that loads its part of
    the demo (what it returns is not used). Steps run by `order`, then by name."""

    def decorate(run):
        key = name or f"{run.__module__}.{run.__qualname__}"
        _steps[key] = DemoStep(name=key, order=order, run=run)
        return run

    return decorate


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda demo_step: (demo_step.order, demo_step.name))


def discover() -> None:
    """Imports every app's `demo` module, where demo steps register themselves."""
    autodiscover_modules("demo")


@transaction.atomic
def seed_demo() -> list[Login]:
    """Loads the whole demo and returns the demo logins as (role, e-mail) pairs. Nobody is
    e-mailed: the demo's people are made up."""
    discover()
    with mail.dropped():
        for demo_step in steps():
            demo_step.run()
    return demo_logins()


# --- The demo borough ---------------------------------------------------------------------------


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


SUPERUSER_EMAIL = "admin@startwell.example"
PARENT_EMAIL = "parent@startwell.example"
# A health visitor who runs the Health Visiting Team's sessions at Northfield (the champions'
# step gives the role).
PRACTITIONER_EMAIL = "practitioner.northfield@startwell.example"


def manager_email(slug: str) -> str:
    return f"manager.{slug}@startwell.example"


def champion_email(slug: str) -> str:
    return f"champion.{slug}@startwell.example"


# --- Accounts -----------------------------------------------------------------------------------


@functools.cache
def _demo_password_hash() -> str:
    """Every demo account shares the one password, so it is hashed once. Hashing is slow on
    purpose, to protect a password nobody knows; this one is published, so with Django's default
    hasher (PBKDF2) it is hashed in few rounds, and Django hashes it again at full strength the
    first time someone signs in with it."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(DEMO_PASSWORD, hasher.salt(), iterations=DEMO_PASSWORD_ROUNDS)
    return make_password(DEMO_PASSWORD)


def _demo_accounts() -> list[tuple[str, str, str, dict]]:
    """(e-mail, first name, last name, flags) of every demo account, in the order they are made."""
    accounts = [
        (SUPERUSER_EMAIL, "Sam", "Admin", {"is_staff": True, "is_superuser": True}),
        (PARENT_EMAIL, "Priya", "Parent", {}),
    ]
    for spec in CENTRES:
        accounts.append((manager_email(spec.slug), "Morgan", "Manager", {}))
        accounts.append((champion_email(spec.slug), "Charlie", "Champion", {}))
    accounts.append((PRACTITIONER_EMAIL, "Hana", "Visitor", {}))
    return accounts


def demo_logins() -> list[Login]:
    logins = [("superuser", SUPERUSER_EMAIL), ("parent", PARENT_EMAIL)]
    for spec in CENTRES:
        logins.append((f"manager, {spec.title}", manager_email(spec.slug)))
        logins.append((f"champion, {spec.title}", champion_email(spec.slug)))
    logins.append(("practitioner, Health Visiting Team at Northfield", PRACTITIONER_EMAIL))
    return logins


@step(order=ACCOUNTS)
def seed_accounts() -> None:
    """Every demo account: the superuser, the demo parent, each centre's manager and champion,
    and a practitioner (the pages and champions steps give them their roles), each with its
    address confirmed. The missing ones are written in one statement each for the accounts and
    the addresses; an account already there is left as it is."""
    accounts = _demo_accounts()
    emails = [email for email, *_ in accounts]
    there = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    new_users = User.objects.bulk_create(
        [
            User(
                email=email,
                first_name=first_name,
                last_name=last_name,
                password=_demo_password_hash(),
                **flags,
            )
            for email, first_name, last_name, flags in accounts
            if email not in there
        ]
    )
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    addressed = set(
        EmailAddress.objects.filter(user_id__in=users.values()).values_list("user_id", "email")
    )
    new_addresses = EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=users[email], email=email, verified=True, primary=True)
            for email in emails
            if (users[email], email) not in addressed
        ]
    )
    if new_users or new_addresses:
        # Bulk writes send no model signals: public pages show people's names (comments), and
        # what each page's header knows of people (person_facts) is asked again.
        pagecache.invalidate()
        person_facts.invalidate()
