"""QĐ 366 / HD 43 (2025): points out of 100 plus conditions, the reversed rating order, KHTNV cases,
the raised quota, checks before the decision (reviews/regimes/qd366/). Each test names the rule."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from members.models import CommitteeSeat, DisciplineRecord
from reviews import workflow
from reviews.committee import conclude_check, order_check, raise_quota
from reviews.facts import Facts
from reviews.models import Event, QuotaGroup, Subject
from reviews.regimes.qd366 import standing
from reviews.scope import open_season
from reviews.workflow import WorkflowError
from tests.clock import ROLES_FROM
from tests.reviews.conftest import REFERENCE, build_world
from tests.reviews.helpers import complete_366, fresh, review, task_rows

pytestmark = pytest.mark.django_db
S = Subject.State


def world366(**kwargs):
    """The conftest world with its 2026 season opened by default, so under QĐ 366 / HD 43."""
    w = build_world(open_now=False, **kwargs)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    return w


def reviewed_cell(w, points=None, tasks=None, level="HTTNV"):
    """CB1 and its members submitted and reviewed at the cell's meeting."""
    cell = w.subject(unit=w.cell1)
    complete_366(cell, w.secretary)
    members = [w.subject(member=m) for m in w.members1]
    for subject in members:
        if subject.state == S.DRAFT:
            complete_366(subject, w.secretary, points=points, tasks=tasks, level=level, units_led=True)
    review(fresh(cell), w.secretary, [fresh(m) for m in members])
    return fresh(cell), [fresh(m) for m in members]


def with_chi_uy(w):
    """CB1 with a chi ủy of three: the head, the deputy and one more member (R366-SCOPE-5)."""
    w.cell1.has_leadership_collective = True
    w.cell1.save()
    CommitteeSeat.objects.create(
        member=w.members1[2],
        organization=w.cell1,
        position=CommitteeSeat.Position.MEMBER,
        starts_on=ROLES_FROM,
    )


def propose_one(subject, actor, level, **kwargs):
    return workflow.propose(
        proposals=[workflow.ProposalInput(subject=subject, level=level, **kwargs)], actor=actor
    )


def test_r366_form_letters_profile_and_form_follow_posts_and_status_at_opening():
    """R366-FORM-LETTERS: the form follows the profile (R366-FORM-01, R366-FORM-2A, R366-FORM-2B,
    R366-FORM-2C)."""
    w = build_world(open_now=False)
    w.members2[0].is_civil_servant = True
    w.members2[0].save()
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    leader, servant, other = (w.subject(member=m) for m in (w.head, w.members2[0], w.members2[1]))
    assert (leader.profile, leader.form_code) == ("LD", "2A")
    assert (servant.profile, servant.form_code) == ("KLD", "2B")
    assert (other.profile, other.form_code) == ("NHT", "2C")
    cell = w.subject(unit=w.cell1)
    assert (cell.profile, cell.form_code) == ("TT", "01")
    assert w.season.rule_set.template("2B")["form_number"] == "Mẫu 2B-HD KĐ.ĐG 2025"


def test_r366_form_letters_the_secretary_changes_a_profile_with_a_reason():
    """R366-FORM-LETTERS: a profile changed with a reason brings its form."""
    w = world366()
    subject = w.subject(member=w.members2[1])
    with pytest.raises(WorkflowError):
        workflow.change_profile(subject=subject, actor=w.secretary2, profile="KLD", reason=" ")
    with pytest.raises(WorkflowError):
        workflow.change_profile(subject=subject, actor=w.secretary2, profile="TT", reason="Nhầm")
    changed = workflow.change_profile(
        subject=subject, actor=w.secretary2, profile="KLD", reason="Đồng chí là viên chức trường học"
    )
    assert (changed.profile, changed.form_code) == ("KLD", "2B")
    assert Event.objects.filter(subject=subject, action="change_profile").get().reason.startswith("Đồng chí")


