"""R-STAT: season figures for any organization, by path prefix, in a fixed number of queries."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import DisciplineRecord
from reviews import figures as statistics
from reviews.figures_children import ChildRow, by_child
from reviews.models import SeasonUnit, Subject
from reviews.services import submit_remediation_plan
from tests.factories import make_member
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_form, decide, propose, review

pytestmark = pytest.mark.django_db


def run_cells(w, level_for=lambda i: "HTTNV"):
    for cell, secretary, members in ((w.cell1, w.secretary, w.members1), (w.cell2, w.secretary2, w.members2)):
        complete_form(w.subject(unit=cell), secretary)
        for m in members:
            complete_form(w.subject(member=m), secretary)
        review(w.subject(unit=cell), secretary, [w.subject(member=m) for m in members])
        for i, m in enumerate(members):
            propose([w.subject(member=m)], secretary, level=level_for(i))
    propose([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    decide([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    decide([w.subject(member=m) for m in w.members1 + w.members2], w.base_staff)


def test_r_stat_1_levels_by_organization_and_member_with_breakdown(world):
    w = world
    run_cells(w, level_for=lambda i: "HTNV" if i == 0 else "HTTNV")
    unit = statistics.unit_for(w.season, w.commune)
    counts = statistics.level_counts(w.season, unit)
    members, organizations = counts["member"], counts["organization"]
    assert members.levels == {"HTTNV": 8, "HTNV": 2}
    assert members.pending == 2  # the base cell's members are not decided yet
    assert members.percent("HTTNV") == 80.0
    assert organizations.levels == {"HTTNV": 2} and organizations.pending == 2
    rows = {row.unit.code: row for row in by_child(w.season, unit)}
    assert set(rows) == {"CS1", "CS2"}
    assert rows["CS1"].members.levels == {"HTTNV": 8, "HTNV": 2}
    assert rows["CS2"].members.pending == 2


def test_r_stat_1_not_rated_with_reasons_and_the_previous_season(db):
    from members.models import Status
    from members.services import change_member_status

    w = build_world(open_now=False)
    open_season_124(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    change_member_status(member=w.members2[0], status=Status.EXEMPT, starts_on=datetime.date(2026, 2, 1))
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    unit = statistics.unit_for(w.season, w.base)
    counts = statistics.level_counts(w.season, unit)
    assert counts["member"].out_of_scope == {"exempt": 1}
    previous = statistics.compare_with_previous(w.season, unit)
    assert previous is not None and previous["member"].out_of_scope == {}
    assert previous["member"].pending == 10


def test_r_stat_2_progress_and_overdue(world):
    w = world
    complete_form(w.subject(member=w.deputy), w.member_user)
    w.season.deadlines = {"self_review": "2026-11-01", "decision": "2026-12-31"}
    w.season.save()
    unit = statistics.unit_for(w.season, w.base)
    progress = statistics.progress(w.season, unit)
    assert progress["member"] == {"draft": 9, "submitted": 1}
    late = statistics.overdue(w.season, unit, today=datetime.date(2026, 11, 23))
    assert late == {"self_review": 9 + 3}  # nine members and three collectives still writing


def test_r_stat_3_follow_up_figures(world):
    w = world
    run_cells(w, level_for=lambda i: "HTTNV")
    submit_remediation_plan(subject=w.subject(unit=w.cell1), actor=w.secretary, items=[{"text": "Khắc phục"}])
    submit_remediation_plan(
        subject=w.subject(member=w.head), actor=w.secretary, items=[{"text": "Khắc phục"}]
    )
    DisciplineRecord.objects.create(
        member=w.members1[4],
        decided_on=datetime.date(2026, 3, 1),
        form="reprimand",
        decided_by="Đảng ủy",
        violation_year=2026,
    )
    Subject.objects.filter(member=w.members1[5]).update(flags={"second_khtnv": True})
    figures = statistics.follow_up(w.season, statistics.unit_for(w.season, w.base))
    assert figures["collective_plans"] == 1 and figures["collectives"] == 2
    assert figures["committee_plans"] == 1 and figures["committee_members"] == 2
    assert figures["disciplined_members"] == 1 and figures["second_khtnv"] == 1
    assert figures["disciplined_organizations"] == 0
    # The season year's first and last days count; the days around it do not.
    for member, day in zip(
        (w.members1[5], w.members1[6], w.members1[2], w.members1[3]),
        (
            datetime.date(2026, 1, 1),
            datetime.date(2026, 12, 31),
            datetime.date(2025, 12, 31),
            datetime.date(2027, 1, 1),
        ),
        strict=True,
    ):
        DisciplineRecord.objects.create(
            member=member, decided_on=day, form="reprimand", decided_by="Đảng ủy", violation_year=day.year
        )
    assert statistics.follow_up(w.season, statistics.unit_for(w.season, w.base))["disciplined_members"] == 3


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_r_stat_queries_do_not_grow_with_the_subtree(db):
    def all_figures(season, organization):
        unit = statistics.unit_for(season, organization)
        statistics.level_counts(season, unit)
        list(by_child(season, unit))
        statistics.progress(season, unit)
        statistics.overdue(season, unit, today=datetime.date(2026, 12, 31))
        statistics.follow_up(season, unit)
        statistics.compare_with_previous(season, unit)

    w = build_world(open_now=False)
    open_season_124(top_organization=w.province, year=2024, reference_date=datetime.date(2024, 11, 15))
    small = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15)
    )
    for n in range(150):
        make_member(w.cell2 if n % 2 else w.base_cell, "Ngô", "Văn", f"Tư{n}")
    big = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    small.deadlines, big.deadlines = {"decision": "2025-12-01"}, {"decision": "2026-12-01"}
    assert big.subjects.count() > 9 * small.subjects.count()
    assert _queries(lambda: all_figures(small, w.province)) == _queries(lambda: all_figures(big, w.province))


def test_each_condition_holding_a_subject_below_its_band_is_counted_once(world):
    """The dashboard's "held below their band" figures read the codes kept on each subject; a code
    inside another ("done" in "not_done") is not counted (the query also runs on SQLite)."""
    from reviews.models import SeasonUnit
    from reviews.regimes.qd366.levels import CONDITIONS

    first, second, third = Subject.objects.filter(season=world.season, kind="member").order_by("id")[:3]
    Subject.objects.filter(pk=first.pk).update(scores={"blocked_by": ["not_done", "late"], "gap": False})
    Subject.objects.filter(pk=second.pk).update(scores={"blocked_by": ["on_time"], "gap": True})
    Subject.objects.filter(pk=third.pk).update(scores={"blocked_by": []})
    top = SeasonUnit.objects.get(season=world.season, organization=world.province)
    found = statistics.blocked_by_condition(world.season, top, CONDITIONS)
    assert found == {code: 0 for code in CONDITIONS} | {"not_done": 1, "late": 1, "on_time": 1, "gap": 1}


def test_r_stat_3_committee_members_are_every_seat_holder_of_the_subtree_at_each_level(db):
    """R-STAT-3: "cấp ủy viên" counts everyone holding a seat on any committee of the subtree —
    cell committees, a partial committee, the base committee, the commune and province committees
    — once each, whatever their own cell; the plans are counted among them. One query per figure
    set at every level of the tree."""
    from members.models import CommitteeSeat
    from organizations.models import Kind
    from tests.clock import ROLES_FROM
    from tests.factories import make_org

    w = build_world(open_now=False)
    partial = make_org(Kind.PARTIAL_COMMITTEE, w.base, name="Đảng bộ bộ phận Khối A", code="BP1")
    cell3 = make_org(Kind.CELL, partial, name="Chi bộ Khối A1", code="CB3")
    in_partial = make_member(cell3, "Hà", "Văn", "Sơn")
    seats = [
        (w.head, w.base, 2),  # also heads CB1: counted once
        (w.members2[0], w.base, 0),  # the base committee's secretary, a member of CB2
        (in_partial, partial, 0),
        (w.members2[1], w.commune, 2),
        (w.members3[0], w.province, 2),  # on the province committee, a member of base cell CS2
    ]
    for member, organization, position in seats:
        CommitteeSeat.objects.create(
            member=member, organization=organization, position=position, starts_on=ROLES_FROM
        )
    CommitteeSeat.objects.create(  # ended before the reference date: not counted
        member=w.members2[2],
        organization=w.base,
        position=2,
        starts_on=ROLES_FROM,
        ends_on=REFERENCE - datetime.timedelta(days=1),
    )
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    Subject.objects.filter(season=season, out_of_scope="").update(state=Subject.State.REVIEWED)
    for member in (w.head, w.members3[0]):
        submit_remediation_plan(
            subject=Subject.objects.get(season=season, member=member),
            actor=w.board,
            items=[{"text": "Khắc phục"}],
        )
    expected = {w.province: (2, 6), w.commune: (1, 5), w.base: (1, 4), w.cell1: (1, 2), w.base_cell: (0, 0)}
    for organization, (plans, members) in expected.items():
        unit = statistics.unit_for(season, organization)
        with CaptureQueriesContext(connection) as captured:
            figures = statistics.follow_up(season, unit)
        assert (figures["committee_plans"], figures["committee_members"]) == (plans, members), organization
        assert len(captured) == 2  # the kept rows (committee members among them); the discipline


def test_a_summary_reads_last_season_and_both_years_discipline_with_fewer_queries(db):
    """R-STAT-1 / R-STAT-3: the previous season's copy of a unit comes with its kept rows (equal to
    kept_rows, booleans and points included), follow_ups of both seasons equal a follow_up of each
    in one query, and by_child(own_points=True) carries each child's own decided points."""
    from organizations.models import OrganizationDiscipline

    w = build_world(open_now=False)
    earlier = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15)
    )
    Subject.objects.filter(season=earlier, out_of_scope="").update(
        state=Subject.State.DECIDED, decided_level="HTTNV", decided_points=Decimal("86.5")
    )
    Subject.objects.filter(season=earlier, member=w.members1[0]).update(flags={"second_khtnv": True})
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    for member, year in ((w.members1[1], 2025), (w.members1[2], 2026)):  # one in each year
        DisciplineRecord.objects.create(
            member=member,
            decided_on=datetime.date(year, 5, 1),
            form="reprimand",
            decided_by="Đảng ủy",
            violation_year=year,
        )
    OrganizationDiscipline.objects.create(
        organization=w.cell2,
        decided_on=datetime.date(2026, 4, 1),
        form="reprimand",
        decided_by="Đảng ủy",
        violation_year=2026,
    )
    cell = Subject.objects.get(season=season, unit__organization=w.cell1, kind=Subject.Kind.ORGANIZATION)
    Subject.objects.filter(pk=cell.pk).update(decided_points=Decimal("91.0"))
    unit = statistics.unit_for(season, w.base)
    with CaptureQueriesContext(connection) as captured:
        previous = statistics.previous_unit(season, unit, with_rows=True)
    assert len(captured) == 1
    assert previous.season == earlier and previous.organization_id == w.base.pk
    assert sorted(previous.kept) == sorted(statistics.kept_rows(earlier, previous))
    assert any(r.points == Decimal("86.5") * r.scored and r.scored for r in previous.kept)
    assert any(r.second_khtnv for r in previous.kept)
    assert statistics.previous_unit(earlier, statistics.unit_for(earlier, w.base), with_rows=True) is None

    rows = statistics.kept_rows(season, unit)
    with CaptureQueriesContext(connection) as captured:
        both = statistics.follow_ups([(season, unit, rows), (earlier, previous, previous.kept)])
    assert len(captured) == 1
    assert both == [statistics.follow_up(season, unit), statistics.follow_up(earlier, previous)]
    assert (both[0]["disciplined_members"], both[1]["disciplined_members"]) == (1, 1)
    assert both[0]["disciplined_organizations"] == 1 and both[1]["second_khtnv"] == 1

    children = {row.unit.organization_id: row for row in by_child(season, unit, own_points=True)}
    assert children[w.cell1.pk].own_points == Decimal("91.0")
    assert children[w.cell2.pk].own_points is None
    assert all(row.own_points is None for row in by_child(season, unit))


