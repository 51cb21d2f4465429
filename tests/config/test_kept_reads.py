"""config/kept_reads.py: a read compiled once per process gives what the ORM gives, for any values,
reads the rows afresh, and refuses what it cannot keep."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from config.kept_reads import Ids, InIds, KeptRead, Keys, Prefix
from organizations.access import active_roles_on
from organizations.models import Kind, Organization, Role
from tests.clock import DAY_UNDER_TEST, ROLES_FROM
from tests.factories import make_user_with_role

pytestmark = pytest.mark.django_db


def fields_of(role: Role) -> tuple:
    return (role.pk, role.kind, role.starts_on, role.ends_on, role.organization.code, role.organization.path)


def test_a_kept_read_gives_what_the_orm_gives_for_each_value_with_its_related_rows(tree):
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"], "staff")
    Role.objects.create(
        user=staff, organization=tree["base"], kind=Role.Kind.COMMITTEE_LEADER, starts_on=ROLES_FROM
    )
    ended = make_user_with_role(Role.Kind.CELL_SECRETARY, tree["cell_a"], "ended")
    Role.objects.filter(user=ended).update(ends_on=DAY_UNDER_TEST - datetime.timedelta(days=1))
    builds = []

    def build(user_id, day):
        builds.append((user_id, day))
        return active_roles_on(user_id, day).order_by("pk")

    kept = KeptRead(build, int, datetime.date)
    days = (
        DAY_UNDER_TEST,
        DAY_UNDER_TEST - datetime.timedelta(days=1),
        ROLES_FROM - datetime.timedelta(days=1),
    )
    for user in (staff, ended):
        for day in days:
            expected = [fields_of(r) for r in active_roles_on(user.pk, day).order_by("pk")]
            with CaptureQueriesContext(connection) as queries:
                got = [fields_of(r) for r in kept.read(user.pk, day)]
            assert got == expected, (user.username, day)
            assert len(queries) == 1  # the organizations came with the roles (select_related)
    assert kept.read(staff.pk, DAY_UNDER_TEST)  # the roles held today
    assert kept.read(ended.pk, DAY_UNDER_TEST) == []  # the role ended yesterday
    assert len(builds) == 2  # built twice, with two sets of stand-ins, and never again


def test_a_kept_read_reads_the_rows_afresh_each_time(tree):
    kept = KeptRead(lambda code: Organization.objects.filter(code=code).values_list("name", flat=True), str)
    code = tree["cell_a"].code
    assert kept.read(code) == [tree["cell_a"].name]
    Organization.objects.filter(code=code).update(name="Chi bộ đổi tên")
    assert kept.read(code) == ["Chi bộ đổi tên"]
    assert kept.first("no-such-code") is None


def test_a_kept_read_of_ids_is_one_statement_for_any_number_of_them(tree):
    builds = []

    def build(ids, kind):
        builds.append(ids)
        return (
            Organization.objects.filter(InIds("pk", ids), kind=kind)
            .order_by("pk")
            .values_list("code", flat=True)
        )

    kept = KeptRead(build, Ids, str)
    everyone = list(Organization.objects.order_by("pk"))
    assert len(everyone) >= 4
    missing = max(o.pk for o in everyone) + 1000
    for ids in ([], [everyone[0].pk], [o.pk for o in everyone[1:3]], [o.pk for o in everyone], [missing]):
        for kind in {o.kind for o in everyone}:
            expected = list(
                Organization.objects.filter(pk__in=ids, kind=kind)
                .order_by("pk")
                .values_list("code", flat=True)
            )
            with CaptureQueriesContext(connection) as queries:
                assert kept.read(ids, kind) == expected, (ids, kind)
                assert kept.read(set(ids), kind) == expected  # a set or a list is taken as Ids
            assert len(queries) == 2
    assert len(builds) == 2  # one statement for no id, one, two and all of them


def test_a_kept_read_of_keys_is_one_statement_for_any_number_of_them(tree):
    kept = KeptRead(lambda codes: Organization.objects.filter(InIds("code", codes)).order_by("pk"), Keys)
    codes = list(Organization.objects.order_by("pk").values_list("code", flat=True))
    for chosen in ([], codes[:1], codes[1:3], codes, ["no-such-code", codes[0]]):
        expected = list(Organization.objects.filter(code__in=chosen).order_by("pk"))
        assert kept.read(chosen) == expected, chosen
    assert kept.read(Keys(codes)) == kept.read(tuple(codes))


def test_ids_are_integers_only():
    for wrong in (["1"], [True], [1.5], [None]):
        with pytest.raises(TypeError):
            Ids(wrong)
    with pytest.raises(TypeError):
        Keys([1])
    kept = KeptRead(lambda ids: Organization.objects.filter(InIds("pk", ids)), Ids)
    with pytest.raises(TypeError):
        kept.read("1,2")


def test_a_kept_read_refuses_what_would_change_its_statement():
    sliced = KeptRead(lambda n: Organization.objects.order_by("pk")[:n], int)
    with pytest.raises(ValueError, match="changes with its values"):
        sliced.read(3)
    unused = KeptRead(lambda pk: Organization.objects.all(), int)
    with pytest.raises(ValueError, match="not parameters"):
        unused.read(3)
    with pytest.raises(TypeError, match="datetime"):
        KeptRead(lambda name: Organization.objects.filter(name=name), bytes).read(b"x")


def test_a_kept_read_takes_only_values_of_its_kinds():
    kept = KeptRead(lambda pk: Organization.objects.filter(pk=pk), int)
    for wrong in ("1", True, 1.0, None):
        with pytest.raises(TypeError):
            kept.read(wrong)
    with pytest.raises(TypeError):
        kept.read(1, 2)
    dated = KeptRead(lambda day: Role.objects.filter(starts_on=day), datetime.date)
    with pytest.raises(TypeError):
        dated.read(datetime.datetime(2026, 1, 1, 9, 0))


@pytest.mark.django_db(transaction=True)
def test_a_kept_read_compiled_in_one_thread_reads_on_each_thread_s_own_connection(tree):
    """A connection belongs to its thread (runserver and threaded workers serve requests on
    several): the statement compiled on one thread runs on the connection of the thread reading."""
    kept = KeptRead(lambda code: Organization.objects.filter(code=code).values_list("name", flat=True), str)
    code = tree["cell_a"].code
    assert kept.read(code) == [tree["cell_a"].name]  # compiled here
    found, failed = [], []

    def read_elsewhere():
        try:
            found.extend(kept.read(code))
        except Exception as error:  # the failure is asserted below, with its message
            failed.append(repr(error))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read_elsewhere)
    thread.start()
    thread.join(timeout=30)
    assert not failed, failed
    assert found == [tree["cell_a"].name]


def test_a_kept_read_s_constants_are_written_into_its_sql_and_only_its_values_are_parameters(tree):
    """On PostgreSQL the request's values are the statement's only parameters: the build's
    constants (a name with `%`, a quote and a backslash, a name that reads `%s`, a number) are
    written as literals, so that a prepared statement keeps one plan (docs/decisions.md,
    "Constants written into kept reads")."""
    odd = "Chi bộ 100% \\ 'a'"
    Organization.objects.filter(pk=tree["cell_a"].pk).update(name=odd)
    kept = KeptRead(
        lambda code: Organization.objects.filter(code=code, name__in=[odd, "%s"], depth__gte=2).values_list(
            "name", flat=True
        ),
        str,
    )
    assert kept.read(tree["cell_a"].code) == [odd]
    assert kept.read(tree["cell_b"].code) == []  # its name is neither constant
    assert kept.read("%s") == []
    if connection.vendor != "postgresql":
        return  # SQLite plans each statement as it comes: nothing is written
    compiled = kept._for("default")
    assert len(compiled.params) == 1 and compiled.positions == [(0, 0)]  # the code, and only it
    assert "100%%" in compiled.sql and ">= 2" in compiled.sql  # the `%` doubled like the SQL's own


def test_a_kept_read_of_a_prefix_matches_the_subtree_the_orm_matches(tree):
    kept = KeptRead(
        lambda path: (
            Organization.objects.filter(path__startswith=path).order_by("path").values_list("code", flat=True)
        ),
        Prefix,
    )
    for unit in (tree["commune"], tree["base"], tree["cell_a"]):
        expected = list(
            Organization.objects.filter(path__startswith=unit.path)
            .order_by("path")
            .values_list("code", flat=True)
        )
        assert kept.read(Prefix(unit.path)) == expected and unit.code in expected
    assert kept.read(Prefix("ZZZZ")) == []
    with pytest.raises(TypeError):
        kept.read(tree["base"].path)  # a plain text is not a prefix


def _plans_of(fragment: str) -> tuple[int, int]:
    """(generic, custom) plans of this connection's prepared statement holding `fragment` (the
    driver drops them all when a test's transaction rolls back: only this test's are there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        (found,) = cursor.fetchall()
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans of prepared statements")
def test_ids_planned_once_let_postgresql_keep_one_plan_for_the_read(tree):
    # Enough organizations that a plan for one id (an index probe) costs less than one for any ten.
    Organization.objects.bulk_create(
        Organization(path=f"9{n:07d}", depth=2, code=f"T{n}", name=f"Tổ {n}", kind=Kind.BASE_CELL)
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE organizations_organization")
    chosen = [Organization.objects.get(code=code).pk for code in ("T7", "T1500")]
    seen = KeptRead(lambda ids: Organization.objects.filter(InIds("pk", ids)).order_by("pk"), Ids)
    hidden = KeptRead(
        lambda ids: Organization.objects.filter(InIds("pk", ids, planned_once=True)).order_by("pk"), Ids
    )
    for ids in ([chosen[0]], chosen) * 6:  # prepared by the driver after five reads
        assert [o.pk for o in hidden.read(ids)] == [o.pk for o in seen.read(ids)] == sorted(ids)
    assert hidden.read([]) == [] and hidden.read([max(chosen) + 10_000]) == []
    generic, custom = _plans_of('"organizations_organization"."id" = ANY((SELECT $1::bigint[])::bigint[])')
    assert custom == 5 and generic >= 2  # PostgreSQL's five custom plans, then the one it keeps
    generic, custom = _plans_of('"organizations_organization"."id" = ANY($1::bigint[])')
    assert generic == 0 and custom >= 7  # planned for the ids at every read
