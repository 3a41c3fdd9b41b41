"""Stable directory ids. A service's id is its activity page's translation key (a UUID Wagtail
gives each page and keeps through edits, moves and publishing); every other record's id is a
name-based UUID (version 5) of what it stands for, so it never changes and needs no column."""

import uuid

# Fixed for ever: changing it would change every id the council's directory holds.
NAMESPACE = uuid.UUID("6d1f6c1e-6b0a-4c53-9a52-3b7e1f0a5c11")


def stable_id(kind: str, *parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *(str(part) for part in parts)])))


def service_id(activity) -> str:
    return str(activity.translation_key)
