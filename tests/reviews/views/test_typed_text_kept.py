"""No user loses what they typed when a step is refused: the page they land on holds the text, and
nothing was saved. Found by a sweep of the demo's forms (2026-12-08): the meeting's rows typed
without an outcome, and the actions of a subject's page that redirect after a refusal."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import Decision, FormerCellComment, MeetingEntry, Subject, Suggestion
from reviews.views import typed_back
from tests.reviews.helpers import CIRCULATED, MEETING_DAY, complete_form, decide, fresh, textareas
from tests.reviews.views.test_staff_pages import proposed, reviewed

pytestmark = pytest.mark.django_db
S = Subject.State
TYPED = "Đồng chí cần sửa lại phần tự đánh giá về kết quả thực hiện nhiệm vụ"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def season_url(name, w, *args):
    return reverse(f"reviews:{name}", args=[w.season.pk, *args])


def in_a_field(page: str, text: str) -> bool:
    """The text is in a textarea or an input's value, not only in a message."""
    return any(text in part.split("</textarea>")[0] for part in page.split("<textarea")[1:]) or (
        f'value="{text}"' in page
    )


# -- the meeting's rows: comments typed, no outcome chosen ----------------------------------------


def _meeting_ready(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    complete_form(w.subject(member=w.head), w.secretary)
    header = {
        "held_on": MEETING_DAY.isoformat(),
        "draft_circulated_on": CIRCULATED.isoformat(),
        "present": "6",
        "total": "7",
    }
    assert client_for(w.secretary).post(season_url("meeting", w, "CB1"), header).status_code == 302
    return w.subject(member=w.head)


def _typed_row(head) -> dict:
    return {f"{head.pk}-outcome": "", f"{head.pk}-comments": TYPED, f"{head.pk}-assessment": TYPED + "."}


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx row", "row without JavaScript"])
def test_a_row_typed_without_an_outcome_comes_back_with_its_text(world, htmx):
    head = _meeting_ready(world)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(world.secretary).post(
        season_url("meeting_row", world, "CB1", head.pk), _typed_row(head), headers=headers
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert in_a_field(page, TYPED) and in_a_field(page, TYPED + ".")
    assert "choose the outcome (reviewed or absent) to record what was typed." in page
    assert fresh(head).state == S.SUBMITTED and not MeetingEntry.objects.filter(subject=head).exists()


def test_votes_typed_without_an_outcome_come_back(world):
    """Found by a review (2026-12-08): a row with only its votes typed was "nothing to save"."""
    head = _meeting_ready(world)
    codes = world.season.rule_set.level_codes()
    votes = {f"{head.pk}-votes_{code}": str(n) for n, code in zip((5, 1, 0, 0), codes, strict=False)}
    response = client_for(world.secretary).post(
        season_url("meeting_row", world, "CB1", head.pk), {f"{head.pk}-outcome": "", **votes}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "choose the outcome (reviewed or absent) to record what was typed." in page
    assert all(f'name="{name}" value="{value}"' in page for name, value in votes.items())
    assert not MeetingEntry.objects.filter(subject=head).exists()


def test_save_all_with_a_row_typed_without_an_outcome_saves_nothing(world):
    head = _meeting_ready(world)
    deputy = world.subject(member=world.deputy)
    complete_form(deputy, world.secretary)
    data = {**_typed_row(head), f"{deputy.pk}-outcome": "absent", f"{deputy.pk}-absent_reason": "Ốm"}
    response = client_for(world.secretary).post(season_url("meeting_rows", world, "CB1"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{head.name}: choose the outcome (reviewed or absent) to record what was typed." in page
    assert in_a_field(page, TYPED)
    assert not MeetingEntry.objects.filter(subject__in=[head, deputy]).exists()
    assert fresh(deputy).state == S.SUBMITTED


# -- the cell board: a submitted review returned for rework ----------------------------------------


def _return_on_the_board(w, subject, reason=TYPED):
    url = reverse("reviews:cell_return_form", args=[w.season.pk, "CB1", subject.pk])
    return client_for(w.secretary).post(url, {"reason": reason}, follow=True)


def test_a_return_refused_once_the_review_moved_on_is_shown_to_be_copied(world):
    member = world.subject(member=world.members1[2])
    complete_form(member, world.secretary)
    workflow.return_form(subject=member, actor=world.secretary, reason="Bổ sung mục II.")  # another tab
    response = _return_on_the_board(world, member)
    page = response.content.decode()
    assert "is not possible now" in page  # the engine's reason
    assert f'id="reason-{member.pk}"' not in page  # the row's form is gone…
    assert "What you typed was not saved; copy it if you still need it:" in page
    assert in_a_field(page, TYPED)  # …so the reason is shown to be copied
    assert not world.season.events.filter(subject=member, reason=TYPED).exists()
    # Read once: the next visit shows the board without it.
    again = client_for(world.secretary).get(response.request["PATH_INFO"]).content.decode()
    assert not in_a_field(again, TYPED)


def test_a_return_refused_while_the_row_still_offers_it_reopens_the_rows_form(world, monkeypatch):
    """A refusal that leaves the review returnable (a rule of the engine): the row's return opens
    with the reason in its textarea, not in a box apart."""
    member = world.subject(member=world.members1[2])
    complete_form(member, world.secretary)

    def refused(**_kwargs):
        raise workflow.WorkflowError(["Chưa thể trả lại lúc này."])

    monkeypatch.setattr(workflow, "return_form", refused)
    page = _return_on_the_board(world, member).content.decode()
    assert "Chưa thể trả lại lúc này." in page
    row = page[page.index(f'id="member-{member.member_id}"') :]
    row = row[: row.index("</tr>")]
    assert re.search(r"<details[^>]* open>", row) and textareas(row, "reason") == [TYPED]
    assert "What you typed was not saved" not in page
    assert fresh(member).state == S.SUBMITTED


# -- the subject's page: a refused action brings its text back -------------------------------------


def test_comments_of_another_cell_with_an_impossible_date_come_back_in_the_form(world):
    member = world.subject(member=world.members1[3])
    Subject.objects.filter(pk=member.pk).update(needs_former_cell_comment=True)
    data = {
        "comment-source": "former",
        "comment-from_name": "Chi bộ Tổ Lý - Hóa",
        "comment-text": TYPED,
        "comment-received_on": "31/02/2026",
    }
    client = client_for(world.secretary)
    response = client.post(season_url("subject_outside_comment", world, member.pk), data, follow=True)
    page = response.content.decode()
    assert "Received on: Enter a valid date." in page  # names the field that is wrong
    assert in_a_field(page, TYPED) and in_a_field(page, "Chi bộ Tổ Lý - Hóa")
    assert not FormerCellComment.objects.exists()
    # Read once: the next visit shows the empty form.
    assert not in_a_field(client.get(season_url("subject", world, member.pk)).content.decode(), TYPED)


def test_text_kept_and_not_read_at_once_does_not_come_back_later(world):
    """Kept text is read by the page the refusal redirects to; left unread (that page no longer
    offers the form), it must not fill a form long after, when its values no longer apply."""
    member = world.subject(member=world.members1[3])
    Subject.objects.filter(pk=member.pk).update(needs_former_cell_comment=True)
    data = {"comment-source": "former", "comment-text": TYPED, "comment-received_on": "31/02/2026"}
    client = client_for(world.secretary)
    client.post(season_url("subject_outside_comment", world, member.pk), data)
    session = client.session
    session[typed_back.SESSION_KEY]["at"] -= typed_back.KEPT_SECONDS + 1
    session.save()
    page = client.get(season_url("subject", world, member.pk)).content.decode()
    assert "comment-text" in page and not in_a_field(page, TYPED)
    assert typed_back.SESSION_KEY not in client.session


def test_a_refused_return_of_a_proposal_keeps_its_reason_in_the_form(world):
    proposed(world)
    member = world.subject(unit=world.cell1)
    client = client_for(world.base_staff)
    decide([member], world.base_staff)  # decided meanwhile, in another tab
    response = client.post(
        season_url("subject_return_proposal", world, member.pk), {"return-reason": TYPED}, follow=True
    )
    page = response.content.decode()
    assert "return_proposal" not in response.context["actions"]  # the form is no longer offered…
    assert "What you typed was not saved; copy it if you still need it:" in page
    assert in_a_field(page, TYPED)  # …so the text is shown to be copied
    assert fresh(member).state == S.DECIDED


def test_a_suggestion_refused_as_too_late_is_shown_to_be_copied(world):
    reviewed(world)
    later = world.subject(member=world.members1[4])
    response = client_for(world.base_staff).post(
        season_url("subject_suggest", world, later.pk), {"suggest-text": TYPED}, follow=True
    )
    page = response.content.decode()
    assert later.name in page  # the engine's reason
    assert in_a_field(page, TYPED) and not Suggestion.objects.filter(subject=later).exists()


def test_reopening_twice_keeps_the_second_reason(world):
    proposed(world)
    cell = world.subject(unit=world.cell1)
    decide([cell], world.base_staff)
    client = client_for(world.base_staff)
    client.post(season_url("subject_reopen", world, cell.pk), {"reopen-reason": "Sai sót khi tổng hợp"})
    response = client.post(
        season_url("subject_reopen", world, cell.pk), {"reopen-reason": TYPED}, follow=True
    )
    assert in_a_field(response.content.decode(), TYPED)
    assert Decision.objects.filter(subject=cell).count() == 1


# -- a quarter's evaluation (R366-QTR-2): the decision ------------------------------


@pytest.fixture
def quarter_submitted(db):
    from reviews.quarters import services
    from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    return w, evaluation(w, w.deputy)


@pytest.mark.parametrize("back", ["list", "form"])
def test_a_refused_quarter_decision_comes_back_as_typed(quarter_submitted, back):
    """R366-QTR-2: points above the band of the level refuse the decision; the points, the level
    and the comment typed are back in the decide form (of the list or of form 05), nothing saved."""
    w, evaluation = quarter_submitted
    client = client_for(w.base_staff)
    response = client.post(
        season_url("quarter-decide", w, evaluation.pk),
        {"general": "20", "tasks": "45", "level": "HTTNV", "comment": TYPED, "back": back},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "65" in page  # the refusal names the points
    assert in_a_field(page, TYPED)
    assert 'value="20"' in page and 'value="45"' in page
    stored = type(evaluation).objects.get(pk=evaluation.pk)
    assert (stored.state, stored.comment, stored.decided_level) == (evaluation.state, "", "")
    again = client.get(response.request["PATH_INFO"]).content.decode()
    assert not in_a_field(again, TYPED)  # read once


QUARTER_STEPS = {
    "quarter-return": {"reason": TYPED},
    "quarter-decide": {"general": "25", "tasks": "60", "level": "HTTNV", "comment": TYPED},
}


@pytest.mark.parametrize("step", QUARTER_STEPS)
@pytest.mark.parametrize("back", ["list", "form"])
def test_a_quarter_step_refused_once_evaluated_is_shown_to_be_copied(quarter_submitted, back, step):
    """Evaluated meanwhile, in another tab: the quarter's forms are gone from the list and from
    form 05, so the reason (or the comment) typed is shown to be copied there; nothing saved."""
    from reviews.quarters import services

    w, evaluation = quarter_submitted
    services.decide_quarter(
        evaluation=evaluation, actor=w.base_staff, general="24", tasks="62", level="HTTNV", comment="Tốt"
    )
    client = client_for(w.base_staff)
    response = client.post(
        season_url(step, w, evaluation.pk), {**QUARTER_STEPS[step], "back": back}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200 and f'id="r-{evaluation.pk}"' not in page
    assert "What you typed was not saved; copy it if you still need it:" in page
    assert in_a_field(page, TYPED)
    stored = type(evaluation).objects.get(pk=evaluation.pk)
    assert (stored.state, stored.return_reason, stored.comment) == (stored.State.DECIDED, "", "Tốt")
    again = client.get(response.request["PATH_INFO"]).content.decode()
    assert not in_a_field(again, TYPED)  # read once


@pytest.mark.parametrize("back", ["list", "form"])
def test_a_quarter_return_refused_while_waiting_keeps_its_reason_in_the_form(
    quarter_submitted, back, monkeypatch
):
    """A refusal that leaves the self-assessment waiting (a rule of the service): the reason is
    back in the return's field of the evaluation it was typed for."""
    from reviews.quarters import services

    w, evaluation = quarter_submitted

    def refused(**_kwargs):
        raise workflow.WorkflowError(["Chưa thể trả lại lúc này."])

    monkeypatch.setattr(services, "return_quarter_evaluation", refused)
    response = client_for(w.base_staff).post(
        season_url("quarter-return", w, evaluation.pk), {"reason": TYPED, "back": back}, follow=True
    )
    page = response.content.decode()
    assert "Chưa thể trả lại lúc này." in page
    assert f'id="r-{evaluation.pk}" name="reason" value="{TYPED}"' in page
    assert "What you typed was not saved" not in page


# -- the approval queue: a decision sent with nothing ticked ---------------------------------------


def test_a_queue_decision_with_nothing_ticked_keeps_the_reason_and_the_levels_chosen(world):
    """R-STEP-1: "tick the ratings first" refuses the decision; the reason typed for it and the
    level chosen in a row are back on the queue's page, nothing decided."""
    w = world
    proposed(w)
    target = w.subject(member=w.members1[0])
    response = client_for(w.base_staff).post(
        season_url("queue_decide", w),
        {f"level-{target.pk}": "HTNV", "reason": TYPED},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Tick the ratings to decide first." in page
    assert in_a_field(page, TYPED)
    row = page[page.index(f'id="level-{target.pk}"') :]
    assert '<option value="HTNV" selected>' in row[: row.index("</select>")]
    assert fresh(target).state == S.PROPOSED
