"""A condition the Facts' reads need inside an OR: `column IN (subquery)`, written so that
PostgreSQL can still use the column's index.

Inside an OR, PostgreSQL runs `x IN (SELECT …)` as a filter over every row the other branches let
through (a hashed SubPlan), which turned the reads of the subjects around a cell into a scan of
the season's 46,000 collectives at the 500,000-member province (41 ms). `x = ANY(ARRAY(SELECT …))`
is computed once (an InitPlan) and is then an index condition like a literal list.

Also: `JSONList` and `JSONRow`, a group's rows as one JSON list; `CompiledOnce`, an annotation
that keeps its SQL for the next query of the same shape.
"""

from django.db.models import (
    Aggregate,
    BooleanField,
    Expression,
    F,
    Func,
    JSONField,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, JSONObject


class InSubquery(Func):
    output_field = BooleanField()

    def __init__(self, column: str, values: QuerySet):
        super().__init__(F(column), Subquery(values))

    def as_sql(self, compiler, connection, **extra_context):
        column, values = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} IN {values[0]}", (*column[1], *values[1])

    def as_postgresql(self, compiler, connection, **extra_context):
        column, values = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY(ARRAY{values[0]})", (*column[1], *values[1])


class JSONList(Aggregate):
    """The rows of a group as one JSON array (of values or of JSONRow), decoded to a list:
    json_agg on PostgreSQL, read as text and decoded like a JSONField's (psycopg would decode
    `json` itself, and the field again), json_group_array on SQLite.

    `json`, not `jsonb`: PostgreSQL builds a jsonb object about twice as slowly, and the list is
    only read, never queried (a cell's 29 pledges of five items: 0.8 ms → 0.4 ms)."""

    function = "JSON_AGG"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"({sql})::text", params

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class JSONRow(JSONObject):
    """A JSONObject for the rows of a JSONList: `json_build_object` on PostgreSQL (Django's
    JSONObject builds jsonb there). Its keys are cast to text, which PostgreSQL cannot infer for
    a parameter of a function that takes any type. Only inside a JSONList: alone, psycopg would
    decode the `json` before the field does."""

    def as_postgresql(self, compiler, connection, **extra_context):
        keyed = self.copy()
        keyed.set_source_expressions(
            [Cast(e, TextField()) if i % 2 == 0 else e for i, e in enumerate(self.get_source_expressions())]
        )
        return Func.as_sql(keyed, compiler, connection, function="JSON_BUILD_OBJECT", **extra_context)


class CompiledOnce(Expression):
    """An annotation whose SQL is kept once compiled, for the next query of the same shape.

    Compiling the Facts' annotations (subqueries inside CASE) took most of the time the cell board
    and the queue spent reading their subjects, and the SQL is the same at every request: the
    expression is resolved once per season and thread (with_subjects.subjects_with_facts), so its
    SQL depends only on the query around it, the tables and aliases it joins. That is the key."""

    def __init__(self, expression):
        super().__init__()
        self.expression = expression
        self.compiled = {}

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def copy(self):
        copied = super().copy()
        copied.compiled = {}  # a copy is resolved or relabelled again: its SQL may differ
        return copied

    @property
    def output_field(self):
        return self.expression.output_field

    def get_db_converters(self, connection):
        return self.expression.get_db_converters(connection)

    def as_sql(self, compiler, connection):
        query = compiler.query
        key = (
            connection.alias,
            query.alias_prefix,
            query.subquery,
            tuple((alias, join.table_name) for alias, join in query.alias_map.items()),
        )
        if key not in self.compiled:
            if len(self.compiled) >= 32:  # a handful of shapes is the rule: never let it grow
                self.compiled.clear()
            sql, params = compiler.compile(self.expression)
            self.compiled[key] = (sql, tuple(params))
        sql, params = self.compiled[key]
        return sql, list(params)
