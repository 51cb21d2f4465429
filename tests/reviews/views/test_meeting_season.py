"""The cell secretary's season, under QĐ 124 and QĐ 366 alike: the meeting's vote tallies are
possible ones (R-REC-2), a proposal the deciding level returns reaches the secretary and marks
the row until it is proposed again, a decision lower than the proposal gives its reason to the
member (R-STEP-1), and the meeting page's quota meter and rows show only what is recorded."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reviews import workflow
from reviews.models import Meeting, MeetingEntry, Notification, Subject
from reviews.rules import QuotaCount
from reviews.views.cell.quota import QuotaMeter
from tests.reviews.conftest import build_world
from tests.reviews.helpers import CIRCULATED, MEETING_DAY, complete_366, complete_form, decide, fresh, propose
from tests.reviews.test_qd366 import world366

pytestmark = pytest.mark.django_db
S = Subject.State
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def in_english():
    """The engine's sentences as msgids (the pages get them in English through the cookie)."""
    with translation.override("en"):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def world_of(regime):
    return build_world() if regime == "124" else world366()


def complete(subject, actor):
    regime = subject.season.rule_set.regime
    return complete_366(subject, actor) if "366" in regime else complete_form(subject, actor)


def meeting(present=5, total=6):
    return workflow.MeetingInput(
        held_on=MEETING_DAY, present=present, total=total, draft_circulated_on=CIRCULATED
    )


def submitted(w, members):
    complete(w.subject(unit=w.cell1), w.secretary)
    for member in members:
        complete(w.subject(member=member), w.secretary)
    return [w.subject(member=m) for m in members]


def record(w, entries, present=5):
    return workflow.record_meeting(
        collective=w.subject(unit=w.cell1), actor=w.secretary, meeting=meeting(present), entries=entries
    )


def reviewed_and_proposed(w, members, level="HTTNV"):
    subjects = submitted(w, members)
    record(w, [workflow.EntryInput(subject=s, votes={level: 5}) for s in subjects])
    propose([fresh(s) for s in subjects], w.secretary, level=level, civil_level=level)
    return [fresh(s) for s in subjects]


REGIMES = pytest.mark.parametrize("regime", ["124", "366"])


# -- R-REC-2: the tallies are possible ones -----------------------------------------------------------


@REGIMES
def test_r_rec_2_votes_above_those_present_are_refused_naming_the_row(regime):
    w = world_of(regime)
    (head,) = submitted(w, [w.head])
    with pytest.raises(workflow.WorkflowError) as refused:
        record(w, [workflow.EntryInput(subject=head, votes={"HTTNV": 6})], present=5)
    assert any(r.startswith(head.name) and "6 votes for HTTNV" in r for r in refused.value.reasons)
    with pytest.raises(workflow.WorkflowError) as refused:
        record(w, [workflow.EntryInput(subject=head, votes={"HTXSNV": 3, "HTTNV": 3})], present=5)
    assert any(head.name in r and "6 votes in all" in r for r in refused.value.reasons)
    with pytest.raises(workflow.WorkflowError) as refused:
        record(w, [workflow.EntryInput(subject=head, votes={"HTTNV": -1})], present=5)
    assert any(head.name in r and "negative" in r for r in refused.value.reasons)
    # Nothing half-saved: no meeting, the member still waits for the review.
    assert not Meeting.objects.filter(season=w.season).exists()
    assert fresh(head).state == S.SUBMITTED
    record(w, [workflow.EntryInput(subject=head, votes={"HTXSNV": 2, "HTTNV": 3})], present=5)
    assert fresh(head).state == S.REVIEWED


@REGIMES
def test_r_rec_2_the_attendance_cannot_fall_below_a_recorded_tally(regime):
    w = world_of(regime)
    (head,) = submitted(w, [w.head])
    record(w, [workflow.EntryInput(subject=head, votes={"HTTNV": 5})], present=5)
    with pytest.raises(workflow.WorkflowError) as refused:
        record(w, [], present=4)
    assert any(r.startswith(head.name) and "only 4 members were present" in r for r in refused.value.reasons)
    assert Meeting.objects.get(season=w.season, collective__unit__code="CB1").present == 5


