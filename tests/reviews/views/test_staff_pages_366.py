"""Committee staff under QĐ 366: the subject's points at the three steps, deciding with decided
points and a case weighed case by case, a check before the decision, a member's profile changed,
a group's rate raised from the queue (R366-SCORE-4, R366-RATE-4/5/6, R366-ORDER-4, R366-RATE-10)."""

import re

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.models import CheckFlag, Event, QuotaGroup, Subject
from tests.reviews.helpers import fresh
from tests.reviews.test_qd366 import reviewed_cell, world366

pytestmark = pytest.mark.django_db
S = Subject.State


def proposed(w, **kwargs):
    _cell, members = reviewed_cell(w)
    subject = members[2]
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=subject, level="HTTNV", **kwargs)], actor=w.secretary
    )
    return fresh(subject)


def url(name, subject, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"season": subject.season_id, "subject": subject.pk, **kwargs})


def test_r366_score_4_the_subject_page_shows_the_points_of_each_step(client):
    w = world366()
    subject = proposed(w, points={"general": "26", "tasks": "58"})
    client.force_login(w.base_staff)
    html = client.get(url("subject", subject)).content.decode()
    assert "Điểm theo thang 100" in html and "87" in html and "84" in html
    assert 'name="decide-points_general"' in html


def test_r366_score_4_deciding_with_decided_points_records_them(client):
    w = world366()
    subject = proposed(w)
    client.force_login(w.base_staff)
    client.post(
        url("subject_decide", subject),
        {"decide-points_general": "25", "decide-points_tasks": "55", "decide-reason": ""},
    )
    decided = fresh(subject)
    assert decided.state == S.DECIDED and str(decided.decided_points) == "80.0"
    assert decided.decisions.get().points is not None


def proposed_khtnv_for_a_case():
    """A member of the reviewed cell proposed KHTNV for a case found (R366-RATE-6)."""
    w = world366()
    _cell, members = reviewed_cell(w)
    subject = members[3]
    workflow.propose(
        proposals=[
            workflow.ProposalInput(subject=subject, level="KHTNV", cases={"harmed_standing": "Kết luận số 3"})
        ],
        actor=w.secretary,
    )
    return w, subject


def test_r366_rate_6_a_case_weighed_case_by_case_on_the_page_lifts_it(client):
    w, subject = proposed_khtnv_for_a_case()
    client.force_login(w.base_staff)
    data = {
        "decide-level": "HTTNV",
        "decide-waive_harmed_standing": "on",
        "decide-why_harmed_standing": "Tự phát hiện, đã khắc phục",
    }
    client.post(url("subject_decide", subject), data)
    assert fresh(subject).decided_level == "HTTNV"
    assert fresh(subject).scores["waived"] == {"harmed_standing": "Tự phát hiện, đã khắc phục"}


def test_r366_rate_6_a_refused_decision_keeps_the_level_chosen_and_the_case_ticked(client):
    """Found by a review (2026-12-08): the points and the whys came back after a refusal, but the
    level went back to "as proposed" and the case's tick was gone, so the next try decided
    something else than what was entered."""
    w, subject = proposed_khtnv_for_a_case()
    client.force_login(w.base_staff)
    data = {
        "decide-points_general": "99",  # out of 30: refused
        "decide-level": "HTTNV",
        "decide-waive_harmed_standing": "on",
        "decide-why_harmed_standing": "Tự phát hiện, đã khắc phục",
    }
    client.post(url("subject_decide", subject), data)
    assert fresh(subject).state == S.PROPOSED
    html = client.get(url("subject", subject)).content.decode()
    assert re.search(r'<option value="HTTNV" selected>', html)
    assert re.search(r'name="decide-waive_harmed_standing" id="waive-harmed_standing" checked>', html)
    assert 'value="Tự phát hiện, đã khắc phục"' in html and 'value="99"' in html
    html = client.get(url("subject", subject)).content.decode()  # read once: a later visit starts afresh
    assert '<option value="HTTNV" selected>' not in html and "checked>" not in html


def test_r366_order_4_a_check_is_ordered_and_concluded_from_the_page(client):
    w = world366()
    subject = proposed(w)
    client.force_login(w.secretary)
    assert (
        client.post(
            url("subject_check", subject), {"check-kind": "complaint", "check-reason": "Đơn"}
        ).status_code
        == 403
    )
    client.force_login(w.base_staff)
    client.post(url("subject_check", subject), {"check-kind": "complaint", "check-reason": "Đơn khiếu nại"})
    flag = CheckFlag.objects.get(subject=subject)
    client.post(url("subject_decide", subject), {})
    assert fresh(subject).state == S.PROPOSED
    client.post(url("subject_check_conclude", subject, flag=flag.pk), {"conclusion": "Không có cơ sở"})
    client.post(url("subject_decide", subject), {})
    assert fresh(subject).state == S.DECIDED


