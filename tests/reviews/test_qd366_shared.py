"""The rules QĐ 366 keeps from QĐ 124, or adds around the review, proven on a QĐ 366 season: who is
reviewed and where (R366-SCOPE-*), the order of the review (R366-ORDER-1, R366-ORDER-5), who decides
(R366-STEP-1), the leaders' KHTNV cases (R366-RATE-5), organizations (R366-RATE-8), the second
KHTNV year (R366-RATE-12), notices (R366-REC-2) and the criteria of each form (R366-SCORE-2)."""

import datetime

import pytest
from django.urls import reverse

from members.models import CommitteeSeat, Status
from members.services import change_member_status
from reviews import workflow
from reviews.meeting_warnings import meeting_length_warning
from reviews.models import Meeting, Notification, RuleSet, Subject
from reviews.scope import open_season
from reviews.services import import_decided_results
from reviews.views.criteria_forms import OpenSeasonForm
from tests.clock import ROLES_FROM
from tests.reviews.conftest import REFERENCE, build_world
from tests.reviews.helpers import CIRCULATED, MEETING_DAY, complete_366, fresh, review
from tests.reviews.test_qd366 import propose_one, reviewed_cell, with_chi_uy, world366

pytestmark = pytest.mark.django_db
S = Subject.State


def test_r366_scope_1_exempt_members_are_listed_not_reviewed():
    """R366-SCOPE-1: a member exempt from party work is listed, not reviewed."""
    w = build_world(open_now=False)
    change_member_status(member=w.members2[0], status=Status.EXEMPT, starts_on=datetime.date(2026, 2, 1))
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    subject = w.subject(member=w.members2[0])
    assert subject.out_of_scope == Subject.OutOfScope.EXEMPT and subject.state == S.EXCLUDED


def test_r366_scope_2_a_cell_without_a_chi_uy_has_no_leadership_subject_its_officers_are_members():
    """R366-SCOPE-2: without a chi ủy, the secretary and deputy are reviewed at the cell."""
    w = world366()
    assert not Subject.objects.filter(season=w.season, unit__organization=w.cell1, kind="leadership").exists()
    head = w.subject(member=w.head)
    assert head.position == Subject.Position.HEAD and head.profile == "LD"


def test_r366_scope_3_a_reviewed_member_cannot_be_turned_absent():
    """R366-SCOPE-3: a subject that is reviewed is also rated: it cannot be turned absent."""
    w = world366()
    _cell, members = reviewed_cell(w)
    with pytest.raises(workflow.WorkflowError):
        review(fresh(w.subject(unit=w.cell1)), w.secretary, absent=[members[2]])


def test_r366_scope_4_a_member_with_a_seat_elsewhere_is_reviewed_at_their_cell():
    """R366-SCOPE-4: a member holding a seat on the base committee is reviewed at their cell."""
    w = build_world(open_now=False)
    CommitteeSeat.objects.create(member=w.members1[4], organization=w.base, position=2, starts_on=ROLES_FROM)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.subject(member=w.members1[4]).unit.organization == w.cell1


def test_r366_scope_5_a_leadership_collective_of_fewer_than_three_is_reviewed_with_the_committee():
    """R366-SCOPE-5: fewer than 3 members: reviewed with the unit's committee."""
    w = build_world(open_now=False)
    w.cell1.has_leadership_collective = True
    w.cell1.save()  # the head and the deputy only
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    small = w.subject(unit=w.cell1, kind=Subject.Kind.LEADERSHIP)
    assert small.out_of_scope == Subject.OutOfScope.SMALL_LEADERSHIP and small.state == S.EXCLUDED


def test_r366_scope_5_a_leadership_collective_of_three_is_reviewed_on_its_own():
    """R366-SCOPE-5: 3 members or more: reviewed on its own."""
    w = build_world(open_now=False)
    with_chi_uy(w)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.subject(unit=w.cell1, kind=Subject.Kind.LEADERSHIP).in_scope