def test_r366_score_1_self_points_and_task_figures_are_kept_at_submission():
    """R366-SCORE-1, R366-SCORE-4: 30 + 70 points and the task figures kept at self-scoring."""
    w = world366()
    subject = complete_366(
        w.subject(member=w.deputy), w.member_user, points={"general": "28,5", "tasks": "62"}
    )
    assert subject.state == S.SUBMITTED and subject.self_points == Decimal("90.5")
    assert subject.scores["self"] == {"general": "28.5", "tasks": "62"}
    assert subject.scores["tasks"] == {"on_time": 6, "exceeded": 4, "late": 0, "not_done": 0}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31", "tối đa 30"),
        ("-1", "âm"),
        ("abc", "không phải là số"),
        ("12.25", "chữ số thập phân"),
    ],
)
def test_r366_score_4_bad_points_are_refused_with_a_message_and_nothing_is_saved(typed, message):
    """R366-SCORE-4: points over the maximum, negative, not a number or with too many decimals."""
    w = world366()
    subject = complete_366(
        w.subject(member=w.deputy), w.member_user, points={"general": typed, "tasks": "60"}, submit=False
    )
    with translation.override("vi"), pytest.raises(WorkflowError) as refused:
        workflow.submit_form(subject=subject, actor=w.member_user)
    assert any(message in reason for reason in refused.value.reasons), refused.value.reasons
    assert fresh(subject).state == S.DRAFT and fresh(subject).self_points is None


def test_r366_score_4_a_form_without_tasks_or_points_cannot_be_submitted():
    """R366-SCORE-4: the task list and the points are needed to submit."""
    w = world366()
    subject = complete_366(w.subject(member=w.deputy), w.member_user, points={}, tasks=[], submit=False)
    verdict = workflow.blockers(subject, "submit", actor=w.member_user)
    assert any("nhiệm vụ" in b for b in verdict.blockers) and any(
        "Chưa chấm điểm" in b for b in verdict.blockers
    )


def test_r366_rate_2_a_self_rating_above_what_the_conditions_allow_is_refused():
    """R366-RATE-2: HTXSNV needs at least 30 % of the tasks exceeded."""
    w = world366()
    subject = w.subject(member=w.deputy)
    # 95 points but only 2 of 10 tasks exceeded: HTXSNV needs 30 %.
    complete_366(
        subject,
        w.member_user,
        points={"general": "30", "tasks": "65"},
        tasks=task_rows(8, 2),
        level="HTXSNV",
        submit=False,
    )
    with translation.override("vi"), pytest.raises(WorkflowError) as refused:
        workflow.submit_form(subject=fresh(subject), actor=w.member_user)
    assert any("mới vượt 20% nhiệm vụ, cần ít nhất 30%" in r for r in refused.value.reasons), (
        refused.value.reasons
    )
    workflow.save_answer(subject=fresh(subject), actor=w.member_user, key="B.III.2", value={"level": "HTTNV"})
    assert workflow.submit_form(subject=fresh(subject), actor=w.member_user).self_level == "HTTNV"


def test_r366_order_3_members_before_their_cell_and_the_proposal_carries_appraised_points():
    """R366-ORDER-3, R366-SCORE-4: the cell after all its members; appraised points kept."""
    w = world366()
    cell, members = reviewed_cell(w)
    propose_one(members[2], w.secretary, "HTTNV", points={"general": "26", "tasks": "58"})
    member = fresh(members[2])
    assert member.proposed_points == Decimal("84") and member.scores["proposed"] == {
        "general": "26",
        "tasks": "58",
    }
    event = Event.objects.filter(subject=member, action="propose").get()
    assert event.data["points"] == "84.0" or event.data["points"] == "84"
    # R366-ORDER-3: the cell waits for all its members (the reverse of R-ORDER-6).
    workflow.propose(proposals=[workflow.ProposalInput(subject=cell, level="HTTNV")], actor=w.base_staff)
    with pytest.raises(WorkflowError) as refused:
        workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(cell))], actor=w.base_staff)
    assert any("sau khi xếp loại tất cả đảng viên" in r for r in refused.value.reasons)
    # Members are decided without the cell; then the cell.
    others = [fresh(m) for m in members if m.pk != member.pk]
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=m, level="HTTNV") for m in others], actor=w.secretary
    )
    made = workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(m)) for m in members], actor=w.base_staff
    )
    assert made[0].points is not None
    assert workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(cell))], actor=w.base_staff)
    assert fresh(cell).state == S.DECIDED


