"""A read that every request makes with other values, compiled to SQL once per process.

The small reads each page makes (the open seasons, the user's roles, the subject the URL names)
take PostgreSQL a fraction of a millisecond, and Django longer to build and compile: ≈ 1 ms each
at the 500,000-member province. `KeptRead(build, int, date)` builds and compiles its queryset
when first read in a process and database (twice, with two sets of stand-in values of the given
types) and notes where the values landed in the statement's parameters; `read(...)` then runs
that statement with the request's values through Django's own row iteration (model instances,
select_related, annotations, converters). Only the SQL is kept: the rows are read each time.

Only for values that are parameters of the statement as given (`pk=`, `season_id=`, `code=`,
`starts_on__lte=`): a value that changes the SQL itself, or does not come out as a parameter
unchanged, is refused when the read is first compiled. Lists and None change the SQL, so the
values are ints, texts and dates, and `Ids` (or `Keys`, of texts): a tuple of ids that `InIds`
writes as one parameter (`= ANY(%s)` on PostgreSQL, a JSON list read by json_each on SQLite), so
that the cell board's thirty members and a queue's fifty are one statement; and `Prefix`, a path
matched by `__startswith` (its parameter is the LIKE pattern).

On PostgreSQL the statement's constants are written into its SQL, and the values are its only
parameters (`_Compiled._write_constants`).
"""

import copy
import datetime
import json
import re
import threading
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, F, Func, QuerySet
from psycopg import sql as psycopg_sql


class Ids(tuple):
    """The ids a kept read filters on, as one value (`InIds` in its build)."""

    item, array = int, "bigint[]"

    def __new__(cls, values: Iterable = ()):
        values = tuple(values)
        if any(type(value) is not cls.item for value in values):
            raise TypeError(f"{cls.__name__} holds {cls.item.__name__} values only: {values!r}")
        return super().__new__(cls, values)


class Keys(Ids):
    """The texts a kept read filters on (quota keys, codes), as one value (`InIds` in its build)."""

    item, array = str, "text[]"


class Prefix(str):
    """A path a kept read matches the start of (`path__startswith=Prefix(path)`): its parameter is
    the LIKE pattern Django writes for it, the path with `%` after it."""


def ids_parameter(ids: Ids, vendor: str):
    """The one parameter that carries the ids: an array on PostgreSQL, JSON text on SQLite."""
    return list(ids) if vendor == "postgresql" else json.dumps(list(ids))


class InIds(Func):
    """`column IN ids` (Ids or Keys) as one parameter whatever their number (none matches no row).

    `planned_once`: the ids are given through a sub-select, whose value PostgreSQL does not look at
    when it plans. A prepared statement's plan then does not depend on them, and PostgreSQL keeps
    one plan for it instead of planning at every request. Left to see the ids, it planned the
    queue's reads every time: the estimate of a plan for any ids (ten of each) never came under
    that of a plan for the request's few. Only where the plan made without the ids is the right
    one for every user's: the collectives around a cell, planned so, read a whole table."""

    output_field = BooleanField()

    def __init__(self, column: str, ids: Ids, *, planned_once: bool = False):
        super().__init__(F(column))
        self.ids = ids if isinstance(ids, Ids) else Ids(ids)
        self.planned_once = planned_once

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[0])
        parameter = ids_parameter(self.ids, connection.vendor)
        if connection.vendor == "postgresql":
            array = self.ids.array
            if self.planned_once:  # the cast: `= ANY((SELECT …))` would compare with rows, not an array
                return f"{column} = ANY((SELECT %s::{array})::{array})", (*params, parameter)
            return f"{column} = ANY(%s::{array})", (*params, parameter)
        return f"{column} IN (SELECT value FROM json_each(%s))", (*params, parameter)


def _stand_ins(kinds: tuple[type, ...], variant: int) -> list:
    """Values of the given types, different in each variant. Integers stay small: Django drops a
    comparison with an integer out of its column's range (a year is a small integer)."""
    values = []
    for index, kind in enumerate(kinds):
        if kind is int:
            values.append(30_001 + 100 * variant + index)
        elif kind is datetime.date:
            values.append(datetime.date(1901 + variant, 1, 1) + datetime.timedelta(days=index))
        elif kind in (str, Prefix):
            values.append(kind(f"kept-read-{variant}-{index}"))
        elif kind is Ids:
            values.append(Ids(range(30_001 + 100 * variant + index, 30_003 + 101 * variant + index)))
        elif kind is Keys:
            values.append(Keys(f"kept-read-{variant}-{index}-{n}" for n in range(2 + variant)))
        else:
            raise TypeError(
                f"a kept read binds int, str, Prefix, datetime.date, Ids or Keys, not {kind.__name__}"
            )
    return values


