"""Rules of QĐ 366 / HD 43 that the other test files did not prove on a QĐ 366 season: who is
listed but not reviewed (R366-SCOPE-1), the 124 behaviour kept for transfers and young
organizations (R366-SCOPE-6), the KHTNV cases of a collective and of a leader (R366-RATE-4,
R366-RATE-5), share thresholds only where the rule set lists them (R366-RATE-8), the civil-service
rating as the basis of the party rating (R366-RATE-9), maternity leave (R366-RATE-11) and each
profile's own criteria (R366-SCORE-2). Each test names its rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from members.models import CellPeriod, CommitteeSeat, LeaveRecord, Status
from members.services import change_member_status
from organizations.models import Kind
from reviews import workflow
from reviews.defaults import shipped_rule_set
from reviews.facts import Facts
from reviews.meeting_warnings import meeting_length_warning, meeting_warnings
from reviews.models import Meeting, RemediationItem, RemediationPlan, RuleSet, Subject
from reviews.regimes.qd366.standing import found_cases, standing_of, units_led_note, units_led_rated
from reviews.scope import open_season
from reviews.services import answer_suggestion, attach_outside_comment, issue_suggestion
from reviews.views.staff.common import flag_labels
from tests.clock import ROLES_FROM
from tests.factories import make_member, make_org
from tests.reviews.conftest import QD366, REFERENCE, build_world
from tests.reviews.helpers import MEETING_DAY, complete_366, fresh, review, task_rows
from tests.reviews.test_qd366 import propose_one, reviewed_cell, with_chi_uy, world366

pytestmark = pytest.mark.django_db
S = Subject.State


def reasons_of(refused) -> str:
    return " ".join(refused.value.reasons)


def test_r366_scope_1_suspended_and_newly_admitted_members_are_listed_leaders_are_reviewed():
    """R366-SCOPE-1: suspended members and those admitted less than 6 months before are listed,
    not reviewed; a member admitted 6 months before and a leader are reviewed."""
    w = build_world(open_now=False)
    suspended = w.members1[3]
    change_member_status(member=suspended, status=Status.SUSPENDED, starts_on=datetime.date(2026, 6, 1))
    newcomer = make_member(
        w.cell1, "Hồ", "Thị", "Mai", admitted_on=datetime.date(2026, 7, 1), official_on=None
    )
    six_months = make_member(
        w.cell2, "Lý", "Thị", "Na", admitted_on=datetime.date(2026, 5, 10), official_on=None
    )
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.season.rule_set.code == QD366
    assert w.subject(member=suspended).out_of_scope == Subject.OutOfScope.SUSPENDED
    assert w.subject(member=newcomer).out_of_scope == Subject.OutOfScope.NEW_MEMBER
    assert w.subject(member=newcomer).state == S.EXCLUDED
    assert w.subject(member=six_months).in_scope
    head = w.subject(member=w.head)
    assert head.in_scope and head.profile == Subject.Profile.LEADER


def test_r366_scope_6_a_transfer_needs_the_former_cells_comments_and_a_young_cell_is_not_rated():
    """R366-SCOPE-6: transfers and organizations under 6 months keep the QĐ 124 behaviour."""
    w = build_world(open_now=False)
    mover = w.members2[1]  # 7 months at CB2, then at CB1
    CellPeriod.objects.filter(member=mover).update(ends_on=datetime.date(2026, 7, 31))
    CellPeriod.objects.create(member=mover, cell=w.cell1, starts_on=datetime.date(2026, 8, 1))
    young = make_org(
        Kind.CELL, w.base, name="Chi bộ mới lập", code="CB9", founded_on=datetime.date(2026, 8, 1)
    )
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    young_subject = w.subject(unit=young)
    assert young_subject.out_of_scope == Subject.OutOfScope.NEW_ORGANIZATION
    subject = w.subject(member=mover)
    assert subject.unit.organization == w.cell1 and subject.needs_former_cell_comment

    w.members1 = [*w.members1, mover]
    _cell, members = reviewed_cell(w)
    subject = next(m for m in members if m.member_id == mover.pk)
    with pytest.raises(workflow.WorkflowError):
        propose_one(subject, w.secretary, "HTTNV")
    assert fresh(subject).state == S.REVIEWED
    attach_outside_comment(
        subject=fresh(subject),
        actor=w.secretary,
        source="former",
        from_name="Chi bộ Tổ Văn",
        text="Hoàn thành tốt nhiệm vụ",
        received_on=datetime.date(2026, 11, 10),
    )
    propose_one(fresh(subject), w.secretary, "HTTNV")
    assert fresh(subject).state == S.PROPOSED


def test_r366_rate_4_a_collective_whose_unit_did_under_70_percent_of_its_tasks_is_khtnv():
    """R366-RATE-4: a unit under 70 % of its planned tasks makes its collective KHTNV; at 70 % it is
    not a KHTNV case (the gap of R366-RATE-3, where HTNV may be chosen)."""
    w = world366()
    cell = w.subject(unit=w.cell1)
    assert cell.profile == Subject.Profile.COLLECTIVE
    low = {"general": "25", "tasks": "35"}  # 60 points: HTNV by the band
    with translation.override("vi"), pytest.raises(workflow.WorkflowError) as refused:
        complete_366(cell, w.secretary, points=low, tasks=task_rows(6, 0, not_done=4), level="HTNV")
    assert "dưới 70%" in reasons_of(refused) and "KHTNV" in reasons_of(refused)
    assert fresh(cell).state == S.DRAFT
    submitted = complete_366(
        fresh(cell), w.secretary, points=low, tasks=task_rows(7, 0, not_done=3), level="HTNV"
    )
    assert submitted.state == S.SUBMITTED and submitted.self_level == "HTNV"


def test_r366_rate_5_a_leader_whose_unit_did_under_70_percent_of_its_tasks_is_khtnv():
    """R366-RATE-5: the unit a leader leads under 70 % of its tasks makes the leader KHTNV."""
    w = world366()
    head = w.subject(member=w.head)
    assert head.profile == Subject.Profile.LEADER
    low = {"general": "25", "tasks": "35"}
    with translation.override("vi"), pytest.raises(workflow.WorkflowError) as refused:
        complete_366(head, w.secretary, points=low, tasks=task_rows(6, 0, not_done=4), level="HTNV")
    assert "dưới 70%" in reasons_of(refused)
    assert (
        complete_366(
            fresh(head), w.secretary, points=low, tasks=task_rows(6, 0, not_done=4), level="KHTNV"
        ).self_level
        == "KHTNV"
    )


def _rule_set_with(**changes) -> RuleSet:
    """A copy of the shipped QĐ 366 rule set with some values changed, for a province's own."""
    copy = shipped_rule_set(QD366)
    copy.pk, copy.code, copy.is_default, copy.frozen_at = None, "tinh-366-thu", False, None
    copy.first_year = copy.last_year = None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return RuleSet.objects.get(pk=copy.pk)