def test_r366_order_3_a_batch_holds_the_members_and_their_cell():
    """R366-ORDER-3: one batch may hold the members and their cell."""
    w = world366()
    cell, members = reviewed_cell(w)
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=m, level="HTTNV") for m in members], actor=w.secretary
    )
    workflow.propose(proposals=[workflow.ProposalInput(subject=cell, level="HTTNV")], actor=w.base_staff)
    batch = [workflow.DecisionInput(subject=fresh(cell))] + [
        workflow.DecisionInput(subject=fresh(m)) for m in members
    ]
    assert len(workflow.decide(decisions=batch, actor=w.base_staff)) == len(members) + 1


def test_r366_order_3_a_leadership_collective_before_its_members():
    """R366-ORDER-3: a leadership collective is rated before its members."""
    w = build_world(open_now=False)
    with_chi_uy(w)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    cell, members = reviewed_cell(w)
    head = fresh(w.subject(member=w.head))
    propose_one(head, w.secretary, "HTTNV")
    with pytest.raises(WorkflowError) as refused:
        workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(head))], actor=w.base_staff)
    assert any("được xếp loại trước các thành viên" in r for r in refused.value.reasons)


def test_r366_order_2_the_leadership_collective_is_reviewed_after_its_members_at_their_cell():
    """R366-ORDER-2: a member with a leading post is reviewed at the cell first."""
    w = build_world(open_now=False)
    with_chi_uy(w)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    leadership = w.subject(unit=w.cell1, kind=Subject.Kind.LEADERSHIP)
    complete_366(leadership, w.secretary)
    with pytest.raises(WorkflowError) as refused:
        review(fresh(leadership), w.secretary)
    assert any("kiểm điểm ở chi bộ trước" in r for r in refused.value.reasons)
    reviewed_cell(w)
    assert review(fresh(leadership), w.secretary)


def test_r366_rate_2_the_proposed_level_must_meet_its_conditions():
    """R366-RATE-2: HTTNV needs every task on time."""
    w = world366()
    _cell, members = reviewed_cell(
        w, points={"general": "30", "tasks": "65"}, tasks=task_rows(7, 1, late=2), level="HTNV"
    )
    with translation.override("vi"), pytest.raises(WorkflowError) as refused:
        propose_one(members[2], w.secretary, "HTTNV")
    text = " ".join(refused.value.reasons)
    assert "Chưa đạt điều kiện HTTNV" in text and "80% nhiệm vụ hoàn thành đúng hạn" in text
    assert fresh(members[2]).state == S.REVIEWED
    propose_one(members[2], w.secretary, "HTNV")
    assert fresh(members[2]).proposed_level == "HTNV"


def test_r366_rate_1_no_level_above_the_band_of_the_points():
    """R366-RATE-1: 75 points allow at most HTTNV."""
    w = world366()
    _cell, members = reviewed_cell(w, points={"general": "25", "tasks": "50"})
    with pytest.raises(WorkflowError) as refused:
        propose_one(members[2], w.secretary, "HTXSNV", points={"general": "25", "tasks": "50"})
    assert any("chỉ được xếp loại tối đa HTTNV" in r for r in refused.value.reasons)


def test_r366_rate_6_a_ticked_khtnv_case_makes_the_level_khtnv_unless_waived_with_a_reason():
    """R366-RATE-6: a ticked case gives KHTNV; the deciding level may weigh it case by case."""
    w = world366()
    _cell, members = reviewed_cell(w)
    subject = members[3]
    with pytest.raises(WorkflowError):
        propose_one(subject, w.secretary, "HTTNV", cases={"harmed_standing": "Kết luận số 12 của chi bộ"})
    with pytest.raises(WorkflowError):  # a case needs its evidence
        propose_one(subject, w.secretary, "KHTNV", cases={"harmed_standing": ""})
    propose_one(fresh(subject), w.secretary, "KHTNV", cases={"harmed_standing": "Kết luận số 12 của chi bộ"})
    assert fresh(subject).scores["cases"] == {"harmed_standing": "Kết luận số 12 của chi bộ"}
    # The deciding level weighs it case by case: with a reason, a higher level is possible.
    decision = workflow.DecisionInput(
        subject=fresh(subject), level="HTTNV", waived={"harmed_standing": "Tự nhận, đã khắc phục"}
    )
    workflow.decide(decisions=[decision], actor=w.base_staff)
    assert fresh(subject).decided_level == "HTTNV"


