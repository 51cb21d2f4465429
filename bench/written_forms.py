"""The written forms of the subjects a page bench measures. The bench's season is opened and
decided by SQL, so until 2026-12-07 none of its subjects had a form or self-scores, and the pages
were measured without the answers and scores they read in a real season.

Each measured member first gets the year's pledge the demo's members write (reviews/demo/forms.py),
through the pledge's own steps: acknowledged by the secretary, or only submitted for members still
writing their form. Then one subject of each form code is written and submitted through the
workflow, as the demo's authors write theirs (reviews/demo_points.py), in a transaction that is
rolled back; its answers and scores are given to the measured subjects of that code, with an
answer for each item of their own pledge. Drafts get the first two parts, as a member half-way
through; the others the whole form, submitted, with their self-scores.
"""

import random

LEVEL = "HTTNV"
DRAFT_PARTS = ("I", "II")  # what a member half-way through has written (as fill_366's drafts)


class _RolledBack(Exception):
    pass


def _written(season, form_code: str, actor) -> dict | None:
    """The answers, scores and self-points of one draft subject of `form_code` once written and
    submitted (None when no draft of that code is left); nothing of it is kept."""
    from django.db import transaction

    from reviews import workflow
    from reviews.demo.forms import TEXTS, _pledge
    from reviews.demo_points import fill_366
    from reviews.models import ReviewForm, Subject

    subject = (
        Subject.objects.filter(season=season, form_code=form_code, state="draft", out_of_scope="")
        .exclude(member__pledges__year=season.year)  # its pledge is written below
        .select_related("season__rule_set", "unit", "member")
        .order_by("pk")
        .first()
    )
    if subject is None:
        return None
    found = {}
    try:
        with transaction.atomic():
            if subject.member_id:  # a member's form answers for their pledge (R366 form 2A/2B)
                _pledge(subject.member, season.year, state="acknowledged", secretary=actor)
            fill_366(subject, actor, LEVEL, TEXTS, random.Random(subject.pk))
            subject = workflow.submit_form(subject=subject, actor=actor)
            answers = ReviewForm.objects.get(subject=subject).answers
            found = {
                # a pledge's items belong to its member, not to the subjects the answers are given to
                "answers": {key: value for key, value in answers.items() if not key.startswith("pledge:")},
                "scores": subject.scores,
                "self_points": subject.self_points,
            }
            raise _RolledBack
    except _RolledBack:
        pass
    return found


def write_pledges(season, subject_ids: list[int]) -> int:
    """Give the member of each of `subject_ids` without a pledge for the season's year the demo's
    pledge; the number given."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from members.models import Pledge
    from reviews.demo.forms import _pledge
    from reviews.models import Subject

    subjects = (
        Subject.objects.filter(pk__in=subject_ids, kind="member")
        .exclude(member__pledges__year=season.year)
        .select_related("member")
    )
    actor = get_user_model().objects.get(username="tinhuy")  # may acknowledge every pledge
    given = 0
    with transaction.atomic():
        for subject in subjects:
            state = Pledge.State.SUBMITTED if subject.state == "draft" else Pledge.State.ACKNOWLEDGED
            _pledge(subject.member, season.year, state=state, secretary=actor)
            given += 1
    return given


def _pledge_answers(member_ids: list[int], year: int) -> dict[int, dict]:
    """member id → an answer for each commitment of the member's pledge for `year` (one query)."""
    from members.models import PledgeItem

    found: dict[int, dict] = {}
    items = PledgeItem.objects.filter(pledge__member_id__in=member_ids, pledge__year=year)
    for member_id, pk in items.values_list("pledge__member_id", "pk"):
        found.setdefault(member_id, {})[f"pledge:{pk}"] = {
            "fulfilment": "Đã thực hiện đầy đủ",
            "assessment": "done",
        }
    return found


def write_forms(season, subject_ids: list[int]) -> int:
    """Give each of `subject_ids` without a form the form written for its code; the number given."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from reviews.models import ReviewForm, Subject

    subjects = list(Subject.objects.filter(pk__in=subject_ids, form__isnull=True))
    if not subjects:
        return 0
    actor = get_user_model().objects.get(username="tinhuy")  # may write every form of the province
    written = {code: _written(season, code, actor) for code in {s.form_code for s in subjects}}
    pledged = _pledge_answers([s.member_id for s in subjects if s.member_id], season.year)
    now = timezone.now()
    forms, scored = [], []
    for subject in subjects:
        found = written.get(subject.form_code)
        if not found:
            continue
        draft = subject.state == "draft"
        answers = found["answers"]
        if draft:
            answers = {key: value for key, value in answers.items() if key.split(".")[0] in DRAFT_PARTS}
        else:
            answers = {**answers, **pledged.get(subject.member_id, {})}
        forms.append(
            ReviewForm(
                subject=subject,
                template_code=subject.form_code,
                answers=answers,
                version=len(answers),
                saved_at=now,
                submitted_at=None if draft else now,
            )
        )
        if not draft:
            subject.scores = {**found["scores"], **(subject.scores or {})}
            subject.self_points = (
                subject.self_points if subject.self_points is not None else found["self_points"]
            )
            scored.append(subject)
    with transaction.atomic():
        ReviewForm.objects.bulk_create(forms)
        Subject.objects.bulk_update(scored, ["scores", "self_points"])
    return len(forms)