def _added_up(rows) -> ChildRow:
    """What a child's row is, added up from the child's own kept rows one by one."""
    child = ChildRow(None, statistics.LevelCounts(), statistics.LevelCounts(), defaultdict(int))
    for r in rows:
        if r.kind == Subject.Kind.MEMBER:
            child.members.add(r.level, r.out_of_scope, r.state, r.n)
            child.points_sum += r.points
            child.points_n += r.scored
        elif r.kind == Subject.Kind.ORGANIZATION:
            child.organizations.add(r.level, r.out_of_scope, r.state, r.n)
        if not r.out_of_scope:
            child.states[r.state] += r.n
            if r.kind == Subject.Kind.MEMBER:
                child.member_states[r.state] += r.n
    return child


def test_r_stat_1_by_child_reads_each_childs_tally_which_adds_up_its_own_kept_rows(world):
    """by_child reads one kept tally per child (reviews/kept_tallies.py); each child's figures are
    those of its own kept rows added up one by one (levels, reasons not rated, absent, pending,
    states in scope), and its points the exact one-decimal sum."""
    w = world
    run_cells(w, level_for=lambda i: ("HTNV", "HTTNV", "KHTNV")[i % 3])
    Subject.objects.filter(season=w.season, member=w.members1[0]).update(out_of_scope="exempt")
    Subject.objects.filter(season=w.season, member=w.members1[1]).update(state=Subject.State.ABSENT)
    Subject.objects.filter(season=w.season, member__in=w.members2[:3]).update(decided_points=Decimal("72.5"))
    unit = statistics.unit_for(w.season, w.province)
    children = by_child(w.season, unit)
    assert len(children) >= 1
    for row in children:
        season_unit = SeasonUnit.objects.get(pk=row.unit.pk)
        has_children = SeasonUnit.objects.filter(parent=season_unit).exists()
        assert (
            row.unit.code,
            row.unit.name,
            row.unit.organization_id,
            row.unit.kind,
            row.unit.has_children,
        ) == (
            season_unit.code,
            season_unit.name,
            season_unit.organization_id,
            season_unit.kind,
            has_children,
        )
        expected = _added_up(statistics.kept_rows(w.season, season_unit))
        assert row.members == expected.members and row.organizations == expected.organizations, row.unit
        assert dict(row.states) == dict(expected.states), row.unit
        assert dict(row.member_states) == dict(expected.member_states), row.unit
        assert (row.points_sum, row.points_n) == (expected.points_sum, expected.points_n), row.unit
    commune = next(row for row in children if row.unit.organization_id == w.commune.pk)
    assert commune.members.out_of_scope == {"exempt": 1} and commune.members.absent == 1
    assert commune.members.levels and commune.points_n == 3 and commune.points_sum == Decimal("217.5")