def test_r366_rate_7_discipline_decided_this_year_counts_now_whatever_the_violations_year():
    """R366-RATE-7: a 2025 violation disciplined in 2026 weighs in the 2026 rating."""
    w = world366()
    DisciplineRecord.objects.create(
        member=w.members1[4],
        decided_on=datetime.date(2026, 10, 1),
        form=DisciplineRecord.Form.REPRIMAND,
        decided_by="Chi bộ Tổ Toán",
        violation_year=2025,
    )
    subject = w.subject(member=w.members1[4])
    with pytest.raises(WorkflowError) as refused:  # the self-rating too
        complete_366(subject, w.secretary, level="HTTNV")
    assert any("KHTNV" in r for r in refused.value.reasons)
    complete_366(fresh(subject), w.secretary, level="KHTNV")
    _cell, members = reviewed_cell(w)
    subject = fresh(subject)
    with pytest.raises(WorkflowError) as refused:
        propose_one(subject, w.secretary, "HTTNV")
    assert any("KHTNV" in r for r in refused.value.reasons)
    propose_one(fresh(subject), w.secretary, "KHTNV")


def test_r366_rate_6_discipline_for_a_violation_outside_the_duties_is_not_a_khtnv_case_by_itself():
    """R366-RATE-6 (and RATE-4, RATE-5): discipline makes a KHTNV case only for a violation of the
    duties assigned; a reprimand recorded as outside them leaves the level to the points and the
    conditions, and the same reprimand recorded as duty-related makes the case."""
    w = world366()
    record = DisciplineRecord.objects.create(
        member=w.members1[4],
        decided_on=datetime.date(2026, 10, 1),
        form=DisciplineRecord.Form.REPRIMAND,
        decided_by="Chi bộ Tổ Toán",
        violation_year=2026,
        duty_related=False,
    )
    subject = w.subject(member=w.members1[4])
    complete_366(subject, w.secretary, level="HTTNV")  # 87 points, every task on time
    assert fresh(subject).state == Subject.State.SUBMITTED

    def cases():
        found = fresh(subject)
        return standing.standing_of(found, Facts(w.season, [found])).cases

    assert cases() == ()
    record.duty_related = True
    record.save()
    assert cases() == ("disciplined",)


def test_r366_rate_6_more_than_half_the_tasks_not_done_is_khtnv():
    """R366-RATE-6: more than 50 % of the year's tasks not done gives KHTNV."""
    w = world366()
    _cell, members = reviewed_cell(
        w, points={"general": "20", "tasks": "35"}, tasks=task_rows(4, 0, not_done=6), level="KHTNV"
    )
    assert fresh(members[2]).self_level == "KHTNV"
    with pytest.raises(WorkflowError):
        propose_one(members[2], w.secretary, "HTNV")


def test_r366_rate_3_no_level_s_conditions_hold_so_the_decider_chooses_with_a_reason():
    """R366-RATE-3: the gap is marked; the deciding level chooses HTNV or KHTNV with a reason."""
    w = world366()
    # 80 points but a task not done: HTNV needs every task done; no KHTNV case either.
    _cell, members = reviewed_cell(
        w, points={"general": "25", "tasks": "55"}, tasks=task_rows(9, 0, not_done=1), level="HTNV"
    )
    subject = members[2]
    propose_one(subject, w.secretary, "HTNV")
    verdict = workflow.blockers(fresh(subject), "decide", actor=w.base_staff)
    assert verdict.allowed and any("chưa đạt điều kiện của mức nào" in note for note in verdict.warnings)
    with pytest.raises(WorkflowError) as refused:
        workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(subject))], actor=w.base_staff)
    assert any("chưa đạt điều kiện của mức nào" in r for r in refused.value.reasons)
    with pytest.raises(WorkflowError):  # not above HTNV: HTTNV's conditions include HTNV's
        workflow.decide(
            decisions=[workflow.DecisionInput(subject=fresh(subject), level="HTTNV")],
            actor=w.base_staff,
            reason="Một nhiệm vụ bất khả kháng",
        )
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(subject))],
        actor=w.base_staff,
        reason="Một nhiệm vụ bất khả kháng",
    )
    assert fresh(subject).decided_level == "HTNV"