def _decide_the_members(w, levels: dict[int, str]) -> Subject:
    """CB1's members reviewed, proposed at `levels` (HTTNV otherwise) and decided; returns the cell."""
    cell, members = reviewed_cell(w)
    workflow.propose(
        proposals=[
            workflow.ProposalInput(subject=m, level=levels.get(m.member_id, "HTTNV")) for m in members
        ],
        actor=w.secretary,
    )
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(m)) for m in members], actor=w.base_staff)
    return fresh(cell)


def test_r366_rate_8_share_thresholds_apply_only_where_the_rule_set_lists_them():
    """R366-RATE-8: no share of members' levels is required by default; a province's rule set may
    list R-RATE-7-style thresholds, and then the organization's level is checked against them."""
    w = build_world(open_now=False)
    strict = _rule_set_with(
        organization_thresholds=[
            {"level": "HTTNV", "applies_to": "cell", "requires": [{"at_least": "HTTNV", "percent": 100}]}
        ]
    )
    w.season = open_season(
        top_organization=w.province, year=2027, reference_date=datetime.date(2026, 11, 15), rule_set=strict
    )
    cell = _decide_the_members(w, {w.members1[3].pk: "HTNV"})  # 6 of 7 at HTTNV
    with pytest.raises(workflow.WorkflowError) as refused:
        propose_one(cell, w.base_staff, "HTTNV")
    assert "6/7" in reasons_of(refused) and fresh(cell).state == S.REVIEWED
    propose_one(fresh(cell), w.base_staff, "HTNV")
    assert fresh(cell).proposed_level == "HTNV"

    # The shipped rule set lists none: the same members allow the cell HTTNV.
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.season.rule_set.organization_thresholds == []
    cell = _decide_the_members(w, {w.members1[3].pk: "HTNV"})
    propose_one(cell, w.base_staff, "HTTNV")
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(cell))], actor=w.base_staff)
    assert fresh(cell).decided_level == "HTTNV"