def test_r_rec_2_the_meeting_page_names_the_row_with_an_impossible_tally(world):
    w = world
    head, deputy = submitted(w, [w.head, w.deputy])
    client = client_for(w.secretary)
    header = {"held_on": MEETING_DAY.isoformat(), "draft_circulated_on": CIRCULATED.isoformat()}
    assert (
        client.post(
            reverse("reviews:meeting", args=[w.season.pk, "CB1"]), {**header, "present": "6", "total": "7"}
        ).status_code
        == 302
    )
    row_url = reverse("reviews:meeting_row", args=[w.season.pk, "CB1", head.pk])
    page = client.post(
        row_url, {f"{head.pk}-outcome": "reviewed", f"{head.pk}-votes_HTTNV": "9"}, headers=HTMX
    ).content.decode()
    assert (
        "js-refused" in page and f"{head.name}: 9 votes for HTTNV, but only 6 members were present." in page
    )
    assert "Ready:" not in page.split(f'id="status-{head.pk}"')[1].split("</tbody>")[0]
    assert fresh(head).state == S.SUBMITTED and not MeetingEntry.objects.filter(subject=head).exists()
    # A smaller attendance is refused while a recorded tally is above it, naming the row.
    client.post(row_url, {f"{head.pk}-outcome": "reviewed", f"{head.pk}-votes_HTTNV": "6"}, headers=HTMX)
    assert fresh(head).state == S.REVIEWED
    page = client.post(
        reverse("reviews:meeting", args=[w.season.pk, "CB1"]), {**header, "present": "4", "total": "7"}
    ).content.decode()
    assert f"{head.name}: 6 votes for HTTNV, but only 4 members were present." in page
    assert Meeting.objects.get(season=w.season, collective__unit__code="CB1").present == 6


# -- a returned proposal reaches the secretary ---------------------------------------------------------


@REGIMES
def test_a_returned_proposal_notifies_the_secretary_and_marks_the_row_until_proposed_again(regime):
    w = world_of(regime)
    head, deputy = reviewed_and_proposed(w, [w.head, w.deputy])
    workflow.return_proposal(subject=head, actor=w.base_staff, reason="Cần làm rõ kết quả nhiệm vụ")
    notice = Notification.objects.get(user=w.secretary, kind=Notification.Kind.PROPOSAL_RETURNED)
    assert head.name in notice.text and "Cần làm rõ kết quả nhiệm vụ" in notice.text
    assert notice.subject_id == head.pk
    assert (
        not Notification.objects.filter(kind=Notification.Kind.PROPOSAL_RETURNED)
        .exclude(user=w.secretary)
        .exists()
    )  # the member does not hear of it: it is between the cell and the deciding level
    assert fresh(head).returned_proposal["reason"] == "Cần làm rõ kết quả nhiệm vụ"
    client = client_for(w.secretary)
    for name in ("meeting", "cell"):
        page = client.get(reverse(f"reviews:{name}", args=[w.season.pk, "CB1"])).content.decode()
        assert page.count("js-returned") == 1, name
        assert "Proposal returned by the deciding level: Cần làm rõ kết quả nhiệm vụ" in page
    propose([fresh(head)], w.secretary)
    assert fresh(head).returned_proposal is None
    for name in ("meeting", "cell"):
        assert (
            "js-returned"
            not in client.get(reverse(f"reviews:{name}", args=[w.season.pk, "CB1"])).content.decode()
        )


def test_returning_a_proposal_from_the_staff_page_reaches_the_secretary(world):
    w = world
    head, _deputy = reviewed_and_proposed(w, [w.head, w.deputy])
    client = client_for(w.base_staff)
    response = client.post(
        reverse("reviews:subject_return_proposal", args=[w.season.pk, head.pk]),
        {"return-reason": "Xem lại phiếu"},
    )
    assert response.status_code == 302 and fresh(head).state == S.REVIEWED
    assert Notification.objects.filter(
        user=w.secretary, kind="proposal_back", text__contains="Xem lại phiếu"
    ).exists()


# -- R-STEP-1: a decision lower than the proposal says why ---------------------------------------------


def decided_cell(w):
    """The cell's members proposed HTTNV and, under QĐ 124, the cell decided first (R-ORDER-6)."""
    members = reviewed_and_proposed(w, w.members1)
    if "124" in w.season.rule_set.regime:
        propose([w.subject(unit=w.cell1)], w.base_staff)
        decide([w.subject(unit=w.cell1)], w.base_staff)
    return members