def test_r366_scope_6_a_member_registered_elsewhere_needs_that_cells_comments_first():
    """R366-SCOPE-6: temporary registration: the temporary cell's written comments first."""
    w = build_world(open_now=False)
    change_member_status(
        member=w.members1[4],
        status=Status.TEMPORARY_ELSEWHERE,
        starts_on=datetime.date(2026, 3, 1),
        other_cell=w.cell2,
    )
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    _cell, members = reviewed_cell(w)
    subject = next(m for m in members if m.member_id == w.members1[4].pk)
    verdict = workflow.blockers(fresh(subject), "propose", actor=w.secretary, level="HTTNV")
    assert any("tạm thời" in b for b in verdict.blockers), verdict.blockers


def test_r366_scope_7_the_opening_page_offers_the_31_december_deadline(client):
    """R366-SCOPE-7: the rating is finished by 31/12 (configurable)."""
    w = build_world(open_now=False)
    client.force_login(w.board)
    html = client.get(reverse("reviews:season-open", args=["TINH", 2027])).content.decode()
    assert 'name="deadline_decision"' in html and 'value="31/12/2027"' in html


def test_r366_scope_7_a_decision_deadline_after_15_january_is_refused():
    """R366-SCOPE-7: units with another work year finish by 15/01 of the next year at the latest."""
    rule_set = RuleSet.objects.get(code="qd366-hd43-2025")

    def form(day: str) -> OpenSeasonForm:
        data = {
            "reference_date": "01/11/2027",
            "rule_set": rule_set.pk,
            "deadline_decision": day,
            "confirm": "on",
        }
        return OpenSeasonForm(data, year=2027, rule_sets=[rule_set])

    assert form("15/01/2028").is_valid()
    late = form("16/01/2028")
    assert not late.is_valid()
    assert "15/01/2028" in " ".join(late.errors["deadline_decision"])


def test_r366_scope_8_a_provincial_standing_committee_meets_two_days():
    """R366-SCOPE-8: at least 1 day, 2 for a provincial standing committee; a warning."""
    w = world366()
    rule_set = w.season.rule_set
    one_day = Meeting(held_on=MEETING_DAY)
    assert meeting_length_warning(one_day, "cell", rule_set) == ""
    assert "ít nhất 2 ngày" in meeting_length_warning(one_day, "provincial_committee", rule_set)
    two_days = Meeting(held_on=MEETING_DAY, ends_on=MEETING_DAY + datetime.timedelta(days=1))
    assert meeting_length_warning(two_days, "provincial_committee", rule_set) == ""
    # The meeting record keeps the last day; one after today, or before the first, is refused.
    cell = w.subject(unit=w.cell1)
    complete_366(cell, w.secretary)
    bad = workflow.MeetingInput(
        held_on=MEETING_DAY, ends_on=MEETING_DAY - datetime.timedelta(days=1), present=5, total=6
    )
    with pytest.raises(workflow.WorkflowError):
        workflow.record_meeting(collective=fresh(cell), actor=w.secretary, meeting=bad, entries=[])


def test_r366_order_1_the_head_is_reviewed_before_the_members():
    """R366-ORDER-1: the head, then deputies, then members."""
    w = world366()
    cell = w.subject(unit=w.cell1)
    complete_366(cell, w.secretary)
    member = complete_366(w.subject(member=w.members1[3]), w.secretary)
    review(fresh(cell), w.secretary)
    with pytest.raises(workflow.WorkflowError) as refused:
        review(fresh(cell), w.secretary, [fresh(member)])
    assert any(w.head.full_name in r for r in refused.value.reasons)


def test_r366_order_5_a_draft_circulated_late_is_a_warning():
    """R366-ORDER-5: the draft report goes out 3 working days before the meeting; a warning."""
    w = world366()
    cell = w.subject(unit=w.cell1)
    complete_366(cell, w.secretary)
    meeting = workflow.record_meeting(
        collective=fresh(cell),
        actor=w.secretary,
        meeting=workflow.MeetingInput(
            held_on=MEETING_DAY,
            present=5,
            total=6,
            draft_circulated_on=MEETING_DAY - datetime.timedelta(days=1),
        ),
        entries=[],
    )
    assert meeting.circulation_warning and fresh(cell).state == S.REVIEWED
    assert CIRCULATED < MEETING_DAY


