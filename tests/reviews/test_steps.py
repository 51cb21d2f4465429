"""R-STEP: the three steps, who decides, cancel and reopen; and who may take each step."""

import copy

import pytest

from organizations.models import Kind
from reviews import workflow
from reviews.models import Decision, RuleSet, Subject
from reviews.scope import open_season
from tests.factories import make_member, make_org, make_user_with_role
from tests.reviews.conftest import REFERENCE, build_world
from tests.reviews.helpers import complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State


def decided_cell1(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    propose([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(unit=w.cell1)], w.base_staff)


def test_r_step_1_self_rating_then_proposal_then_decision(world):
    w = world
    decided_cell1(w)
    member = w.subject(member=w.members1[2])
    assert member.self_level == "HTTNV" and member.state == S.PROPOSED
    decide([member], w.base_staff)
    member = w.subject(member=w.members1[2])
    assert (member.self_level, member.proposed_level, member.decided_level) == ("HTTNV", "HTTNV", "HTTNV")
    actions = list(member.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["submit", "review", "propose", "decide"]


def test_r_step_1_the_decider_may_decide_another_level_than_proposed(world):
    """A lower level than proposed needs the reason the member will read (R-STEP-1)."""
    w = world
    decided_cell1(w)
    with pytest.raises(workflow.WorkflowError):
        decide([w.subject(member=w.members1[2])], w.base_staff, level="HTNV")
    decide([w.subject(member=w.members1[2])], w.base_staff, level="HTNV", reason="Chưa đạt chỉ tiêu")
    member = w.subject(member=w.members1[2])
    assert member.proposed_level == "HTTNV" and member.decided_level == "HTNV"


def test_r_step_2_the_base_committee_decides_members_and_cells(world):
    w = world
    decided_cell1(w)
    member = w.subject(member=w.members1[2])
    for outsider in (w.secretary, w.commune_staff, w.board, w.leader, w.member_user):
        assert workflow.blockers(member, "decide", actor=outsider).blockers
        with pytest.raises(workflow.WorkflowError):
            decide([member], outsider)
    assert w.subject(member=w.members1[2]).state == S.PROPOSED
    decide([member], w.base_staff)
    assert Decision.objects.get(subject=member).decider.organization == w.base


def test_r_step_2_the_authority_table_is_configurable(db):
    w = build_world(open_now=False)
    partial = make_org(
        Kind.PARTIAL_COMMITTEE,
        w.base,
        name="Đảng bộ bộ phận Khối A",
        code="BP1",
        has_leadership_collective=False,
    )
    cell = make_org(Kind.CELL, partial, name="Chi bộ Khối A1", code="CB5", has_leadership_collective=False)
    make_member(cell, "Đinh", "Văn", "Tâm")
    default = RuleSet.objects.get(is_default=True)
    custom = RuleSet.objects.get(pk=default.pk)
    custom.pk, custom.code, custom.is_default, custom.frozen_at = None, "partial-decides", False, None
    custom.authority = {**copy.deepcopy(default.authority), "cell": "parent"}
    custom.save()
    season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE, rule_set=custom)
    assert season.subjects.get(unit__organization=cell, kind="organization").decider.organization == partial
    assert season.subjects.get(unit__organization=w.cell1, kind="organization").decider.organization == w.base


def test_r_step_3_the_superior_committee_cancels_and_the_record_stays(world):
    w = world
    decided_cell1(w)
    cell = w.subject(unit=w.cell1)
    with pytest.raises(workflow.NotAllowed):
        workflow.cancel(subject=cell, actor=w.base_staff, reason="Sai sót")  # the decider itself may not
    with pytest.raises(workflow.WorkflowError):
        workflow.cancel(subject=cell, actor=w.commune_staff, reason="")
    workflow.cancel(subject=cell, actor=w.commune_staff, reason="Có đơn tố cáo đúng sự thật")
    cell = fresh(cell)
    assert cell.state == S.PROPOSED and cell.decided_level == ""
    cancelled = Decision.objects.get(subject=cell)
    assert (
        cancelled.status == Decision.Status.CANCELLED and cancelled.end_reason == "Có đơn tố cáo đúng sự thật"
    )
    assert cancelled.ended_by == w.commune_staff
    decide([cell], w.base_staff, level="HTNV", reason="Đánh giá lại theo kết luận")
    assert [d.status for d in Decision.objects.filter(subject=cell).order_by("id")] == ["cancelled", "valid"]


def test_r_step_4_a_decided_rating_is_immutable_until_reopened(world):
    w = world
    decided_cell1(w)
    cell = w.subject(unit=w.cell1)
    with pytest.raises(workflow.WorkflowError):
        decide([cell], w.base_staff, level="HTNV")
    with pytest.raises(workflow.WorkflowError):
        workflow.save_answer(subject=cell, actor=w.secretary, key="II.1", value={"text": "sửa"})
    with pytest.raises(workflow.NotAllowed):
        workflow.reopen(subject=cell, actor=w.secretary, reason="Nhầm")
    with pytest.raises(workflow.WorkflowError):
        workflow.reopen(subject=cell, actor=w.base_staff, reason=" ")
    workflow.reopen(subject=cell, actor=w.base_staff, reason="Nhập nhầm mức")
    cell = fresh(cell)
    assert cell.state == S.PROPOSED
    event = cell.events.get(action="reopen")
    assert (event.actor, event.reason, event.from_state, event.to_state) == (
        w.base_staff,
        "Nhập nhầm mức",
        "decided",
        "proposed",
    )
    assert Decision.objects.get(subject=cell).status == Decision.Status.REOPENED


def test_r_step_4_a_level_above_may_reopen(world):
    w = world
    decided_cell1(w)
    workflow.reopen(subject=w.subject(unit=w.cell1), actor=w.board, reason="Kiểm tra lại")
    assert w.subject(unit=w.cell1).state == S.PROPOSED


# -- who may take each step -------------------------------------------------------------------------


def test_submission_by_the_member_or_on_their_behalf(world):
    w = world
    own = w.subject(member=w.deputy)
    complete_form(own, w.member_user)
    assert not own.form.entered_on_behalf if hasattr(own, "form") else True
    assert not fresh(own).form.entered_on_behalf
    other = w.subject(member=w.members1[3])
    complete_form(other, w.secretary)
    form = fresh(other).form
    assert form.entered_on_behalf and form.entered_by == w.secretary
    assert other.events.get(action="submit").data == {"on_behalf": True}


@pytest.mark.parametrize("who", ["member_user", "secretary2", "leader", "outsider", "commune_staff_other"])
def test_others_may_not_write_a_members_review(world, who):
    w = world
    actor = (
        make_user_with_role("committee_staff", w.base_cell, "other")
        if who == "commune_staff_other"
        else getattr(w, who)
    )
    subject = w.subject(member=w.members1[3])
    with pytest.raises(workflow.NotAllowed):
        workflow.save_answer(subject=subject, actor=actor, key="II.1", value={"text": "x"})
    assert not hasattr(fresh(subject), "form") or fresh(subject).form.answers == {}


def test_only_the_cells_officers_or_staff_above_record_its_meeting_and_return_forms(world):
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for actor in (w.secretary2, w.member_user, w.leader, w.outsider):
        with pytest.raises(workflow.NotAllowed):
            review(w.subject(unit=w.cell1), actor)
    complete_form(w.subject(member=w.members1[3]), w.secretary)
    for reason in ("x", ""):  # who may is asked before the reason: a missing one tells nothing
        with pytest.raises(workflow.NotAllowed):
            workflow.return_form(subject=w.subject(member=w.members1[3]), actor=w.member_user, reason=reason)
    workflow.return_form(subject=w.subject(member=w.members1[3]), actor=w.secretary, reason="Bổ sung mục II")
    assert w.subject(member=w.members1[3]).state == S.RETURNED
    review(w.subject(unit=w.cell1), w.base_staff)
    assert w.subject(unit=w.cell1).state == S.REVIEWED


def test_proposals_by_the_cell_for_members_and_by_the_deciders_staff_for_collectives(world):
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    for actor in (w.member_user, w.secretary2, w.leader):
        with pytest.raises(workflow.WorkflowError):
            propose([w.subject(member=w.members1[2])], actor)
    for actor in (w.secretary, w.commune_staff, w.member_user):
        with pytest.raises(workflow.WorkflowError):
            propose([w.subject(unit=w.cell1)], actor)
    propose([w.subject(member=w.members1[2])], w.secretary)
    propose([w.subject(unit=w.cell1)], w.base_staff)
    assert w.subject(unit=w.cell1).state == S.PROPOSED
    for actor in (w.secretary, w.commune_staff, w.member_user):  # the role first, then the reason
        with pytest.raises(workflow.NotAllowed):
            workflow.return_proposal(subject=w.subject(unit=w.cell1), actor=actor, reason="")