@REGIMES
def test_r_step_1_a_decision_below_the_proposal_needs_a_reason_the_member_reads(regime):
    w = world_of(regime)
    members = decided_cell(w)
    deputy = next(m for m in members if m.member_id == w.deputy.pk)  # the member with a login
    with pytest.raises(workflow.WorkflowError) as refused:
        decide([fresh(deputy)], w.base_staff, level="HTNV")
    assert any(
        r.startswith(deputy.name) and "decided HTNV, lower than the HTTNV proposed" in r
        for r in refused.value.reasons
    )
    assert fresh(deputy).state == S.PROPOSED
    decide([fresh(deputy)], w.base_staff, level="HTNV", reason="Chưa hoàn thành chỉ tiêu giảng dạy")
    assert (fresh(deputy).state, fresh(deputy).decided_level) == (S.DECIDED, "HTNV")
    page = client_for(w.member_user).get(reverse("reviews:my-result", args=[w.season.pk])).content.decode()
    assert "data-lowered-reason" in page and "Chưa hoàn thành chỉ tiêu giảng dạy" in page
    # The same level as proposed needs no reason, and shows none.
    other = members[2]
    decide([fresh(other)], w.base_staff)
    assert fresh(other).decided_level == "HTTNV"


def test_r_step_1_the_queue_refuses_a_lower_decision_without_a_reason(world):
    w = world
    members = decided_cell(w)
    target = members[3]
    client = client_for(w.base_staff)
    client.post(
        reverse("reviews:queue_decide", args=[w.season.pk]),
        {"subject": [target.pk], f"level-{target.pk}": "HTNV"},
    )
    assert fresh(target).state == S.PROPOSED
    client.post(
        reverse("reviews:queue_decide", args=[w.season.pk]),
        {"subject": [target.pk], f"level-{target.pk}": "HTNV", "reason": "Vi phạm quy chế chuyên môn"},
    )
    assert fresh(target).decided_level == "HTNV"


# -- the quota meter's words match its numbers ----------------------------------------------------------


def meter(capped, base, percent=20):
    limit = base * percent // 100
    return QuotaMeter(
        key="g",
        count=QuotaCount(
            label="Nhóm",
            capped=capped,
            base=base,
            limit=limit,
            percent=percent,
            capped_level="HTXSNV",
            base_level="HTTNV",
        ),
        from_here=0,
    )


def test_r_rate_2_the_meter_says_what_its_numbers_say():
    one = meter(0, 6)  # 0 of 1
    assert (one.tone, one.badge, one.status) == ("success", "Within the quota", "1 place left.")
    empty = meter(0, 0)  # nothing decided yet: no "0/0, at the limit"
    assert (empty.tone, empty.badge) == ("secondary", "Nothing counted yet")
    assert "0 /" not in empty.headline and "limit" not in empty.status
    few = meter(0, 2)  # 20% × 2 = 0.4, rounded down: no place, though nothing is decided
    assert (few.tone, few.badge, few.status) == (
        "secondary",
        "No place for now",
        "This group has no HTXSNV place for now: 20% × 2 HTTNV = 0.4, rounded to 0.",
    )
    near = meter(1, 10)  # 1 of 2
    assert (near.tone, near.badge, near.status) == ("warning", "Near the limit", "1 place left.")
    full = meter(2, 10)
    assert (full.tone, full.badge, full.status) == ("warning", "At the limit", "No place left.")
    over = meter(5, 20)  # 5 of 4
    assert (over.tone, over.badge, over.status) == ("danger", "Over the quota", "Over the quota by 1 case.")
    assert over.headline == "HTXSNV 5, over by 1 case (at most 4 = 20% × 20 HTTNV)"
    assert "5 /" not in over.headline
    alone = meter(1, 0)  # an HTXSNV with no HTTNV: over, not "nothing counted"
    assert alone.badge == "Over the quota"


# -- the meeting page shows only what is recorded ---------------------------------------------------------


def test_a_refused_row_is_neither_counted_in_the_meter_nor_ready(world):
    w = world
    head, deputy = submitted(w, [w.head, w.deputy])
    record(w, [workflow.EntryInput(subject=s, votes={"HTTNV": 5}) for s in (head, deputy)])
    client = client_for(w.secretary)
    row_url = reverse("reviews:meeting_row", args=[w.season.pk, "CB1", head.pk])
    # HTXSNV while the grades are "good" (R-RATE-1): refused. The level is not counted as being
    # proposed, and the row is not "Ready" for its proposal.
    page = client.post(
        row_url, {f"{head.pk}-level": "HTXSNV", f"{head.pk}-civil_service_level": "HTXSNV"}, headers=HTMX
    ).content.decode()
    head_status = page.split(f'id="status-{head.pk}"')[1].split("</tbody>")[0]
    assert "js-refused" in head_status and "Ready:" not in head_status
    assert f'name="refused" value="{head.pk}"' in head_status
    assert "Including 1 HTXSNV" not in page
    assert fresh(head).state == S.REVIEWED
    # The meter asked again with the page's values: the refused row stays out of the count.
    meter_url = reverse("reviews:quota_meter", args=[w.season.pk, "CB1"])
    assert "Including 1 HTXSNV" in client.get(meter_url, {f"{head.pk}-level": "HTXSNV"}).content.decode()
    counted = client.get(meter_url, {f"{head.pk}-level": "HTXSNV", "refused": str(head.pk)}).content.decode()
    assert "Including 1 HTXSNV" not in counted


