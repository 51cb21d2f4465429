"""What a leader or a managing body types into a quarter's points and level (R366-QTR-2,
R366-SCORE-4), and the year form's points that share the same checking: anything but digits with at
most one decimal comma or dot, or a level not of the rule set, is refused with a sentence naming the
field — never a server error, never saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.models import QuarterlyEvaluation, ReviewForm
from reviews.quarters import services
from tests.reviews.test_qd366 import world366
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
E = QuarterlyEvaluation.State
NOT_DIGITS = "không phải là số: chỉ gõ chữ số"


@pytest.fixture
def qw(db):
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    return w


OVER = "Nhóm tiêu chí chung: Tiêu chí này được tối đa 30 điểm."


def deputys_quarter_save(w, client) -> str:
    """The deputy signed in; the address their Q2 form's fields are saved to."""
    client.force_login(w.member_user)
    return reverse("reviews:quarter-save", args=[w.season.pk, evaluation(w, w.deputy).pk])


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        (typed, f"Nhóm tiêu chí chung: “{typed}” {NOT_DIGITS}")
        for typed in ("1e100", "1e1", "1E+1", "NaN", "2_5")
    ]
    + [("22,5,1", NOT_DIGITS), ("Infinity", NOT_DIGITS), ("1" * 40, OVER), ("1" * 40 + ",5", OVER)],
)
def test_r366_qtr_2_points_that_are_not_plain_digits_are_refused_naming_the_field(qw, client, typed, refusal):
    w = qw
    save = deputys_quarter_save(w, client)
    answer = client.post(save, {"field": "self_general", "value": typed}, headers=HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and 'data-save-state="error"' in html
    assert refusal in html
    assert evaluation(w, w.deputy).self_general is None


@pytest.mark.parametrize(
    ("typed", "points"), [("22,5", Decimal("22.5")), ("22.5", Decimal("22.5")), ("7", 7)]
)
def test_r366_qtr_2_digits_with_a_decimal_comma_or_dot_are_saved(qw, client, typed, points):
    w = qw
    save = deputys_quarter_save(w, client)
    answer = client.post(save, {"field": "self_general", "value": typed}, headers=HTMX)
    assert 'data-save-state="saved"' in answer.content.decode()
    assert evaluation(w, w.deputy).self_general == points


@pytest.mark.parametrize("typed", ["X" * 17, "ABC", "httnv"])
def test_r366_qtr_2_a_proposed_level_not_of_the_rule_set_is_refused_and_not_saved(qw, client, typed):
    w = qw
    save = deputys_quarter_save(w, client)
    answer = client.post(save, {"field": "self_level", "value": typed}, headers=HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and 'data-save-state="error"' in html
    assert "Mức đề xuất: hãy chọn một mức trong danh sách." in html
    assert evaluation(w, w.deputy).self_level == ""
    # Without htmx: back to the form with the same sentence, still nothing saved.
    page = client.post(save, {"field": "self_level", "value": typed}, follow=True)
    assert (
        page.status_code == 200 and "Mức đề xuất: hãy chọn một mức trong danh sách." in page.content.decode()
    )
    assert evaluation(w, w.deputy).self_level == ""
    # A level of the list, and clearing it, are saved.
    client.post(save, {"field": "self_level", "value": "HTTNV"}, headers=HTMX)
    assert evaluation(w, w.deputy).self_level == "HTTNV"
    client.post(save, {"field": "self_level", "value": ""}, headers=HTMX)
    assert evaluation(w, w.deputy).self_level == ""


@pytest.mark.parametrize("typed", ["1e100", "1e1"])
def test_r366_qtr_2_the_managing_body_s_points_are_checked_the_same_way(qw, client, typed):
    w = qw
    self_assess(w, w.deputy, w.member_user)
    mine = evaluation(w, w.deputy)
    client.force_login(w.base_staff)
    decide = reverse("reviews:quarter-decide", args=[w.season.pk, mine.pk])
    refused = client.post(
        decide, {"general": typed, "tasks": "60", "level": "HTTNV", "back": "list"}, follow=True
    )
    assert refused.status_code == 200 and NOT_DIGITS in refused.content.decode()
    assert evaluation(w, w.deputy).state == E.SUBMITTED and evaluation(w, w.deputy).decided_points is None


@pytest.mark.parametrize("typed", ["1e100", "1e1"])
def test_r366_score_4_the_year_form_refuses_points_that_are_not_plain_digits(client, typed):
    w = world366()
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    save = reverse("reviews:form-save", kwargs={"season": w.season.pk, "subject": subject.pk})
    answer = client.post(save, {"key": "B.II", "points-general": typed, "points-tasks": "63"}, headers=HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and 'data-save-state="error"' in html and NOT_DIGITS in html
    form = ReviewForm.objects.filter(subject=subject).first()
    assert form is None or "B.II" not in form.answers
