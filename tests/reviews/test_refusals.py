"""Refusals in plain words: what blocks, who acts and where, the rule kept out of the text
(R-ORDER-1: no decision before the review meeting is recorded)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from reviews import workflow
from reviews.models import Subject
from tests.reviews.helpers import complete_form, decide

pytestmark = pytest.mark.django_db
S = Subject.State
RULE_CODE = re.compile(r"R(366)?-[A-Z]+-\d")


def submitted_cell1(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for member in w.members1:
        complete_form(w.subject(member=member), w.secretary)


def test_r_order_1_a_decision_before_the_meeting_says_the_meeting_is_not_recorded(world):
    w = world
    submitted_cell1(w)
    member = Subject.objects.select_related("unit").get(pk=w.subject(member=w.members1[2]).pk)
    with translation.override("vi"):
        reasons = workflow.blockers(member, "decide").blockers
        (reason,) = [r for r in reasons if r.rule == "R-ORDER-1"]
        assert reason.startswith(
            "Chưa ghi kết quả hội nghị kiểm điểm: hãy ghi kết quả kiểm điểm tại hội nghị"
        )
        assert "quyết định" in reason and "đang ở trạng thái" not in reason
        assert reason.url == reverse("reviews:meeting", args=[w.season.pk, "CB1"])
        assert reason.who and reason.link
        assert not RULE_CODE.search(reason) and member.name not in reason
        assert not any(RULE_CODE.search(r) for r in reasons)

        with pytest.raises(workflow.WorkflowError) as refused:
            decide([member], w.base_staff, level="HTTNV")
    (sentence,) = [r for r in refused.value.reasons if r.rule == "R-ORDER-1"]
    assert sentence.count(member.name) == 1  # the batch names the subject once, before the reason
    assert "Chưa ghi kết quả hội nghị kiểm điểm" in sentence
    assert w.subject(member=w.members1[2]).state == S.SUBMITTED


def test_a_review_before_the_collectives_report_is_submitted_says_to_submit_form_01(world):
    w = world
    cell = Subject.objects.get(pk=w.subject(unit=w.cell1).pk)
    with translation.override("vi"):
        (reason,) = workflow.blockers(cell, "review").blockers
        assert reason.startswith("Báo cáo kiểm điểm của tập thể (Mẫu 01) chưa được nộp: hãy nộp báo cáo")
    assert reason.url == reverse("reviews:form", args=[w.season.pk, cell.pk])


def test_the_refusal_shows_who_acts_and_links_where_it_is_done(world, client):
    w = world
    submitted_cell1(w)
    client.force_login(w.base_staff)
    member = w.subject(member=w.members1[2])
    with translation.override("vi"):
        page = client.get(reverse("reviews:subject", args=[w.season.pk, member.pk])).content.decode()
    meeting = reverse("reviews:meeting", args=[w.season.pk, "CB1"])
    assert f'href="{meeting}"' in page or "Chưa ghi kết quả hội nghị kiểm điểm" not in page
    assert not RULE_CODE.search(re.sub(r'data-rule="[^"]*"', "", page))


def test_r_order_2_a_member_before_the_cell_links_to_the_meeting_page(world):
    w = world
    submitted_cell1(w)
    member = w.subject(member=w.members1[2])
    (reason,) = [r for r in workflow.blockers(member, "review").blockers if r.rule == "R-ORDER-2"]
    assert reason.url == reverse("reviews:meeting", args=[w.season.pk, "CB1"])
    assert not RULE_CODE.search(reason)
