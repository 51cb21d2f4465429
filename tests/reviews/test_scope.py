"""R-SET and R-SCOPE: rule sets, and who and what a season reviews."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import CellPeriod, Status, StatusPeriod
from members.services import change_member_status, transfer_member
from organizations.models import Kind
from organizations.services import move_organization, rename_organization
from reviews import workflow
from reviews.defaults import rule_set_for_year, shipped_rule_set
from reviews.models import Decision, Meeting, RuleSet, Subject
from reviews.scope import open_season
from reviews.scope.units import months_before
from tests.clock import DAY_UNDER_TEST
from tests.factories import make_member, make_org
from tests.reviews.conftest import QD366, REFERENCE, open_season_124
from tests.reviews.helpers import complete_form, decide, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State


def test_r_set_1_the_default_rule_set_ships_as_data(db):
    rule_set = RuleSet.objects.get(is_default=True)
    assert rule_set.code == "qd124-hd25-2023"
    assert rule_set.level_codes() == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    assert set(rule_set.form_templates) == {"01", "02A", "02B"}
    assert rule_set.quota["percent"] == 20 and rule_set.quota["rounding"] == "down"


def test_r_set_1_opening_freezes_the_rule_set_and_decisions_record_it(world):
    rule_set = RuleSet.objects.get(pk=world.season.rule_set_id)
    assert rule_set.frozen_at is not None
    rule_set.quota = {**rule_set.quota, "percent": 30}
    with pytest.raises(ValidationError):
        rule_set.full_clean()
    # Before a season opens, a copy may still be adjusted.
    draft = RuleSet.objects.get(pk=rule_set.pk)
    draft.pk, draft.code, draft.frozen_at, draft.is_default = None, "tinh-2026", None, False
    draft.quota = {**draft.quota, "percent": 25}
    draft.full_clean()
    draft.save()
    assert RuleSet.objects.get(code="tinh-2026").quota["percent"] == 25

    w = world
    member = w.subject(member=w.members3[0])
    complete_form(w.subject(unit=w.base_cell), w.base_cell_secretary)
    complete_form(member, w.base_cell_secretary)
    review(w.subject(unit=w.base_cell), w.base_cell_secretary, [w.subject(member=w.members3[0])])
    propose([w.subject(member=w.members3[0])], w.base_cell_secretary)
    propose([w.subject(unit=w.base_cell)], w.commune_staff)
    decide([w.subject(unit=w.base_cell)], w.commune_staff)
    decide([w.subject(member=w.members3[0])], w.base_cell_secretary)
    decision = Decision.objects.get(subject__member=w.members3[0])
    assert decision.rule_set.code == "qd124-hd25-2023"
    assert w.season.events.filter(action="decide").first().rule_set_code == "qd124-hd25-2023"


def test_r366_set_1_the_season_of_2025_on_opens_under_366_and_earlier_ones_under_124(db):
    """R366-SET-1: QĐ 366 / HD 43 (2025) is the default from the 2025 rating year; 2023 and 2024
    stay under QĐ 124 / HD 25; both ship as data and are frozen once a season opens under them."""
    from tests.reviews.conftest import build_world

    assert rule_set_for_year(2023).code == rule_set_for_year(2024).code == "qd124-hd25-2023"
    assert rule_set_for_year(2025).code == rule_set_for_year(2031).code == "qd366-hd43-2025"
    w = build_world(open_now=False)
    season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    season.rule_set.refresh_from_db()
    assert season.rule_set.regime == "qd366" and season.rule_set.frozen_at is not None
    assert season.rule_set.scoring["bands"] == {"HTXSNV": 90, "HTTNV": 70, "HTNV": 50, "KHTNV": 0}
    assert season.subjects.filter(kind="member").count() == len(w.members1 + w.members2 + w.members3)
    earlier = open_season(top_organization=w.province, year=2024, reference_date=datetime.date(2024, 11, 15))
    assert earlier.rule_set.regime == "qd124"
    assert set(earlier.subjects.filter(kind="member").values_list("form_code", flat=True)) <= {"02A", "02B"}


def test_r_set_2_the_successor_regulation_is_a_second_rule_set_of_the_same_model(db):
    """R-SET-2: QĐ 366 / HD 43 is a second row of the same RuleSet model, not a redesign. Seasons
    under either open on one tree into the same tables, and each subject writes a form of its own
    rule set: the regime is read from the rule set, never assumed to be QĐ 124."""
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    earlier = open_season_124(
        top_organization=w.province, year=REFERENCE.year - 1, reference_date=months_before(REFERENCE, 12)
    )
    later = open_season(
        top_organization=w.province,
        year=REFERENCE.year,
        reference_date=REFERENCE,
        rule_set=shipped_rule_set(QD366),
    )
    assert (earlier.rule_set.regime, later.rule_set.regime) == ("qd124", "qd366")
    assert earlier.rule_set.scoring is None and later.rule_set.scoring["bands"]["HTXSNV"] == 90
    for season in (earlier, later):
        forms = set(season.subjects.values_list("form_code", flat=True))
        assert forms and forms <= set(season.rule_set.form_templates)
        for code in forms:
            assert season.rule_set.template(code)["form_number"].startswith(f"Mẫu {code}-")
    # One member, one table, a form of each regulation.
    head = Subject.objects.filter(member=w.head).order_by("season__year")
    assert [(s.season_id, s.form_code) for s in head] == [(earlier.pk, "02B"), (later.pk, "2A")]


def test_opening_is_idempotent(world):
    before = Subject.objects.filter(season=world.season).count()
    again = open_season_124(top_organization=world.province, year=2026, reference_date=REFERENCE)
    assert again.pk == world.season.pk
    assert Subject.objects.filter(season=world.season).count() == before


def test_opening_creates_one_subject_per_collective_and_member(world):
    w = world
    subjects = Subject.objects.filter(season=w.season)
    assert subjects.filter(kind="organization").count() == 6
    assert subjects.filter(kind="member").count() == 12
    cell = w.subject(unit=w.cell1)
    assert cell.decider.organization == w.base  # R-STEP-2: the base committee decides its cells
    assert w.subject(unit=w.base).decider.organization == w.commune  # and the level above decides the base
    member = w.subject(member=w.members1[2])
    assert member.decider.organization == w.base and member.form_code == "02A"
    assert w.subject(member=w.head).form_code == "02B" and w.subject(member=w.head).position == 0
    assert w.subject(member=w.members3[0]).decider.organization == w.base_cell


def test_r_scope_1_later_tree_changes_do_not_move_subjects(world):
    """R-SCOPE-1: moving, renaming or adding to the live tree after opening leaves the season's
    subjects where the snapshot put them."""
    w = world
    before = w.subject(member=w.members1[3])
    path_before = before.path
    other = make_org(
        Kind.BASE_COMMITTEE, w.commune, name="Đảng bộ mới", code="CS9", founded_on=datetime.date(2001, 1, 1)
    )
    move_organization(organization=w.cell1, new_parent=other, effective_on=DAY_UNDER_TEST)
    rename_organization(organization=w.cell1, new_name="Chi bộ Toán - Tin", effective_on=DAY_UNDER_TEST)
    transfer_member(member=w.members1[3], cell=w.cell2, effective_on=DAY_UNDER_TEST)
    make_member(w.cell2, "Đỗ", "Văn", "Mới")
    after = w.subject(member=w.members1[3])
    assert after.path == path_before and after.unit.name == "Chi bộ Tổ Toán"
    assert after.decider.organization == w.base
    assert not Subject.objects.filter(season=w.season, name="Đỗ Văn Mới").exists()


def test_r_scope_1_membership_is_taken_at_the_reference_date(db):
    """R-SCOPE-1: a member's cell is the one they belonged to at the reference date."""
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    moved = w.members2[0]
    # Moved into cell 1 only after the reference date: the season sees cell 2.
    CellPeriod.objects.filter(member=moved).update(ends_on=REFERENCE + datetime.timedelta(days=2))
    CellPeriod.objects.create(member=moved, cell=w.cell1, starts_on=REFERENCE + datetime.timedelta(days=3))
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert season.subjects.get(member=moved).unit.organization == w.cell2