def test_r366_rate_9_the_civil_service_rating_is_the_basis_of_the_party_rating():
    """R366-RATE-9 (`civil_service_link` on): a civil servant rated KHTNV at work is KHTNV in the
    party; HTXSNV in the party needs HTXSNV at work."""
    w = build_world(open_now=False)
    servant = w.members1[4]
    servant.is_civil_servant = True
    servant.save()
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.season.rule_set.switch("civil_service_link") is True
    _cell, members = reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    subject = next(m for m in members if m.member_id == servant.pk)
    assert subject.profile == Subject.Profile.MEMBER
    with pytest.raises(workflow.WorkflowError):
        propose_one(subject, w.secretary, "HTTNV", civil_service_level="KHTNV")
    with pytest.raises(workflow.WorkflowError):
        propose_one(fresh(subject), w.secretary, "HTXSNV", civil_service_level="HTTNV")
    assert fresh(subject).state == S.REVIEWED
    propose_one(fresh(subject), w.secretary, "HTXSNV", civil_service_level="HTXSNV")
    assert fresh(subject).proposed_level == "HTXSNV"


def test_r366_rate_11_maternity_leave_is_rated_on_the_work_done_without_a_cap():
    """R366-RATE-11: maternity leave is a note to rate on the work actually done; nothing is capped."""
    w = world366()
    LeaveRecord.objects.create(member=w.members1[3], year=2026, kind=LeaveRecord.Kind.MATERNITY, days=180)
    _cell, members = reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    subject = next(m for m in members if m.member_id == w.members1[3].pk)
    with translation.override("vi"):
        verdict = workflow.blockers(fresh(subject), "propose", actor=w.secretary, level="HTXSNV")
    assert verdict.allowed, verdict.blockers
    assert any("thai sản" in note for note in verdict.warnings), verdict.warnings


LEADER_ITEM = "Kết quả lãnh đạo, chỉ đạo đơn vị"
OUTSIDE_ITEM = "Thực hiện nhiệm vụ chi bộ phân công"


def test_r366_score_2_each_profile_is_scored_on_its_own_criteria():
    """R366-SCORE-2: the province's criteria are per profile; a leader's form asks for the leader's
    items and a member outside the political system's for theirs."""
    general = [{"key": "g1", "title": "Phẩm chất chính trị, đạo đức", "max": 30, "method": "checklist"}]
    criteria = {
        "profiles": {
            "LD": {
                "general": general,
                "tasks": [{"key": "t1", "title": LEADER_ITEM, "max": 70, "method": "percent"}],
            },
            "NHT": {
                "general": general,
                "tasks": [{"key": "t1", "title": OUTSIDE_ITEM, "max": 70, "method": "percent"}],
            },
        }
    }
    w = build_world(open_now=False)
    w.season = open_season(
        top_organization=w.province, year=2026, reference_date=REFERENCE, criteria=criteria
    )
    head = complete_366(w.subject(member=w.head), w.secretary, points={}, submit=False)
    other = complete_366(w.subject(member=w.members1[3]), w.secretary, points={}, submit=False)
    assert (head.profile, other.profile) == ("LD", "NHT")
    leader_refusal = " ".join(workflow.blockers(head, "submit", actor=w.secretary).blockers)
    outside_refusal = " ".join(workflow.blockers(other, "submit", actor=w.secretary).blockers)
    assert LEADER_ITEM in leader_refusal and OUTSIDE_ITEM not in leader_refusal
    assert OUTSIDE_ITEM in outside_refusal and LEADER_ITEM not in outside_refusal


