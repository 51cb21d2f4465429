"""R-ORDER: the order of work, enforced as guards."""

import datetime

import pytest

from organizations.models import AffiliatedCollective
from reviews import workflow
from reviews.models import Decision, Meeting, Subject
from reviews.services import mark_affiliate_reviewed
from tests.reviews.helpers import CIRCULATED, MEETING_DAY, complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State


def submit_cell1(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for member in w.members1:
        complete_form(w.subject(member=member), w.secretary)


def reasons_of(excinfo) -> str:
    """The refusal's sentences and the rules they enforce (kept out of the sentences)."""
    reasons = excinfo.value.reasons
    return " ".join([*reasons, *(getattr(r, "rule", "") for r in reasons)])


def test_r_order_1_no_proposal_or_decision_before_the_review_meeting(world):
    w = world
    submit_cell1(w)
    member = w.subject(member=w.members1[2])
    assert workflow.blockers(member, "propose", actor=w.secretary).blockers
    with pytest.raises(workflow.WorkflowError):
        propose([member], w.secretary)
    with pytest.raises(workflow.WorkflowError):
        decide([member], w.base_staff, level="HTTNV")
    assert w.subject(member=w.members1[2]).state == S.SUBMITTED
    assert not Decision.objects.exists()


def test_r_order_2_the_collective_is_reviewed_before_its_members(world):
    w = world
    submit_cell1(w)
    member = w.subject(member=w.members1[2])
    # A meeting that records only members: the engine adds the collective first, so it works...
    review(
        w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.head), w.subject(member=w.deputy), member]
    )
    assert w.subject(unit=w.cell1).state == S.REVIEWED
    # ...but when the collective's own report is not submitted, members cannot be reviewed.
    for m in w.members2:
        complete_form(w.subject(member=m), w.secretary2)
    with pytest.raises(workflow.WorkflowError) as refused:
        review(w.subject(unit=w.cell2), w.secretary2, [w.subject(member=m) for m in w.members2])
    assert "R-ORDER-2" in reasons_of(refused)
    assert not Meeting.objects.filter(unit__organization=w.cell2).exists()
    assert all(w.subject(member=m).state == S.SUBMITTED for m in w.members2)


def test_r_order_3_head_then_deputies_then_members(world):
    w = world
    submit_cell1(w)
    cell = w.subject(unit=w.cell1)
    # The collective and one ordinary member, with the head and the deputy left out: refused.
    with pytest.raises(workflow.WorkflowError) as refused:
        review(cell, w.secretary, [w.subject(member=w.members1[3])])
    assert "R-ORDER-3" in reasons_of(refused)
    assert w.subject(member=w.head).name in reasons_of(refused)
    # The head alone is fine; then the deputy; then the others.
    review(cell, w.secretary, [w.subject(member=w.head)])
    review(cell, w.secretary, [w.subject(member=w.deputy)])
    review(cell, w.secretary, [w.subject(member=m) for m in w.members1[2:]])
    assert all(w.subject(member=m).state == S.REVIEWED for m in w.members1)
    order = list(
        w.season.events.filter(action="review", subject__kind="member", subject__unit=cell.unit)
        .order_by("seq")
        .values_list("subject__member_id", flat=True)
    )
    assert order[:2] == [w.head.pk, w.deputy.pk]


def test_r_order_3_an_absent_head_does_not_block_the_others(world):
    w = world
    submit_cell1(w)
    cell = w.subject(unit=w.cell1)
    review(
        cell, w.secretary, [w.subject(member=m) for m in w.members1[1:]], absent=[w.subject(member=w.head)]
    )
    assert w.subject(member=w.head).state == S.ABSENT
    assert w.subject(member=w.members1[3]).state == S.REVIEWED


def test_r_order_4_prerequisite_collectives_come_first(world):
    w = world
    affiliate = AffiliatedCollective.objects.create(
        organization=w.base, name="Ban Giám hiệu", kind="professional"
    )
    base = w.subject(unit=w.base)
    complete_form(base, w.base_staff)
    with pytest.raises(workflow.WorkflowError) as refused:
        review(base, w.base_staff)
    assert "R-ORDER-4" in reasons_of(refused) and "Ban Giám hiệu" in reasons_of(refused)
    assert fresh(base).state == S.SUBMITTED
    mark_affiliate_reviewed(
        season=w.season, affiliate=affiliate, actor=w.base_staff, done_on=datetime.date(2026, 11, 10)
    )
    review(base, w.base_staff)
    assert fresh(base).state == S.REVIEWED