def test_r_scope_2_exempt_suspended_and_new_members_are_listed_not_reviewed(db):
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    exempt, suspended = w.members1[2], w.members1[3]
    change_member_status(member=exempt, status=Status.EXEMPT, starts_on=datetime.date(2026, 3, 1))
    change_member_status(member=suspended, status=Status.SUSPENDED, starts_on=datetime.date(2026, 6, 1))
    newcomer = make_member(
        w.cell1, "Hồ", "Thị", "Mai", admitted_on=datetime.date(2026, 7, 1), official_on=None
    )
    gone = w.members1[4]
    change_member_status(member=gone, status=Status.TRANSFERRED_OUT, starts_on=datetime.date(2026, 5, 1))
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    reasons = dict(season.subjects.filter(kind="member").values_list("member_id", "out_of_scope"))
    assert reasons[exempt.pk] == "exempt"
    assert reasons[suspended.pk] == "suspended"
    assert reasons[newcomer.pk] == "new_member"
    assert gone.pk not in reasons
    assert season.subjects.get(member=exempt).state == S.EXCLUDED
    # Listed, not reviewed: no step is possible.
    verdict = workflow.blockers(season.subjects.get(member=exempt), "submit")
    assert verdict.blockers and not verdict.allowed


def test_r_scope_3_probationary_members_of_six_months_are_reviewed(db):
    """R-SCOPE-3: a probationary member admitted 6 months or more before the reference date is
    reviewed like a full member."""
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    probationary = make_member(
        w.cell2, "Lý", "Thị", "Na", admitted_on=datetime.date(2026, 5, 10), official_on=None
    )
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    subject = season.subjects.get(member=probationary)
    assert subject.in_scope and subject.state == S.DRAFT


