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
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.db.models.query import RawQuerySet

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

    def instances(self, using: str = DEFAULT_DB_ALIAS, **values: int | str) -> RawQuerySet:
        """The query's rows as model instances; annotations are attributes, as in the ORM.
        (No `select_related`: a raw query fills in only the model's own fields.)"""
        model, sql, params = self._sql_for(using, values)
        return model._default_manager.db_manager(using).raw(sql, params)

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