def test_r366_form_letters_the_profile_is_changed_from_the_page(client):
    w = world366()
    subject = w.subject(member=w.members2[1])
    client.force_login(w.secretary2)
    client.post(url("subject_profile", subject), {"profile-profile": "KLD", "profile-reason": "Là viên chức"})
    assert (fresh(subject).profile, fresh(subject).form_code) == ("KLD", "2B")
    assert Event.objects.filter(subject=subject, action="change_profile").exists()


def test_r366_rate_10_the_queue_offers_the_raise_to_the_deciding_committee(client):
    w = world366()
    proposed(w)
    client.force_login(w.base_staff)
    html = client.get(reverse("reviews:queue", args=[w.season.pk])).content.decode()
    assert "queue_raise_quota" not in html and "nang-ty-le" in html
    group = QuotaGroup.objects.filter(season=w.season, decider__organization=w.base).first()
    client.post(
        reverse("reviews:queue_raise_quota", args=[w.season.pk, group.pk]),
        {"percent": "25", "reason": "Vượt kế hoạch"},
    )
    group.refresh_from_db()
    assert group.raised_percent == 25
    # Somebody else's committee may not.
    client.force_login(w.commune_staff)
    response = client.post(
        reverse("reviews:queue_raise_quota", args=[w.season.pk, group.pk]), {"percent": "20", "reason": "x"}
    )
    assert response.status_code == 403


def test_r366_rate_10_a_refused_raise_keeps_its_rate_and_reason(client):
    """R366-RATE-10: a rate above the ceiling is refused; the rate and the reason typed are back in
    the group's form on the queue page it was sent from, the group's rate unchanged."""
    w = world366()
    proposed(w)
    client.force_login(w.base_staff)
    queue = reverse("reviews:queue", args=[w.season.pk])
    offered = re.search(r'id="raise-([0-9]+)"', client.get(queue).content.decode())
    group = QuotaGroup.objects.get(pk=offered.group(1))
    why = "Đơn vị vượt kế hoạch chuyển đổi số, được Tỉnh ủy khen thưởng"
    response = client.post(
        reverse("reviews:queue_raise_quota", args=[w.season.pk, group.pk]),
        {"percent": "90", "reason": why, "next": queue},
        follow=True,
    )
    form = response.content.decode().split(f'id="raise-{group.pk}"')[1].split("</form>")[0]
    assert 'value="90"' in form and f'value="{why}"' in form
    group.refresh_from_db()
    assert group.raised_percent is None
    again = client.get(queue).content.decode()  # read once
    assert why not in again.split(f'id="raise-{group.pk}"')[1].split("</form>")[0]


def test_raising_a_rate_goes_back_only_to_a_page_of_this_site(client):
    """`next` that is no path of this site ("abc" was a URL name to reverse: a server error;
    "//other.example" another site) sends the user back to the queue (config/redirects.py)."""
    w = world366()
    proposed(w)
    client.force_login(w.base_staff)
    group = QuotaGroup.objects.filter(season=w.season, decider__organization=w.base).first()
    raise_url = reverse("reviews:queue_raise_quota", args=[w.season.pk, group.pk])
    queue = reverse("reviews:queue", args=[w.season.pk])
    for back in ("abc", "0", "-1", "//other.example/x", "https://other.example/", ""):
        response = client.post(raise_url, {"percent": "25", "reason": "Vượt kế hoạch", "next": back})
        assert (response.status_code, response["Location"]) == (302, queue), back
    response = client.post(
        raise_url, {"percent": "25", "reason": "Vượt kế hoạch", "next": f"{queue}?kind=member"}
    )
    assert response["Location"] == f"{queue}?kind=member"


def test_r366_step_2_a_result_cancelled_and_decided_again_offers_the_form_03(client):
    w = world366()
    subject = proposed(w)
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(subject))], actor=w.base_staff)
    client.force_login(w.base_staff)
    assert 'value="rerating"' not in client.get(url("subject", subject)).content.decode()
    workflow.cancel(subject=fresh(subject), actor=w.commune_staff, reason="Kết quả chưa đúng")
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(subject), level="HTNV")],
        actor=w.base_staff,
        reason="Đánh giá lại theo kết luận của cấp trên",  # lower than proposed: a reason (R-STEP-1)
    )
    html = client.get(url("subject", subject)).content.decode()
    assert "/rerating/" in html and "Mẫu 03" in html
