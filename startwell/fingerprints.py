"""What some records hold, as one value equal to another exactly when everything in them is the
same: the key under which a part of a page made from them is kept (`{% process_fragment %}`).

A model instance counts with every field it has read and every record it holds through a
foreign key it has read (a booking's parent, the parent's own records in turn), so the
fingerprint covers whatever a template can show of it without asking the database again. (A
template that asked the database for each row would fail the pages' constant-query tests.)

A tuple rather than a digest: comparing the values themselves leaves no chance of two rows
sharing a key, and hashing them is cheaper than writing them out."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

# A booking → its parent → the parent's records: deep enough for any row a page shows, and a
# stop for records that point at each other.
_DEPTH = 3


def fingerprint(*things) -> tuple:
    return _held(things, _DEPTH)


def _held(value, depth: int):
    if isinstance(value, Model):
        return _record(value, depth)
    if isinstance(value, (list, tuple)):
        return tuple(_held(item, depth) for item in value)
    return value


def _record(instance: Model, depth: int) -> tuple:
    if depth == 0:
        return (instance._meta.label, instance.pk)
    deferred = instance.get_deferred_fields()
    values = [instance._meta.label]
    for field in instance._meta.concrete_fields:
        if field.attname in deferred:
            continue
        value = getattr(instance, field.attname)
        try:
            hash(value)
        except TypeError:
            # A JSON or stream field's value, which cannot be a key: its text stands for it.
            value = json.dumps(field.get_prep_value(value), sort_keys=True, cls=DjangoJSONEncoder)
        values.append(value)
        if field.is_relation and field.is_cached(instance):
            values.append(_held(field.get_cached_value(instance), depth - 1))
    return tuple(values)