def test_r366_step_1_who_decides_a_cell_a_base_organization_and_the_members():
    """R366-STEP-1: who decides each organization's and each member's rating."""
    w = world366()
    assert w.subject(unit=w.cell1).decider.organization == w.base
    assert w.subject(unit=w.base).decider.organization == w.commune
    assert w.subject(member=w.members1[3]).decider.organization == w.base
    assert w.subject(unit=w.base_cell).decider.organization == w.commune


def test_r366_rate_5_a_leader_with_a_low_confidence_vote_is_khtnv():
    """R366-RATE-5: more than 50 % low-confidence votes gives a leader KHTNV."""
    w = world366()
    _cell, members = reviewed_cell(w)
    head = next(m for m in members if m.member_id == w.head.pk)
    assert head.profile == "LD"
    with pytest.raises(workflow.WorkflowError):
        propose_one(head, w.secretary, "HTTNV", cases={"low_confidence": "Phiếu tín nhiệm tháng 10"})
    propose_one(fresh(head), w.secretary, "KHTNV", cases={"low_confidence": "Phiếu tín nhiệm tháng 10"})
    assert fresh(head).proposed_level == "KHTNV"


def test_r366_rate_8_a_cell_is_rated_on_all_its_members_without_share_thresholds():
    """R366-RATE-8: no share thresholds by default."""
    w = world366()
    cell, members = reviewed_cell(w)
    assert w.season.rule_set.organization_thresholds == []
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=m, level="HTNV") for m in members], actor=w.secretary
    )
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(m)) for m in members], actor=w.base_staff)
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=fresh(cell), level="HTTNV")], actor=w.base_staff
    )
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(cell))], actor=w.base_staff, reason="Đã cân nhắc"
    )
    assert fresh(cell).decided_level == "HTTNV"


def test_r366_rate_12_a_second_khtnv_year_is_flagged():
    """R366-RATE-12: a second consecutive KHTNV year is flagged."""
    w = build_world(open_now=False)
    previous = open_season(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    before = Subject.objects.get(season=previous, member=w.members1[3])
    import_decided_results(season=previous, levels={before.pk: "KHTNV"}, actor=w.board, source="Hồ sơ")
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    subject = complete_366(w.subject(member=w.members1[3]), w.secretary, level="KHTNV")
    _cell, members = reviewed_cell(w)
    subject = next(m for m in members if m.member_id == w.members1[3].pk)
    propose_one(subject, w.secretary, "KHTNV")
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(subject))], actor=w.base_staff)
    assert fresh(subject).flags.get("second_khtnv") is True


def test_r366_rec_2_the_member_hears_of_the_decided_level():
    """R366-REC-2: the subject is notified of the decided level."""
    w = world366()
    _cell, members = reviewed_cell(w)
    deputy = next(m for m in members if m.member_id == w.deputy.pk)
    propose_one(deputy, w.secretary, "HTTNV")
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(deputy))], actor=w.base_staff)
    assert Notification.objects.filter(user=w.member_user, kind="decided", subject=deputy).exists()


def test_r366_score_2_each_profile_writes_its_own_form():
    """R366-SCORE-2: each profile has its own criteria and form; 30 + 70."""
    w = world366()
    rule_set = w.season.rule_set
    leader_items = " ".join(i["title"] for s in rule_set.template("2A")["sections"] for i in s["items"])
    outside_items = " ".join(i["title"] for s in rule_set.template("2C")["sections"] for i in s["items"])
    assert "lãnh đạo, chỉ đạo" in leader_items and "cấp ủy, chi bộ phân công" in outside_items
    assert rule_set.scoring["profiles"]["TT"]["form"] == "01"
    assert [g["max"] for g in rule_set.scoring["groups"]] == [30, 70]