def _key(parameter):
    """A parameter as a dictionary key (an array of ids is a list)."""
    return tuple(parameter) if isinstance(parameter, list) else parameter


class _Compiled:
    """One database's statement: its SQL, its parameters with the values' positions, and the
    compiler that produced it (Django's row iteration reads its select list and converters).

    The read is built and compiled with two sets of stand-in values: the parameters that differ
    between the two are the values' places, so a constant of the query that happens to equal a
    stand-in is never taken for one."""

    def __init__(self, build: Callable[..., QuerySet], kinds: tuple[type, ...], alias: str):
        self.alias = alias
        ops, vendor = connections[alias].ops, connections[alias].vendor

        def adapt(value):
            if isinstance(value, Ids):
                return ids_parameter(value, vendor)
            if isinstance(value, Prefix):
                return f"{ops.prep_for_like_query(value)}%"
            return ops.adapt_datefield_value(value) if isinstance(value, datetime.date) else value

        self.adapt = adapt
        first, second = _stand_ins(kinds, 0), _stand_ins(kinds, 1)
        self.queryset = build(*first).using(alias)
        self.compiler = self.queryset.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        other_sql, other_params = build(*second).using(alias).query.get_compiler(using=alias).as_sql()
        self.params = list(params)
        if other_sql != self.sql or len(other_params) != len(params):
            raise ValueError(f"a kept read's statement changes with its values: {self.sql}")
        by_value = {
            (_key(self.adapt(a)), _key(self.adapt(b))): index
            for index, (a, b) in enumerate(zip(first, second, strict=True))
        }
        self.positions: list[tuple[int, int]] = []
        for position, (a, b) in enumerate(zip(params, other_params, strict=True)):
            if a != b:
                pair = (_key(a), _key(b))
                if pair not in by_value:
                    raise ValueError(
                        f"a kept read's parameter {position} is not one of its values: {self.sql}"
                    )
                self.positions.append((position, by_value[pair]))
        missing = set(range(len(kinds))) - {index for _, index in self.positions}
        if missing:
            raise ValueError(f"a kept read's values {sorted(missing)} are not parameters of: {self.sql}")
        if vendor == "postgresql":
            self._write_constants(connections[alias])

    def _write_constants(self, connection) -> None:
        """Write the statement's constants (every parameter that is not one of the read's values)
        into its SQL, so that the request's values are its only parameters. PostgreSQL plans a
        prepared statement for its values each time (a custom plan) unless a plan for any values
        costs no more; with sixty constants as parameters it cannot tell, and the cell board's
        read of its subjects was planned on every request (about 2.5 ms, for 1 ms of running).
        The literals are psycopg's own quoting; a `%` in them is doubled like the SQL's."""
        connection.ensure_connection()
        valued = sorted(position for position, _ in self.positions)
        pieces, start, position = [], 0, 0
        for mark in re.finditer(r"%[%s]", self.sql):
            if mark.group() == "%%":
                continue
            pieces.append(self.sql[start : mark.start()])
            if position in valued:
                pieces.append("%s")
            else:
                literal = psycopg_sql.Literal(self.params[position]).as_string(connection.connection)
                pieces.append(literal.replace("%", "%%"))
            position, start = position + 1, mark.end()
        if position != len(self.params):
            raise ValueError(f"a kept read's placeholders do not match its parameters: {self.sql}")
        self.sql = "".join(pieces) + self.sql[start:]
        self.params = [self.params[position] for position in valued]
        self.positions = [(valued.index(position), index) for position, index in self.positions]

    def queryset_for(self, values: tuple) -> QuerySet:
        params = list(self.params)
        for position, index in self.positions:
            params[position] = self.adapt(values[index])
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.alias]  # this thread's: a connection is per thread
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset


class KeptRead:
    """`build(*values)` gives the queryset (sliced already if one row is wanted); `kinds` are the
    types of the values: int, str, Prefix, datetime.date, Ids or Keys (each given as such, or as a
    list, a set or a tuple of ints or of texts)."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias)
                if compiled is None:
                    compiled = self._compiled[alias] = _Compiled(self.build, self.kinds, alias)
        return compiled

    def read(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        if len(values) != len(self.kinds):
            raise TypeError(f"a kept read takes {len(self.kinds)} values, not {len(values)}")
        values = tuple(
            kind(value) if kind in (Ids, Keys) and isinstance(value, (list, set, frozenset, tuple)) else value
            for value, kind in zip(values, self.kinds, strict=True)
        )
        for value, kind in zip(values, self.kinds, strict=True):
            if type(value) is not kind:  # not a bool for an int, not a datetime for a date
                raise TypeError(f"a kept read's value {value!r} is not {kind.__name__}")
        return list(self._for(using).queryset_for(values))

    def first(self, *values, using: str = DEFAULT_DB_ALIAS):
        rows = self.read(*values, using=using)
        return rows[0] if rows else None
