"""The meeting page of a QĐ 366 season: the appraisal beside each member's row — the appraised
points per criterion starting from the member's own, the KHTNV cases with their evidence, the
proposal refused with the engine's reasons (R366-SCORE-4, R366-RATE-1/2/6)."""

import pytest
from django.urls import reverse

from reviews.models import Subject
from tests.reviews.helpers import complete_366, fresh, review, task_rows
from tests.reviews.test_qd366 import world366

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
S = Subject.State


def reviewed(w):
    cell = w.subject(unit=w.cell1)
    complete_366(cell, w.secretary)
    members = [complete_366(w.subject(member=m), w.secretary, units_led=True) for m in w.members1]
    review(fresh(cell), w.secretary, [fresh(m) for m in members])
    return [fresh(m) for m in members]


def row_url(w, subject):
    return reverse("reviews:meeting_row", args=[w.season.pk, "CB1", subject.pk])


def test_r366_score_4_the_meeting_row_shows_the_members_points_to_appraise(client):
    w = world366()
    members = reviewed(w)
    client.force_login(w.secretary)
    html = client.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    subject = members[2]
    assert f'name="{subject.pk}-points_general" value="27"' in html
    assert f'name="{subject.pk}-case_harmed_standing"' in html and "(87/100)" in html


def test_r366_score_4_the_appraised_points_go_with_the_proposal(client):
    w = world366()
    subject = reviewed(w)[2]
    client.force_login(w.secretary)
    data = {
        f"{subject.pk}-level": "HTTNV",
        f"{subject.pk}-points_general": "26,5",
        f"{subject.pk}-points_tasks": "59",
    }
    html = client.post(row_url(w, subject), data, headers=HTMX).content.decode()
    assert "js-refused" not in html
    proposed = fresh(subject)
    assert proposed.state == S.PROPOSED and str(proposed.proposed_points) == "85.5"


def test_r366_score_4_bad_appraised_points_are_refused_naming_the_item(client):
    w = world366()
    subject = reviewed(w)[2]
    client.force_login(w.secretary)
    data = {
        f"{subject.pk}-level": "HTTNV",
        f"{subject.pk}-points_general": "35",
        f"{subject.pk}-points_tasks": "60",
    }
    html = client.post(row_url(w, subject), data, headers=HTMX).content.decode()
    assert "js-refused" in html and "Nhóm tiêu chí chung" in html and "tối đa 30 điểm" in html
    assert fresh(subject).state == S.REVIEWED


def test_r366_rate_6_a_ticked_case_needs_its_evidence_and_makes_the_level_khtnv(client):
    w = world366()
    subject = reviewed(w)[3]
    client.force_login(w.secretary)
    case = {f"{subject.pk}-case_harmed_standing": "on"}
    html = client.post(
        row_url(w, subject), {f"{subject.pk}-level": "KHTNV", **case}, headers=HTMX
    ).content.decode()
    assert "js-refused" in html and "Hãy ghi căn cứ" in html
    html = client.post(
        row_url(w, subject),
        {f"{subject.pk}-level": "HTTNV", **case, f"{subject.pk}-evidence_harmed_standing": "Kết luận số 3"},
        headers=HTMX,
    ).content.decode()
    assert "js-refused" in html and "phải xếp loại KHTNV" in html
    client.post(
        row_url(w, subject),
        {f"{subject.pk}-level": "KHTNV", **case, f"{subject.pk}-evidence_harmed_standing": "Kết luận số 3"},
        headers=HTMX,
    )
    assert fresh(subject).proposed_level == "KHTNV"
    assert fresh(subject).scores["cases"] == {"harmed_standing": "Kết luận số 3"}


def test_r366_rate_2_the_appraisal_says_which_condition_fails(client):
    w = world366()
    cell = w.subject(unit=w.cell1)
    complete_366(cell, w.secretary)
    late = complete_366(
        w.subject(member=w.members1[2]),
        w.secretary,
        tasks=task_rows(7, 1, late=2),
        level="HTNV",
        units_led=True,
    )
    client.force_login(w.secretary)
    html = client.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    start = html.index(f'id="row-{late.pk}"')
    row = html[start : html.index("</tbody>", start)]
    assert "Chưa đạt điều kiện HTTNV" in row and "80% nhiệm vụ hoàn thành đúng hạn" in row
    assert "Đạt điều kiện HTNV" in row
