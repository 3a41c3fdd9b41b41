"""Queries whose SQL the ORM writes once per process, for the few a busy page asks on every
request.

Putting a query together costs Django much more than asking it costs the database when the query
has subqueries and joins: the register's reading of a person's standing at a session took 3 ms to
build and compile and 0.1 ms to run. A `Compiled` query is still defined in the ORM, next to the
rules it expresses, by a function of whole numbers (ids) returning a queryset; a parameter
annotated `str` takes text instead (a key). The first time it is asked on a database, that
function is called with stand-ins and the SQL written; from then on the same SQL is asked with the
real values in the stand-ins' places.

Only for queries whose shape depends on nothing but those values: no clock, no settings read
per request, no branch on a value. A stand-in the SQL does not carry as a parameter (the ORM
folded it away) is refused the first time the query is asked, so the mistake shows in a test.
"""

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, QuerySet

# Far from any real id or key, and unlike any other parameter a query carries (ids, flags,
# statuses).
_FIRST_STAND_IN = -7_318_092_215_463
_TEXT_STAND_IN = "~stand-in {n} 7318092215463~"


class Compiled:
    """A query written once per process per database (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        parameters = inspect.signature(build).parameters
        self.names = tuple(parameters)
        self.types = {
            name: str if parameter.annotation in (str, "str") else int
            for name, parameter in parameters.items()
        }
        # By database alias: (model, SQL, parameters, {parameter's position: name}).
        self._written: dict[str, tuple[type[Model], str, tuple, dict[int, str]]] = {}
        # By database alias: how a row of the answer becomes an instance.
        self._readings: dict[str, _Reading] = {}

    def instances(self, using: str = DEFAULT_DB_ALIAS, **values: int | str) -> list[Model]:
        """The query's rows as model instances, as `Model.objects.raw` makes them: the model's
        own fields (any it leaves out are deferred) converted as the ORM converts them, and each
        annotation an attribute as the database answered it. (No `select_related`.)

        How a row becomes an instance is worked out at the query's first answer and kept, as its
        SQL is: a raw queryset works it out again on every asking, which cost more than the
        query itself for a register's fifteen families."""
        model, sql, params = self._sql_for(using, values)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        reading = self._readings.get(using) or self._learn_reading(using, model, columns)
        converters = reading.converters_for(connection)
        instances = []
        for row in rows:
            if converters:
                row = list(row)
                for position, (functions, column) in converters.items():
                    value = row[position]
                    for function in functions:
                        value = function(value, column, connection)
                    row[position] = value
            instance = model.from_db(
                using, reading.field_names, [row[i] for i in reading.field_positions]
            )
            for name, position in reading.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    def _learn_reading(self, using: str, model: type[Model], columns: list[str]) -> "_Reading":
        # As Django's RawModelIterable does, once.
        convert = connections[using].introspection.identifier_converter
        by_column = {convert(field.column): field for field in model._meta.fields}
        fields = [field for field in model._meta.fields if convert(field.column) in columns]
        if model._meta.pk not in fields:
            raise FieldDoesNotExist("A compiled query must include the primary key")
        reading = _Reading(
            field_names=[field.attname for field in fields],
            field_positions=[columns.index(convert(field.column)) for field in fields],
            annotations=[(c, i) for i, c in enumerate(columns) if c not in by_column],
            fields_by_position=[by_column.get(column) for column in columns],
        )
        self._readings[using] = reading
        return reading

    def _sql_for(self, using: str, values: dict[str, int | str]) -> tuple[type[Model], str, list]:
        if set(values) != set(self.names):
            raise TypeError(f"Asked with {sorted(values)}; the query takes {list(self.names)}")
        written = self._written.get(using) or self._write(using)
        model, sql, params, slots = written
        asked = [
            self.types[slots[i]](values[slots[i]]) if i in slots else value
            for i, value in enumerate(params)
        ]
        return model, sql, asked

    def _write(self, using: str) -> tuple[type[Model], str, tuple, dict[int, str]]:
        stand_ins = {
            name: _TEXT_STAND_IN.format(n=n) if self.types[name] is str else _FIRST_STAND_IN - n
            for n, name in enumerate(self.names)
        }
        queryset = self.build(**stand_ins)
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        name_of = {value: name for name, value in stand_ins.items()}
        slots = {
            i: name_of[value]
            for i, value in enumerate(params)
            if type(value) in (int, str) and value in name_of
        }
        missing = set(self.names) - set(slots.values())
        if missing:
            raise ValueError(f"The query's SQL does not carry {sorted(missing)} as parameters")
        written = (queryset.model, sql, tuple(params), slots)
        self._written[using] = written
        return written


@dataclass
class _Reading:
    """How a row of a compiled query's answer becomes a model instance: which columns are the
    model's fields, which are annotations, and the ORM's converters of each field's value (kept
    per database connection, whose methods they are)."""

    field_names: list[str]
    field_positions: list[int]
    annotations: list[tuple[str, int]]
    fields_by_position: list[Field | None]

    def __post_init__(self):
        self._converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def converters_for(self, connection) -> dict[int, tuple[list, object]]:
        known = self._converters.get(connection)
        if known is None:
            known = {}
            for position, field in enumerate(self.fields_by_position):
                if field is None:
                    continue
                column = field.get_col(field.model._meta.db_table)
                functions = connection.ops.get_db_converters(column)
                functions += column.get_db_converters(connection)
                if functions:
                    known[position] = (functions, column)
            self._converters[connection] = known
        return known
