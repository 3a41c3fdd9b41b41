"""Facts about a signed-in person that every page's header and the staff rule ask (may they open
the admin, do they see the "Champions" link), and the booking form too (have they confirmed an
e-mail address): worked out once and kept in the shared cache, keyed by the person's id, so a
signed-in page does not ask the database for them each time.

Never stale, as the page cache is never stale: every entry is tagged with the current
*version*, a random token in the same cache, and is used only while its tag is current. Any
change to what the facts depend on ends the version once it is committed: a person's staff and
superuser flags, their groups, the permissions of a user or a group, and what the apps register
with `invalidate_on_change` (champions, practitioners, centres' managers' groups) or with
`invalidate` (an e-mail address confirmed or removed). Those changes are rare, so one version
for everybody is enough: after one, each person's facts are worked out again on their next
request.

The apps say how each fact is worked out with `@fact("name")`, as a condition on the person's
own row (an `Exists`, or several joined with `|`), so that working them all out is one query
however many there are, put together once per process; `facts_for(user)` gives them all (kept
on the user object for the rest of the request).
"""

import functools
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, QuerySet
from django.db.models.signals import m2m_changed

from . import pagecache

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
VERSION_KEY = "person-facts:version"
# An entry is dropped after this long anyway: facts of people who stopped coming.
ENTRY_SECONDS = 24 * 60 * 60

_facts: dict[str, Callable] = {}


def fact(name: str) -> Callable:
    """Registers `function(person) -> condition` as the fact `name`: the condition (an
    `Exists`, or a `Q` of some) is asked of each person's own row, which `person` stands for
    (`OuterRef("pk")`), in the one query that works out every fact. Only ever asked for a
    signed-in, active person."""

    def register(function: Callable) -> Callable:
        _facts[name] = function
        _every_fact.cache_clear()
        return function

    return register


def facts_for(user) -> dict[str, bool]:
    """Every registered fact about this signed-in person, from the cache when it is current."""
    known = getattr(user, "_startwell_person_facts", None)
    if known is not None:
        return known
    known = _cached_facts(user)
    user._startwell_person_facts = known
    return known


@functools.cache
def _every_fact() -> QuerySet:
    """Every person with each fact as a column (building the conditions costs more than
    asking them, so it is done once)."""
    person = OuterRef("pk")
    conditions = {
        name: ExpressionWrapper(function(person), output_field=BooleanField())
        for name, function in _facts.items()
    }
    return get_user_model().objects.order_by().values(**conditions)


def _work_out(user) -> dict[str, bool]:
    """Every fact in one query."""
    found = _every_fact().filter(pk=user.pk).first() or {}
    return {name: bool(found.get(name)) for name in _facts}


def _cached_facts(user) -> dict[str, bool]:
    if not settings.PAGE_CACHE_SECONDS > 0:
        return _work_out(user)
    cache = caches[CACHE_ALIAS]
    key = f"person-facts:{user.pk}"
    try:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:  # the cache is down: ask the database
        logger.exception("The person facts cache could not be read")
        return _work_out(user)
    entry = found.get(key)
    # A fact registered after the entry was kept (an app loaded late) means working them out.
    if entry is not None and entry[0] == version and set(entry[1]) >= set(_facts):
        return entry[1]
    # Worked out after the version was read: a change committed meanwhile ends that version,
    # and so the entry kept here is never used.
    facts = _work_out(user)
    if version is not None:
        try:
            cache.set(key, (version, facts), ENTRY_SECONDS)
        except Exception:
            logger.exception("The person facts cache could not be written")
    return facts


# --- Saying what changes ---------------------------------------------------------------------


def invalidate(using: str | None = None) -> None:
    """Everybody's facts are worked out again from the next request after the current
    transaction commits (at once outside one)."""
    pagecache.once_committed(_end_version, using=using)


def _end_version() -> None:
    try:
        caches[CACHE_ALIAS].delete(VERSION_KEY)
    except Exception:
        logger.exception("Could not end the person facts' version")


def invalidate_on_change(*models, ignore_fields: frozenset[str] = frozenset()) -> None:
    """Ends the version whenever a row of these models is saved or deleted (a save touching
    only `ignore_fields` does not count)."""
    pagecache.on_change(invalidate, *models, name="person-facts", ignore_fields=ignore_fields)


def _membership_changed(sender, action, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate(using)


def connect_signals() -> None:
    """The changes `startwell` itself knows of: users, groups, permissions."""
    user_model = get_user_model()
    # A sign-in saves only the last sign-in time; that changes no fact.
    invalidate_on_change(user_model, ignore_fields=frozenset({"last_login"}))
    invalidate_on_change(Group, Permission)
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _membership_changed,
            sender=through,
            weak=False,
            dispatch_uid=f"person-facts:{through._meta.label}",
        )
