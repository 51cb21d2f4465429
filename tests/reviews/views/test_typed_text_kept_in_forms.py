"""No user loses what they typed when a step is refused, on the pages where an author writes: the
remediation plan, and the self-review saved without JavaScript. What was typed comes back in its
field while the form is still offered, else to be copied; nothing was saved."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import RemediationPlan, ReviewForm
from reviews.services import issue_suggestion
from reviews.views.form_answers import MAX_TEXT
from tests.reviews.helpers import complete_form, fresh, give_pledge, textareas
from tests.reviews.views.test_followup_pages import reviewed_deputy
from tests.reviews.views.test_typed_text_kept import TYPED, client_for, in_a_field

pytestmark = pytest.mark.django_db
COPY_IT = "What you typed was not saved; copy it if you still need it:"


# -- the remediation plan -------------------------------------------------------------------------


def _plan(**items) -> dict:
    return {"item-TOTAL_FORMS": "5", "item-INITIAL_FORMS": "0", **items}


def test_a_plan_sent_again_after_its_submission_is_shown_to_be_copied(world):
    """Submitted meanwhile, in another tab: the plan's form is gone (progress is recorded per
    item), so each item typed is shown to be copied, with who and by when."""
    deputy = reviewed_deputy(world)
    url = reverse("reviews:remediation", args=[world.season.pk, deputy.pk])
    services.submit_remediation_plan(subject=deputy, actor=world.member_user, items=[{"text": "Học tin học"}])
    data = _plan(
        **{"item-0-text": TYPED, "item-0-owner": "Phạm Thị Lan", "item-0-due_on": "30/06/2027"},
        **{"item-1-text": "Tham gia đầy đủ sinh hoạt chi bộ"},
    )
    response = client_for(world.member_user).post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The plan has been submitted; record the progress of each item instead." in page
    assert 'name="item-0-text"' not in page  # the form is gone…
    assert COPY_IT in page  # …so what was typed is shown to be copied
    assert in_a_field(page, TYPED) and "Phạm Thị Lan" in page and "30/06/2027" in page
    assert "Tham gia đầy đủ sinh hoạt chi bộ" in page
    plan = RemediationPlan.objects.get(subject=deputy)
    assert list(plan.items.values_list("text", flat=True)) == ["Học tin học"]


def test_a_plan_with_a_wrong_date_comes_back_in_its_form(world):
    """Before the plan is submitted a refusal keeps the form, filled as typed."""
    deputy = reviewed_deputy(world)
    url = reverse("reviews:remediation", args=[world.season.pk, deputy.pk])
    data = _plan(**{"item-0-text": TYPED, "item-0-due_on": "31/02/2027"})
    page = client_for(world.member_user).post(url, data).content.decode()
    assert in_a_field(page, TYPED) and 'value="31/02/2027"' in page and COPY_IT not in page
    assert not RemediationPlan.objects.filter(subject=deputy, submitted_at__isnull=False).exists()


# -- the self-review, saved without JavaScript ----------------------------------------------------
# Each item's form posts to the save URL; with JavaScript the answer of a refusal stays in the
# field (htmx swaps only the status), without it the page is loaded again: the answer comes back.


def _form_url(w, subject, name="form", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"season": w.season.pk, "subject": subject.pk, **kwargs})


def _save_without_javascript(w, subject, data, name="form-save", **kwargs):
    return client_for(w.member_user).post(_form_url(w, subject, name, **kwargs), data, follow=True)


def test_an_answer_sent_to_a_form_submitted_meanwhile_is_shown_to_be_copied(world):
    deputy = world.subject(member=world.deputy)
    complete_form(deputy, world.member_user)  # submitted in another tab
    response = _save_without_javascript(world, deputy, {"key": "II.1", "text": TYPED})
    page = response.content.decode()
    assert "data-read-only" in page and 'name="text"' not in page  # the form is read only…
    assert COPY_IT in page and in_a_field(page, TYPED)  # …so the answer is shown to be copied
    assert fresh(deputy).form.answers["II.1"] == {"text": "Nội dung mục II.1"}
    again = client_for(world.member_user).get(_form_url(world, deputy)).content.decode()
    assert not in_a_field(again, TYPED)  # read once


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        ({"key": "I.1", "text": TYPED, "grade": "very-good"}, "Choose one of the options offered."),
        ({"key": "II.1", "text": TYPED + " " + "x" * MAX_TEXT}, "This text is too long"),
    ],
    ids=["a grade not offered", "a text too long"],
)
def test_an_answer_refused_on_an_editable_form_comes_back_in_its_field(world, data, refusal):
    deputy = world.subject(member=world.deputy)
    response = _save_without_javascript(world, deputy, data)
    page = response.content.decode()
    assert refusal in page and COPY_IT not in page
    dom = data["key"].replace(".", "-")
    assert textareas(page[page.index(f'id="item-{dom}"') :], "text")[0] == data["text"]
    assert not ReviewForm.objects.filter(subject=deputy).exclude(answers={}).exists()


def test_a_pledge_commitment_refused_comes_back_in_its_field(world):
    deputy = world.subject(member=world.deputy)
    commitment = give_pledge(world.deputy).items.first()
    data = {"key": f"pledge:{commitment.pk}", "fulfilment": TYPED, "assessment": "all of it"}
    page = _save_without_javascript(world, deputy, data).content.decode()
    assert "Choose one of the options offered." in page
    assert textareas(page, "fulfilment")[0] == TYPED


def test_an_explanation_of_a_suggestion_refused_is_kept(world):
    """Section IV: the explanation comes back in its field while the form is editable, to be
    copied once it was submitted."""
    deputy = world.subject(member=world.deputy)
    suggestion = issue_suggestion(subject=deputy, actor=world.base_staff, text="Làm rõ việc chậm báo cáo")
    too_long = TYPED + " " + "x" * MAX_TEXT
    answer = {"name": "form-answer", "suggestion": suggestion.pk}
    page = _save_without_javascript(world, deputy, {"answer": too_long}, **answer).content.decode()
    assert "This text is too long" in page and textareas(page, "answer") == [too_long]

    services.answer_suggestion(suggestion=suggestion, actor=world.member_user, answer="Đã giải trình")
    complete_form(fresh(deputy), world.member_user)  # submitted in another tab
    page = _save_without_javascript(world, deputy, {"answer": TYPED}, **answer).content.decode()
    assert "The review has been submitted; it cannot be changed now." in page
    assert COPY_IT in page and in_a_field(page, TYPED)
    suggestion.refresh_from_db()
    assert suggestion.answer == "Đã giải trình"


def test_a_task_list_refused_comes_back_row_by_row():
    """Part B under QĐ 366: a task whose end is not one offered refuses the list; every row comes
    back as typed, the blank rows to add more after them."""
    from tests.reviews.test_qd366 import world366
    from tests.reviews.views.test_member_pages_366 import tasks_post

    w = world366()
    deputy = w.subject(member=w.deputy)
    rows = [(TYPED, "on_time", "Đề án"), ("Việc 2", "xong rồi", "Báo cáo quý")]
    page = _save_without_javascript(w, deputy, tasks_post(rows)).content.decode()
    assert "Task 2: choose how it ended from the list." in page
    assert textareas(page, "task_text")[:3] == [TYPED, "Việc 2", ""]
    assert textareas(page, "task_products")[:2] == ["Đề án", "Báo cáo quý"]
    assert '<option value="on_time" selected>' in page
    assert not ReviewForm.objects.filter(subject=deputy, answers__has_key="B.I").exists()


def test_points_refused_come_back_as_typed():
    """Part B's points: one above its maximum refuses them all; each comes back in its field."""
    from tests.reviews.test_qd366 import world366

    w = world366()
    deputy = w.subject(member=w.deputy)
    data = {"key": "B.II", "points-general": "35", "points-tasks": "60,5"}
    page = _save_without_javascript(w, deputy, data).content.decode()
    general = page.index('name="points-general"')
    assert 'value="35"' in page[general : page.index(">", general)]
    tasks = page.index('name="points-tasks"')
    assert 'value="60,5"' in page[tasks : page.index(">", tasks)]
    assert not ReviewForm.objects.filter(subject=deputy, answers__has_key="B.II").exists()