def test_r_scope_4_transfer_needs_the_former_cells_comments_before_a_proposal(db):
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    mover = w.members2[1]
    CellPeriod.objects.filter(member=mover).update(ends_on=datetime.date(2026, 7, 31))
    CellPeriod.objects.create(member=mover, cell=w.cell1, starts_on=datetime.date(2026, 8, 1))
    mover.cell = w.cell1
    mover.save()
    short_stay = w.members2[2]  # less than 6 months at the former cell
    CellPeriod.objects.filter(member=short_stay).update(
        starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 8, 31)
    )
    CellPeriod.objects.create(member=short_stay, cell=w.cell1, starts_on=datetime.date(2026, 9, 1))
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    subject = season.subjects.get(member=mover)
    assert subject.unit.organization == w.cell1  # rated at the receiving cell
    assert subject.needs_former_cell_comment
    assert not season.subjects.get(member=short_stay).needs_former_cell_comment

    w.season = season
    cell = w.subject(unit=w.cell1)
    complete_form(cell, w.secretary)
    members = [w.subject(member=m) for m in w.members1] + [subject]
    for m in members:
        complete_form(m, w.secretary)
    review(cell, w.secretary, [w.subject(member=m.member) for m in members])
    with pytest.raises(workflow.WorkflowError) as refused:
        propose([w.subject(member=mover)], w.secretary)
    assert any(r.rule == "R-SCOPE-4" for r in refused.value.reasons)
    assert w.subject(member=mover).state == S.REVIEWED
    from reviews.services import attach_outside_comment

    attach_outside_comment(
        subject=w.subject(member=mover),
        actor=w.secretary,
        source="former",
        from_name="Chi bộ Tổ Văn",
        text="Hoàn thành tốt nhiệm vụ",
        received_on=datetime.date(2026, 11, 10),
    )
    propose([w.subject(member=mover)], w.secretary)
    assert w.subject(member=mover).state == S.PROPOSED


def test_r_scope_4_temporary_registration_is_rated_at_the_official_cell(db):
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    temporary = w.members1[5]
    change_member_status(
        member=temporary,
        status=Status.TEMPORARY_ELSEWHERE,
        starts_on=datetime.date(2026, 2, 1),
        other_cell=w.base_cell,
    )
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    subject = season.subjects.get(member=temporary)
    assert subject.unit.organization == w.cell1 and subject.in_scope
    assert subject.needs_temporary_cell_comment


def test_r_scope_5_young_organizations_are_not_rated(db):
    """R-SCOPE-5: an organization founded less than 6 months before the reference date is listed,
    not rated (and one founded after it is not in the season at all, R-SCOPE-1)."""
    from tests.reviews.conftest import build_world

    w = build_world(open_now=False)
    young = make_org(
        Kind.CELL, w.base, name="Chi bộ mới lập", code="CB9", founded_on=datetime.date(2026, 8, 1)
    )
    later = make_org(
        Kind.CELL, w.base, name="Chi bộ chưa có", code="CB8", founded_on=datetime.date(2026, 11, 18)
    )
    season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    subject = season.subjects.get(unit__organization=young, kind="organization")
    assert subject.out_of_scope == "new_organization" and subject.state == S.EXCLUDED
    assert not season.units.filter(organization=later).exists()


def test_r_scope_6_an_absent_member_stays_not_rated_with_a_reason(world):
    w = world
    cell = w.subject(unit=w.cell1)
    complete_form(cell, w.secretary)
    members = [w.subject(member=m) for m in w.members1]
    for m in members:
        complete_form(m, w.secretary)
    absent = w.subject(member=w.members1[6])
    review(cell, w.secretary, [m for m in members if m.pk != absent.pk], absent=[absent])
    absent = w.subject(member=w.members1[6])
    assert absent.state == S.ABSENT and absent.absent_reason == "Ốm nằm viện"
    assert absent.decided_level == "" and absent.proposed_level == ""
    # Nothing rates it automatically; it can be reviewed later and then proposed.
    with pytest.raises(workflow.WorkflowError):
        propose([absent], w.secretary)
    meeting = Meeting.objects.get(collective=w.subject(unit=w.cell1))
    workflow.record_meeting(
        collective=w.subject(unit=w.cell1),
        actor=w.secretary,
        meeting=workflow.MeetingInput(
            held_on=meeting.held_on, present=6, total=6, draft_circulated_on=meeting.draft_circulated_on
        ),
        entries=[workflow.EntryInput(subject=absent)],
    )
    assert w.subject(member=w.members1[6]).state == S.REVIEWED
    assert StatusPeriod.objects.filter(member=w.members1[6]).count() == 1