def test_a_refused_save_all_marks_the_refused_row_and_leaves_it_out_of_the_meter(world):
    """Saving every row at once (the no-JavaScript path) is refused as a whole: the row whose own
    level the engine refuses (R-RATE-1) says why on its row and is not counted in the meter."""
    w = world
    head, deputy = submitted(w, [w.head, w.deputy])
    record(w, [workflow.EntryInput(subject=s, votes={"HTTNV": 5}) for s in (head, deputy)])
    client = client_for(w.secretary)
    page = client.post(
        reverse("reviews:meeting_rows", args=[w.season.pk, "CB1"]),
        {
            f"{head.pk}-level": "HTXSNV",
            f"{head.pk}-civil_service_level": "HTXSNV",
            f"{deputy.pk}-level": "HTTNV",
            f"{deputy.pk}-civil_service_level": "HTTNV",
        },
    ).content.decode()
    head_status = page.split(f'id="status-{head.pk}"')[1].split("</tbody>")[0]
    assert "js-refused" in head_status and f'name="refused" value="{head.pk}"' in head_status
    deputy_status = page.split(f'id="status-{deputy.pk}"')[1].split("</tbody>")[0]
    assert "js-refused" not in deputy_status
    assert "Including 1 HTXSNV" not in page
    assert fresh(head).state == S.REVIEWED and fresh(deputy).state == S.REVIEWED


def status_of(page, subject) -> str:
    """The out-of-band status of another row in a row's htmx answer."""
    return re.split(r'id="(?:status-\d+|quota-meter)"', page.split(f'id="status-{subject.pk}"')[1])[0]


def test_a_refusal_goes_when_its_cause_does(world):
    w = world
    members = submitted(w, w.members1[:3])
    head, deputy, third = members
    record(w, [])
    client = client_for(w.secretary)

    def save(subject, **extra):
        data = {f"{subject.pk}-outcome": "reviewed", **extra}
        url = reverse("reviews:meeting_row", args=[w.season.pk, "CB1", subject.pk])
        return client.post(url, data, headers=HTMX).content.decode()

    page = save(third)  # before the head and the deputy (R-ORDER-3)
    assert "js-refused" in page.split(f'id="status-{third.pk}"')[1].split("</tbody>")[0]
    # The head saved: the third row is still refused (the deputy is still ahead of it).
    third_status = status_of(save(head, refused=str(third.pk)), third)
    assert "js-refused" in third_status and "Ready:" not in third_status
    # The deputy saved: its cause is gone, so is the refusal.
    third_status = status_of(save(deputy, refused=str(third.pk)), third)
    assert "js-refused" not in third_status and "Ready:" in third_status


def test_a_refusal_only_the_rows_own_save_can_lift_stays_when_another_row_is_saved():
    """R366-SCORE-4: appraised points above an item's maximum are refused in the row; saving
    another row leaves that row (and its refusal) as the page shows it, and out of the meter."""
    w = world366()
    members = reviewed_and_proposed(w, w.members1[:2])  # the head and the deputy first
    third, fourth = (complete(w.subject(member=m), w.secretary) for m in w.members1[2:4])
    record(w, [workflow.EntryInput(subject=s) for s in (fresh(third), fresh(fourth))])
    client = client_for(w.secretary)

    def row_url(subject):
        return reverse("reviews:meeting_row", args=[w.season.pk, "CB1", subject.pk])

    bad = {f"{third.pk}-level": "HTTNV", f"{third.pk}-points_general": "35", f"{third.pk}-points_tasks": "60"}
    page = client.post(row_url(third), bad, headers=HTMX).content.decode()
    assert f'name="refused_kept" value="{third.pk}"' in page
    assert fresh(third).state == S.REVIEWED
    page = client.post(
        row_url(fourth),
        {f"{fourth.pk}-level": "HTTNV", **bad, "refused_kept": str(third.pk)},
        headers=HTMX,
    ).content.decode()
    assert fresh(fourth).state == S.PROPOSED
    assert f'id="status-{third.pk}"' not in page  # left as it is on the page, refusal and all
    assert len(members) == 2