def test_r366_rate_3_one_verdict_computes_a_standing_once_and_the_next_one_afresh(monkeypatch):
    """The gap note (R366-RATE-3) and the level check (R366-RATE-2) of one verdict share the
    subject's standing; a later verdict sees what changed meanwhile (a KHTNV case ticked)."""
    w = world366()
    _cell, members = reviewed_cell(
        w, points={"general": "25", "tasks": "55"}, tasks=task_rows(9, 0, not_done=1), level="HTNV"
    )
    propose_one(members[2], w.secretary, "HTNV")
    subject = fresh(members[2])
    facts = Facts(subject.season, [subject])
    computed = []
    real = standing._standing
    monkeypatch.setattr(standing, "_standing", lambda s, f: computed.append(s.pk) or real(s, f))
    with translation.override("vi"):
        verdict = workflow.blockers(subject, "decide", actor=w.base_staff, facts=facts)
        assert verdict.allowed and any("chưa đạt điều kiện của mức nào" in n for n in verdict.warnings)
        assert computed == [subject.pk]
        subject.scores = {**subject.scores, "cases": {"degraded": "Kết luận ngày 01/11"}}
        verdict = workflow.blockers(subject, "decide", actor=w.base_staff, facts=facts)
    assert computed == [subject.pk, subject.pk]
    assert not verdict.allowed and any("phải xếp loại KHTNV" in b for b in verdict.blockers)
    assert standing.standing_of(subject, facts).cases == ("degraded",)  # outside a verdict: afresh
    assert computed == [subject.pk] * 3


def test_r366_order_4_an_open_check_blocks_the_decision_until_concluded():
    """R366-ORDER-4: an open check blocks the decision until it is concluded."""
    w = world366()
    _cell, members = reviewed_cell(w)
    subject = members[2]
    propose_one(subject, w.secretary, "HTTNV")
    with pytest.raises(WorkflowError):
        order_check(subject=fresh(subject), actor=w.secretary, kind="complaint", reason="Đơn khiếu nại")
    flag = order_check(
        subject=fresh(subject), actor=w.base_staff, kind="complaint", reason="Đơn khiếu nại ngày 20/11"
    )
    verdict = workflow.blockers(fresh(subject), "decide", actor=w.base_staff)
    assert any("Đơn khiếu nại ngày 20/11" in b for b in verdict.blockers)
    with pytest.raises(WorkflowError):
        workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(subject))], actor=w.base_staff)
    conclude_check(flag=flag, actor=w.base_staff, conclusion="Không có cơ sở")
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(subject))], actor=w.base_staff)
    assert {"order_check", "conclude_check", "decide"} <= set(
        Event.objects.filter(subject=subject).values_list("action", flat=True)
    )


