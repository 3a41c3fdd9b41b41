"""The shape of a Stripe event the portal will act on. A correctly signed body can still be
malformed (a test sent by hand from the dashboard, a mistake in a forwarding proxy, a new API
version): such an event is refused with a 400 before anything is stored, instead of failing half
way through and being retried by Stripe for days."""

from typing import Any

# Stripe's ids and our references are short; the columns that hold them are 255 characters.
LONGEST_ID = 255
LONGEST_TYPE = 100
# Amounts in pence and Unix times: anything beyond a 32-bit integer is not a real value.
LARGEST_NUMBER = 2**32
# Stripe's events nest a few levels deep; far deeper is an attack on the parser, not an event.
DEEPEST = 20

TEXT_FIELDS = ("id", "payment_intent", "client_reference_id", "payment_status", "status")
NUMBER_FIELDS = ("amount", "amount_total", "expires_at")


class MalformedEvent(ValueError):
    """A signed body that is not an event the portal can act on."""


def _check_text(value: Any, where: str, *, longest: int | None = None) -> None:
    if not isinstance(value, str):
        raise MalformedEvent(f"{where} is not text")
    if longest is not None and len(value) > longest:
        raise MalformedEvent(f"{where} is too long")


def _check_storable(value: Any, depth: int = 0) -> None:
    """Every string can be stored in PostgreSQL's JSON and text columns (no NUL, no lone
    surrogate) and the nesting is shallow."""
    if depth > DEEPEST:
        raise MalformedEvent("nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            raise MalformedEvent("text holds a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise MalformedEvent("text is not valid Unicode") from error
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key, depth + 1)
            _check_storable(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_storable(item, depth + 1)


def check_event(event: Any) -> dict[str, Any]:
    """Returns the event if the portal can store it and its handlers can read it; raises
    `MalformedEvent` otherwise."""
    if not isinstance(event, dict):
        raise MalformedEvent("not an object")
    _check_storable(event)
    _check_text(event.get("id"), "id", longest=LONGEST_ID)
    _check_text(event.get("type"), "type", longest=LONGEST_TYPE)
    if not event["id"] or not event["type"]:
        raise MalformedEvent("no id or type")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("no data object")
    obj = data["object"]
    for name in TEXT_FIELDS:
        if obj.get(name) is not None:
            _check_text(obj[name], f"data.object.{name}", longest=LONGEST_ID)
    if obj.get("failure_reason") is not None:
        _check_text(obj["failure_reason"], "data.object.failure_reason")
    for name in NUMBER_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise MalformedEvent(f"data.object.{name} is not a whole number")
        if not 0 <= value < LARGEST_NUMBER:
            raise MalformedEvent(f"data.object.{name} is out of range")
    metadata = obj.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise MalformedEvent("data.object.metadata is not an object")
        for key, value in metadata.items():
            _check_text(value, f"data.object.metadata.{key}", longest=LONGEST_ID)
    return event