def _reviewed_and_proposed(w):
    submit_cell1(w)
    for m in w.members2:
        complete_form(w.subject(member=m), w.secretary2)
    complete_form(w.subject(unit=w.cell2), w.secretary2)
    complete_form(w.subject(unit=w.base), w.base_staff)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    review(w.subject(unit=w.cell2), w.secretary2, [w.subject(member=m) for m in w.members2])
    review(w.subject(unit=w.base), w.base_staff)
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    propose([w.subject(member=m) for m in w.members2], w.secretary2)
    propose([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    propose([w.subject(unit=w.base)], w.commune_staff)


def test_r_order_5_lower_organizations_are_rated_before_the_upper(world):
    w = world
    _reviewed_and_proposed(w)
    with pytest.raises(workflow.WorkflowError) as refused:
        decide([w.subject(unit=w.base)], w.commune_staff)
    text = reasons_of(refused)
    assert "R-ORDER-5" in text and "Chi bộ Tổ Toán" in text and "Chi bộ Tổ Văn" in text
    assert fresh(w.subject(unit=w.base)).state == S.PROPOSED
    decide([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    decide([w.subject(unit=w.base)], w.commune_staff)
    assert fresh(w.subject(unit=w.base)).state == S.DECIDED


def test_r_order_6_the_collective_is_rated_before_its_members(world):
    w = world
    _reviewed_and_proposed(w)
    with pytest.raises(workflow.WorkflowError) as refused:
        decide([w.subject(member=w.members1[3])], w.base_staff)
    assert "R-ORDER-6" in reasons_of(refused)
    decide([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(member=w.members1[3])], w.base_staff)
    assert w.subject(member=w.members1[3]).state == S.DECIDED


def test_r_order_7_the_unit_is_rated_before_its_head(world):
    """The head of the base committee sits in a cell that is already rated, yet must wait for the
    base organization they lead."""
    from members.models import CommitteeSeat

    w = world
    CommitteeSeat.objects.create(
        member=w.members1[4], organization=w.base, position=0, starts_on=datetime.date(2020, 1, 1)
    )
    _reviewed_and_proposed(w)
    decide([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    with pytest.raises(workflow.WorkflowError) as refused:
        decide([w.subject(member=w.members1[4])], w.base_staff)
    assert "R-ORDER-7" in reasons_of(refused) and w.base.name in reasons_of(refused)
    decide([w.subject(unit=w.base)], w.commune_staff)
    decide([w.subject(member=w.members1[4])], w.base_staff)
    assert w.subject(member=w.members1[4]).state == S.DECIDED


def test_r_order_8_late_circulation_is_a_warning_kept_with_both_dates(world):
    w = world
    cell = w.subject(unit=w.cell1)
    complete_form(cell, w.secretary)
    workflow.record_meeting(
        collective=cell,
        actor=w.secretary,
        meeting=workflow.MeetingInput(
            held_on=MEETING_DAY,
            present=6,
            total=7,
            draft_circulated_on=MEETING_DAY - datetime.timedelta(days=2),
        ),
        entries=[],
    )
    meeting = Meeting.objects.get(collective=cell)
    assert "1 ngày làm việc; yêu cầu ít nhất 3" in meeting.circulation_warning  # R-ORDER-8
    assert meeting.draft_circulated_on == MEETING_DAY - datetime.timedelta(days=2)
    assert fresh(cell).state == S.REVIEWED  # a warning, not a block
    complete_form(w.subject(unit=w.cell2), w.secretary2)
    on_time = workflow.record_meeting(
        collective=w.subject(unit=w.cell2),
        actor=w.secretary2,
        meeting=workflow.MeetingInput(
            held_on=MEETING_DAY, present=3, total=3, draft_circulated_on=CIRCULATED
        ),
        entries=[],
    )
    assert on_time.circulation_warning == ""
