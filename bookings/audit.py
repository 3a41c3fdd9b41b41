"""The one audit trail of sessions and their registers: Wagtail's log (`wagtail.log_actions.log`)
written to `SessionLogEntry`, with every kind of entry named here and registered with Wagtail
(`register_log_actions`), so a misspelt action is refused instead of starting a new kind.

Register entries share the prefix `startwell.register.` (who looked, who was checked in, who was
messaged) and session entries `startwell.session.` (created, changed, cancelled, covered), so a
retention rule can find each kind by its prefix. `data["detail"]` is the line a manager reads."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.utils import timezone
from wagtail.log_actions import LogFormatter, get_active_log_context
from wagtail.log_actions import log as wagtail_log

from .models import Session, SessionLogEntry

REGISTER = "startwell.register."
SESSION = "startwell.session."

VIEWED = REGISTER + "viewed"
# Kept apart from VIEWED so a manager can see who read children's health and contact details.
DROP_OFF_VIEWED = REGISTER + "drop_off_viewed"
CHECKED_IN = REGISTER + "checked_in"
NO_SHOW = REGISTER + "no_show"
PAID_AT_CENTRE = REGISTER + "paid_at_centre"
CANCELLED_FOR_FAMILY = REGISTER + "cancelled_for_family"
BOOKED_FOR_FAMILY = REGISTER + "booked_for_family"
WAIT_LISTED_FOR_FAMILY = REGISTER + "wait_listed_for_family"
FAMILY_RECORD_VIEWED = REGISTER + "family_record_viewed"
OFFERED_PLACE = REGISTER + "offered_place"
WALK_IN = REGISTER + "walk_in"
WALK_IN_OVER_CAPACITY = REGISTER + "walk_in_over_capacity"
MESSAGED = REGISTER + "messaged"
SESSION_CREATED = SESSION + "created"
SESSION_CHANGED = SESSION + "changed"
SESSION_CANCELLED = SESSION + "cancelled"
COVER_ASSIGNED = SESSION + "cover_assigned"
COVER_REMOVED = SESSION + "cover_removed"

LABELS = {
    VIEWED: "Viewed the register",
    DROP_OFF_VIEWED: "Viewed the drop-off details (emergency contacts, allergies, photo consent)",
    CHECKED_IN: "Checked a family in",
    NO_SHOW: "Marked a family as not coming",
    PAID_AT_CENTRE: "Marked as paid at the centre",
    CANCELLED_FOR_FAMILY: "Cancelled a booking for a family",
    BOOKED_FOR_FAMILY: "Booked a place for a family",
    WAIT_LISTED_FOR_FAMILY: "Put a family on the waiting list",
    FAMILY_RECORD_VIEWED: "Looked at a family's record",
    OFFERED_PLACE: "Offered a place from the waiting list",
    WALK_IN: "Added a walk-in",
    WALK_IN_OVER_CAPACITY: "Added a walk-in over capacity",
    MESSAGED: "Messaged the families booked",
    SESSION_CREATED: "Created the session",
    SESSION_CHANGED: "Changed the session",
    SESSION_CANCELLED: "Cancelled the session",
    COVER_ASSIGNED: "Asked a champion to cover the session",
    COVER_REMOVED: "No longer asked a champion to cover the session",
}


class DetailFormatter(LogFormatter):
    """Shows the entry's plain-English detail as its comment in Wagtail's history views."""

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("detail", "")


def register_actions(actions) -> None:
    """Called from the `register_log_actions` hook: the model the trail is kept in, and every
    kind of entry it may hold."""
    actions.register_model(Session, SessionLogEntry)
    for action, label in LABELS.items():
        formatter = type("Formatter", (DetailFormatter,), {"label": label, "message": label})
        actions.register_action(action)(formatter)


def record(session: Session, action: str, *, user, detail: str = "", **data) -> SessionLogEntry:
    """Writes one entry. `detail` is what a manager reads; `data` keeps what an audit needs in
    fields (a message's subject and body, the booking's reference). An action not registered
    above is refused by Wagtail's log entry validation."""
    if action not in LABELS:
        raise ValueError(f"Unknown session log action {action!r}")
    return wagtail_log(session, action, user=user, data={"detail": detail, **data})


def _describe(value) -> str:
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
    if value is None or value == "":
        return "(none)"
    return str(value)


def describe_values(values: dict) -> str:
    """A new session's values, as a manager reads them: "capacity: 10; venue: Hall"."""
    return "; ".join(f"{name}: {_describe(value)}" for name, value in values.items())


def describe_changes(session: Session, changes: dict) -> str:
    """What an edit changes, from what to what, read before it is saved:
    "capacity: 10 → 12". Fields whose value stays the same are left out."""
    return "; ".join(
        f"{name}: {_describe(getattr(session, name))} → {_describe(new)}"
        for name, new in changes.items()
        if getattr(session, name) != new
    )


def record_looks(session: Session, actions: list[str], *, user) -> None:
    """Writes the entries saying who looked at a register (`VIEWED`, `DROP_OFF_VIEWED`).
    Opening a register is the busiest thing champions do on a session day, and these are its
    only writes: on PostgreSQL they go in one statement, whose commit does not wait for the
    disk (one that waits costs about 4 ms on a small server, more than the rest of the page's
    queries; Wagtail's way, a transaction of four statements, cost 2.4 ms against 0.6 ms). They
    are written before the register is shown, as every entry is; only a crash of the database
    server itself in the fraction of a second after could lose them. Entries of changes
    (`record`) always wait; inside a caller's transaction nothing is changed."""
    unknown = [action for action in actions if action not in LABELS]
    if unknown:
        # All refused before any is written.
        raise ValueError(f"Unknown session log action {unknown[0]!r}")
    alias = router.db_for_write(SessionLogEntry)
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for action in actions:
            record(session, action, user=user)
        return
    entries = [_look(session, action, user=user) for action in actions]
    fields = [field for field in SessionLogEntry._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [
        field.get_db_prep_save(getattr(entry, field.attname), connection)
        for entry in entries
        for field in fields
    ]
    table = connection.ops.quote_name(SessionLogEntry._meta.db_table)
    # The statement is its own transaction; `set_config(…, true)` lasts until its commit, and
    # RETURNING is where a statement that writes can call it. (Names from the model's own
    # fields; every value a parameter.)
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(entries))} "  # noqa: S608  # nosec B608
        "RETURNING (SELECT set_config('synchronous_commit', 'off', true))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _look(session: Session, action: str, *, user) -> SessionLogEntry:
    """The entry `record` would write (as Wagtail's `log` fills it in), not yet saved."""
    return SessionLogEntry(
        content_type=ContentType.objects.get_for_model(session, for_concrete_model=False),
        label=SessionLogEntry.objects.get_instance_title(session),
        action=action,
        timestamp=timezone.now(),
        data={"detail": ""},
        user=user,
        uuid=get_active_log_context().uuid,
        session=session,
        centre_id=session.centre_id,
    )