def test_r366_rate_10_the_deciding_committee_raises_one_group_to_25_percent_with_a_reason():
    """R366-RATE-10: 20 % of HTTNV, raised to 25 % by a recorded decision with a reason."""
    w = world366(extra_members=0)
    _cell, members = reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    others = [m for m in members if not m.is_leader]
    # 4 HTTNV → 20 % allows 0 HTXSNV; 25 % allows 1.
    excellent, good = others[0], others[1:5]
    propose_one(excellent, w.secretary, "HTXSNV")
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=m, level="HTTNV") for m in good], actor=w.secretary
    )
    decisions = [workflow.DecisionInput(subject=fresh(m)) for m in [excellent, *good]]
    with pytest.raises(WorkflowError) as refused:
        workflow.decide(decisions=decisions, actor=w.base_staff)
    assert any("tỷ lệ" in r for r in refused.value.reasons), refused.value.reasons
    group = QuotaGroup.objects.get(season=w.season, key=excellent.quota_key)
    with pytest.raises(WorkflowError):
        raise_quota(group=group, actor=w.base_staff, percent=30, reason="Vượt kế hoạch")
    with pytest.raises(WorkflowError):
        raise_quota(group=group, actor=w.base_staff, percent=25, reason="")
    with pytest.raises(workflow.NotAllowed):
        raise_quota(group=group, actor=w.secretary, percent=25, reason="Vượt kế hoạch")
    raise_quota(
        group=group, actor=w.base_staff, percent=25, reason="Trường đạt chuẩn quốc gia, vượt kế hoạch"
    )
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(m)) for m in [excellent, *good]], actor=w.base_staff
    )
    assert fresh(excellent).decided_level == "HTXSNV"
    assert Event.objects.filter(season=w.season, action="raise_quota").get().data["to"] == 25


def test_r366_rate_11_long_sick_leave_sets_no_cap():
    """R366-RATE-11: 3 months of sick leave or more cap nothing (`sick_leave_max_level` null)."""
    from members.models import LeaveRecord

    w = world366()
    LeaveRecord.objects.create(member=w.members1[3], year=2026, kind=LeaveRecord.Kind.SICK, days=120)
    _cell, members = reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    subject = next(m for m in members if m.member_id == w.members1[3].pk)
    assert not workflow.blockers(fresh(subject), "propose", actor=w.secretary, level="HTXSNV").blockers


def test_r366_rate_9_a_unit_rated_below_its_head_is_flagged_when_the_unit_is_decided():
    """R366-RATE-9: the head-above-collective warning is kept."""
    w = world366()
    cell, members = reviewed_cell(w)
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=m, level="HTTNV") for m in members], actor=w.secretary
    )
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(m)) for m in members], actor=w.base_staff)
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=fresh(cell), level="HTNV")], actor=w.base_staff
    )
    with pytest.raises(WorkflowError) as refused:
        workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(cell))], actor=w.base_staff)
    assert any(w.head.full_name in r and "cao hơn mức HTNV của đơn vị" in r for r in refused.value.reasons), (
        refused.value.reasons
    )
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(cell))], actor=w.base_staff, reason="Đã cân nhắc"
    )
    assert fresh(cell).decided_level == "HTNV"


def test_r366_rec_1_the_residence_committee_s_comments_warn_by_default_and_block_where_switched():
    """R366-REC-1: the residence comment warns by default, blocks where switched."""
    from reviews.defaults import shipped_rule_set
    from reviews.models import RuleSet
    from reviews.services import attach_outside_comment

    w = world366()
    _cell, members = reviewed_cell(w)
    subject = members[2]
    verdict = workflow.blockers(fresh(subject), "propose", actor=w.secretary, level="HTTNV")
    assert verdict.allowed and any("nơi cư trú" in note for note in verdict.warnings)
    attach_outside_comment(
        subject=fresh(subject),
        actor=w.secretary,
        source="residence",
        from_name="Chi bộ khu dân cư số 3",
        text="Gương mẫu nơi cư trú",
        received_on=datetime.date(2026, 11, 10),
    )
    verdict = workflow.blockers(fresh(subject), "propose", actor=w.secretary, level="HTTNV")
    assert not any("nơi cư trú" in note for note in verdict.warnings)

    strict = shipped_rule_set("qd366-hd43-2025")
    strict.pk, strict.code, strict.is_default, strict.frozen_at = None, "tinh-366-cu-tru", False, None
    strict.first_year = strict.last_year = None
    strict.switches = {**strict.switches, "residence_comment": "block"}
    strict.save()
    w.season = open_season(
        top_organization=w.province,
        year=2027,
        reference_date=datetime.date(2026, 11, 15),
        rule_set=RuleSet.objects.get(pk=strict.pk),
    )
    _cell, members = reviewed_cell(w)
    with pytest.raises(WorkflowError) as refused:
        propose_one(members[2], w.secretary, "HTTNV")
    assert any("nơi cư trú" in r for r in refused.value.reasons)