@pytest.mark.parametrize(("remedied_percent", "allowed"), [(None, False), (50, True)])
def test_r366_rate_2_htxsnv_needs_the_shortcomings_named_last_year_remedied(remedied_percent, allowed):
    """R366-RATE-2: HTXSNV needs 100 % of the shortcomings named at the last review remedied (the
    rule set's `conditions.remedied_percent`); with 1 of 2 done, a province that set 50 % allows it."""
    w = build_world(open_now=False)
    earlier = open_season(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    plan = RemediationPlan.objects.create(subject=Subject.objects.get(season=earlier, member=w.members1[3]))
    RemediationItem.objects.create(plan=plan, text="Chậm nộp báo cáo", status=RemediationItem.Status.DONE)
    RemediationItem.objects.create(
        plan=plan, text="Vắng sinh hoạt", status=RemediationItem.Status.IN_PROGRESS
    )
    rule_set = None
    if remedied_percent is not None:
        scoring = shipped_rule_set(QD366).scoring
        conditions = {**scoring["conditions"], "remedied_percent": remedied_percent}
        rule_set = _rule_set_with(scoring={**scoring, "conditions": conditions})
    w.season = open_season(
        top_organization=w.province, year=2026, reference_date=REFERENCE, rule_set=rule_set
    )
    subject = w.subject(member=w.members1[3])
    excellent = {"general": "30", "tasks": "65"}
    if allowed:
        assert complete_366(subject, w.secretary, points=excellent, level="HTXSNV").self_level == "HTXSNV"
        return
    with translation.override("vi"), pytest.raises(workflow.WorkflowError) as refused:
        complete_366(subject, w.secretary, points=excellent, level="HTXSNV")
    assert "khắc phục" in reasons_of(refused) and fresh(subject).state == S.DRAFT


def _units_rated(w, levels: dict) -> None:
    """The party organizations of the season's units decided at `levels` (organization → level)."""
    for organization, level in levels.items():
        Subject.objects.filter(
            season=w.season, unit__organization=organization, kind=Subject.Kind.ORGANIZATION
        ).update(decided_level=level)


def test_r366_rate_5_more_than_half_the_units_led_rated_khtnv_is_computed_from_their_decisions(client):
    """R366-RATE-5: more than 50 % of the units a leader leads (the party organizations directly
    under the committee they head) decided KHTNV makes the leader KHTNV, without a tick; half is
    not more than half; the appraisal shows what was counted."""
    w = world366()
    CommitteeSeat.objects.create(
        member=w.head, organization=w.base, position=CommitteeSeat.Position.HEAD, starts_on=ROLES_FROM
    )
    _cell, members = reviewed_cell(w)
    head = next(m for m in members if m.member_id == w.head.pk)
    _units_rated(w, {w.cell1: "KHTNV", w.cell2: "KHTNV"})
    facts = Facts(w.season, [head])
    assert units_led_rated(head, facts) == (2, 2, 0)
    assert "units_led_khtnv" in found_cases(head, facts, standing_of(head, facts).tasks)
    with translation.override("vi"):
        note = units_led_note(head, facts)
    assert note
    client.force_login(w.base_staff)
    html = client.get(reverse("reviews:subject", args=[w.season.pk, head.pk])).content.decode()
    assert html.count(escape(note)) == 2  # beside the points, and as what shows the case
    with pytest.raises(workflow.WorkflowError) as refused:
        propose_one(head, w.secretary, "HTTNV")
    label = next(
        c["label"]
        for c in w.season.rule_set.scoring["profiles"]["LD"]["cases"]
        if c["code"] == "units_led_khtnv"
    )
    assert label in reasons_of(refused)

    _units_rated(w, {w.cell1: ""})
    facts = Facts(w.season, [fresh(head)])
    assert units_led_rated(fresh(head), facts) == (1, 2, 1)
    assert propose_one(fresh(head), w.secretary, "HTTNV")[0].proposed_level == "HTTNV"


def test_r366_scope_8_the_level_that_issued_review_suggestions_sets_the_meeting_length(client):
    """R366-SCOPE-8: where there are review suggestions, the meeting lasts at least what the issuing
    level set (here 2 days for a cell, whose rule-set minimum is 1): a warning on the meeting page,
    never a block; a meeting of those days draws none."""
    w = world366()
    cell = w.subject(unit=w.cell1)
    with pytest.raises(workflow.WorkflowError):
        issue_suggestion(
            subject=cell, actor=w.base_staff, text="Làm rõ việc chậm tiến độ", meeting_min_days=0
        )
    issue_suggestion(subject=cell, actor=w.base_staff, text="Làm rõ việc chậm tiến độ", meeting_min_days=2)
    rule_set = w.season.rule_set
    one_day = Meeting(held_on=MEETING_DAY)
    assert meeting_length_warning(one_day, "cell", rule_set) == ""
    with translation.override("vi"):
        expected = meeting_length_warning(one_day, "cell", rule_set, suggested_days=2)
    assert expected
    two_days = Meeting(held_on=MEETING_DAY, ends_on=MEETING_DAY + datetime.timedelta(days=1))
    assert meeting_length_warning(two_days, "cell", rule_set, suggested_days=2) == ""

    answer_suggestion(suggestion=fresh(cell).suggestions.get(), actor=w.secretary, answer="Đã làm rõ")
    complete_366(fresh(cell), w.secretary)
    review(fresh(cell), w.secretary)  # one day, recorded: the meeting is not blocked
    client.force_login(w.secretary)
    html = client.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    assert escape(expected) in html


def test_r366_scope_6_a_member_suspended_from_the_committee_is_reviewed_at_the_cell_only():
    """R366-SCOPE-6: a committee member suspended from the committee's activity reviews their
    responsibility before the suspension at their cell: the record says so, the seat gives no
    position, and the committee's collective does not wait for them (R366-ORDER-2)."""
    w = build_world(open_now=False)
    with_chi_uy(w)
    CommitteeSeat.objects.filter(member=w.deputy, organization=w.cell1).update(
        suspended_on=datetime.date(2026, 9, 1)
    )
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    deputy = w.subject(member=w.deputy)
    assert deputy.flags["committee_suspended"] == {"organization": w.cell1.name, "since": "2026-09-01"}
    assert deputy.position == CommitteeSeat.Position.MEMBER
    assert deputy.in_scope and w.subject(member=w.head).position == CommitteeSeat.Position.HEAD
    cell, leadership = w.subject(unit=w.cell1), w.subject(unit=w.cell1, kind=Subject.Kind.LEADERSHIP)
    seated = [w.subject(member=m) for m in (w.head, w.members1[2])]
    for subject in (cell, leadership, *seated):
        complete_366(subject, w.secretary)
    review(fresh(cell), w.secretary, [fresh(s) for s in seated])
    assert fresh(deputy).state == S.DRAFT
    assert review(fresh(leadership), w.secretary)


def test_r366_order_5_the_draft_comments_and_the_working_group_are_kept_or_warned(client):
    """R366-ORDER-5: the meeting record keeps who among the related bodies commented on the draft
    report and, where there are review suggestions, the members of the working group the standing
    committee above sent; either missing is a warning on the meeting page, never a block."""
    w = world366()
    cell = w.subject(unit=w.cell1)
    issue_suggestion(subject=cell, actor=w.base_staff, text="Làm rõ việc chậm tiến độ")
    answer_suggestion(suggestion=fresh(cell).suggestions.get(), actor=w.secretary, answer="Đã làm rõ")
    complete_366(fresh(cell), w.secretary)
    meeting = review(fresh(cell), w.secretary)  # recorded without either
    unit = fresh(cell).unit
    with translation.override("vi"):
        warnings = meeting_warnings(w.season, unit, meeting)
    assert len(warnings) == 2
    client.force_login(w.secretary)
    html = client.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    assert all(escape(text) in html for text in warnings)

    kept = workflow.record_meeting(
        collective=fresh(cell),
        actor=w.secretary,
        meeting=workflow.MeetingInput(
            held_on=MEETING_DAY,
            present=5,
            total=6,
            related_comments="Ủy ban Kiểm tra, Ban Tổ chức Đảng ủy",
            working_group="Đ/c Trần Văn Tổ (trưởng đoàn), đ/c Lê Thị Công",
        ),
        entries=[],
    )
    kept = Meeting.objects.get(pk=kept.pk)
    assert kept.working_group.startswith("Đ/c Trần Văn Tổ") and kept.related_comments
    assert meeting_warnings(w.season, unit, kept) == []


def test_r366_scope_4_concurrent_posts_are_reviewed_at_the_main_place_and_part_time_ones_too():
    """R366-SCOPE-4: a member is reviewed at their cell and in the collective of each own post; of
    concurrent full-time posts, only in the one marked as the main place (more working time); a
    part-time concurrent post also in its collective. The record lists where."""
    w = build_world(open_now=False)
    with_chi_uy(w)
    kinds = CommitteeSeat.Concurrent
    for member, concurrent, main in (
        (w.members1[3], kinds.PART_TIME, False),
        (w.members2[0], kinds.FULL_TIME, False),
        (w.members2[1], kinds.FULL_TIME, True),
    ):
        CommitteeSeat.objects.create(
            member=member,
            organization=w.cell1,
            position=CommitteeSeat.Position.MEMBER,
            starts_on=ROLES_FROM,
            concurrent=concurrent,
            main_place=main,
        )
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    elsewhere = w.subject(member=w.members2[0])
    assert elsewhere.flags["concurrent_posts"] == [
        {"organization": w.cell1.name, "concurrent": "full_time", "reviewed_there": False}
    ]
    assert w.subject(member=w.members1[3]).flags["concurrent_posts"][0]["reviewed_there"] is True
    assert elsewhere.unit.organization == w.cell2 and elsewhere.in_scope
    leadership = w.subject(unit=w.cell1, kind=Subject.Kind.LEADERSHIP)
    seated = Facts(w.season, [leadership]).seated_subjects[w.cell1.pk]
    assert {s.member_id for s in seated} == {
        m.pk for m in (w.head, w.deputy, w.members1[2], w.members1[3], w.members2[1])
    }
    assert any(w.cell1.name in label for label in flag_labels(elsewhere))


def test_r_form_4_on_a_366_season_suggestions_are_answered_before_submission():
    """R-FORM-4 holds under QĐ 366 as under QĐ 124: a review suggestion of the upper level is
    answered in section IV before the form can be submitted again."""
    w = world366()
    subject = w.subject(member=w.deputy)
    complete_366(subject, w.member_user)
    suggestion = issue_suggestion(subject=fresh(subject), actor=w.base_staff, text="Làm rõ việc chậm nộp")
    assert fresh(subject).state == S.RETURNED
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.submit_form(subject=fresh(subject), actor=w.member_user)
    assert refused.value.reasons == ["Còn 1 gợi ý kiểm điểm chưa được giải trình tại mục IV."]
    answer_suggestion(suggestion=suggestion, actor=w.member_user, answer="Do đi công tác; đã nộp đủ.")
    workflow.submit_form(subject=fresh(subject), actor=w.member_user)
    assert fresh(subject).state == S.SUBMITTED
