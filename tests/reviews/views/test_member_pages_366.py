"""The self-review form of a QĐ 366 season: part B with the task list and the points per criterion,
autosaved, the running totals …/30, …/70, …/100 and the level they give (R366-SCORE-1, R366-SCORE-4,
R366-RATE-1/2), bad points refused with the item named and nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from reviews import workflow
from reviews.models import ReviewForm, Subject
from reviews.scoring import Item
from reviews.views.form_points import item_wording
from tests.reviews.helpers import complete_366, fresh, give_pledge
from tests.reviews.test_qd366 import world366

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
S = Subject.State


def url(name, w, subject):
    return reverse(f"reviews:{name}", kwargs={"season": w.season.pk, "subject": subject.pk})


def tasks_post(rows, units_led=False):
    data = {"key": "B.I", "task_text": [], "task_status": [], "task_products": []}
    for text, status, products in rows:
        data["task_text"].append(text)
        data["task_status"].append(status)
        data["task_products"].append(products)
    if units_led:
        data["units_led"] = "on"
    return data


def test_r366_score_1_part_b_shows_the_groups_the_totals_and_the_form_of_the_profile(client):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    html = client.get(url("form", w, subject)).content.decode()
    assert "Mẫu 2C-HD KĐ.ĐG 2025" in html  # a member outside the political system: profile NHT
    assert "Nhóm tiêu chí chung" in html and "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ" in html
    assert 'name="points-general"' in html and 'name="points-tasks"' in html
    assert 'name="task_text"' in html and "…/100" in html

    # Each item says how it is scored and up to what, beside its field and in its group.
    assert '<div class="form-text mt-0" id="hint-points-general">Tối đa 30 điểm.</div>' in html
    assert '<span class="input-group-text">/30</span>' in html
    assert '<span class="input-group-text">/70</span>' in html
    general = html.index('name="points-general"')
    tasks = html.index('name="points-tasks"')
    assert html.index('<legend class="h6">Nhóm tiêu chí chung') < general
    assert general < html.index('<legend class="h6">Nhóm tiêu chí về kết quả') < tasks


@pytest.mark.parametrize(
    ("method", "language", "hint", "most"),
    [
        ("percent", "vi", "Nhập tỷ lệ phần trăm hoàn thành; tối đa 52,5 điểm.", "52,5"),
        ("checklist", "vi", "Đạt: 52,5 điểm; không đạt: 0 điểm.", "52,5"),
        ("points", "vi", "Tối đa 52,5 điểm.", "52,5"),
        ("percent", "en", "Type the percentage achieved; worth up to 52.5 points.", "52.5"),
    ],
)
def test_r366_score_4_an_item_s_hint_names_its_method_and_maximum_in_the_page_s_language(
    method, language, hint, most
):
    item = Item(
        group="tasks", key="t1", title="Kết quả nhiệm vụ chuyên môn", max=Decimal("52.5"), method=method
    )
    with translation.override(language):
        assert item_wording(item) == {"hint": hint, "max_text": most}


def test_r366_score_4_the_task_list_and_the_points_autosave_and_give_the_level(client):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    save = url("form-save", w, subject)
    rows = [(f"Nhiệm vụ {n}", "exceeded" if n < 4 else "on_time", "Báo cáo") for n in range(10)]
    response = client.post(save, tasks_post(rows + [("", "", "")]), headers=HTMX)
    assert 'data-save-state="saved"' in response.content.decode()
    response = client.post(
        save, {"key": "B.II", "points-general": "28,5", "points-tasks": "63"}, headers=HTMX
    )
    html = response.content.decode()
    assert 'id="points-summary"' in html and 'hx-swap-oob="true"' in html
    assert "91,5/100" in html and 'data-points-level="HTXSNV"' in html
    answers = ReviewForm.objects.get(subject=subject).answers
    assert len(answers["B.I"]["tasks"]) == 10 and answers["B.II"]["points"] == {
        "general": "28,5",
        "tasks": "63",
    }
    # Two tasks late: HTXSNV's conditions fail, the page says which and gives the level that holds.
    rows[5] = ("Nhiệm vụ 5", "late", "Báo cáo")
    rows[6] = ("Nhiệm vụ 6", "late", "")
    html = client.post(save, tasks_post(rows), headers=HTMX).content.decode()
    assert 'data-points-level="HTNV"' in html and "Chưa đạt điều kiện HTXSNV" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31", "tối đa 30 điểm"),
        ("-2", "không được âm"),
        ("ba mươi", "không phải là số"),
        ("12,25", "thập phân"),
    ],
)
def test_r366_score_4_bad_points_are_refused_naming_the_item_and_nothing_is_saved(client, typed, message):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    save = url("form-save", w, subject)
    client.post(save, {"key": "B.II", "points-general": "20", "points-tasks": "50"}, headers=HTMX)
    html = client.post(
        save, {"key": "B.II", "points-general": typed, "points-tasks": "55"}, headers=HTMX
    ).content.decode()
    assert 'data-save-state="error"' in html and "Nhóm tiêu chí chung" in html and message in html
    assert ReviewForm.objects.get(subject=subject).answers["B.II"]["points"] == {
        "general": "20",
        "tasks": "50",
    }


def test_r366_score_4_a_task_needs_a_known_status(client):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    html = client.post(url("form-save", w, subject), tasks_post([("Việc 1", "xong rồi", "")]), headers=HTMX)
    assert 'data-save-state="error"' in html.content.decode()
    assert not ReviewForm.objects.filter(subject=subject, answers__has_key="B.I").exists()


def test_r366_score_4_a_form_filled_through_the_page_is_submitted_with_its_points(client):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    complete_366(subject, w.member_user, submit=False)  # part A, the pledge, the self-rating
    save = url("form-save", w, subject)
    client.post(save, tasks_post([("Việc 1", "exceeded", "Đề án"), ("Việc 2", "on_time", "")]), headers=HTMX)
    client.post(save, {"key": "B.II", "points-general": "27", "points-tasks": "60"}, headers=HTMX)
    response = client.post(url("form-submit", w, subject))
    assert response.status_code == 302
    submitted = fresh(subject)
    assert submitted.state == S.SUBMITTED and str(submitted.self_points) == "87.0"


def test_the_366_form_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    give_pledge(w.deputy)
    with django_assert_max_num_queries(22):
        assert client.get(url("form", w, subject)).status_code == 200
    rows = [{"text": f"Việc {n}", "status": "on_time", "products": ""} for n in range(60)]
    workflow.save_answer(subject=subject, actor=w.member_user, key="B.I", value={"tasks": rows})
    with django_assert_max_num_queries(22):
        response = client.get(url("form", w, subject))
    assert response.content.decode().count('name="task_text"') == 60 + 3 + 1  # rows, blanks, template


def test_an_autosave_runs_the_same_queries_for_a_short_and_a_long_form(client, django_assert_num_queries):
    """The request a season sends most (issue "Province-scale speed", bench/autosaves.py): the
    session, the user, the season, the subject, then in one transaction (a savepoint here) the
    subject locked, the form locked and written: nine, whatever the form already holds."""
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    save = url("form-save", w, subject)
    client.post(save, {"key": "I.1", "text": "Bản nháp"}, headers=HTMX)  # the first save creates the form
    with django_assert_num_queries(9):
        assert (
            client.post(save, {"key": "I.1", "text": "Giữ vững lập trường"}, headers=HTMX).status_code == 200
        )
    rows = [{"text": f"Việc {n}", "status": "on_time", "products": ""} for n in range(60)]
    workflow.save_answer(subject=subject, actor=w.member_user, key="B.I", value={"tasks": rows})
    with django_assert_num_queries(9):
        assert client.post(save, {"key": "II.1", "text": "Hạn chế"}, headers=HTMX).status_code == 200
    assert fresh(subject).form.answers["I.1"] == {"text": "Giữ vững lập trường"}


def test_the_years_quarters_on_the_form_cost_no_query_of_their_own(client):
    """R366-QTR-1, R366-QTR-4: the year shows a member's quarters when their profile is evaluated
    quarterly (read with the season, reviews/open_seasons.py) or when a quarter of theirs is recorded
    (a leader moved to another profile keeps them; read with the subject): the form of a member
    never evaluated quarterly reads no quarter row of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    client.get(url("form", w, subject))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("form", w, subject)).status_code == 200
    quarter_reads = [
        q for q in queries.captured_queries if 'FROM "reviews_quarter' in q["sql"].split("EXISTS")[0]
    ]
    assert not quarter_reads
    assert len(queries) == 7
