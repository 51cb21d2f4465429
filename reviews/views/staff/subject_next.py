"""The subject page's "what comes next": for each step the subject can take next, what the rules
say about it and who takes it, where (both from the engine: reviews.workflow, reviews.refusals);
and the way to the form for whoever may write it while it is being written."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy

from reviews import access, rules, workflow
from reviews.facts import Facts
from reviews.models import Subject
from reviews.refusals import Reason, whose_move
from reviews.views.staff.common import NEXT_STEPS

STEP_NAMES = {
    "submit": gettext_lazy("Submit the review"),
    "review": gettext_lazy("Record the review meeting"),
    "return": gettext_lazy("Return the review for rework"),
    "propose": gettext_lazy("Propose a rating"),
    "decide": gettext_lazy("Decide the rating"),
}


@dataclass
class NextStep:
    step: str
    label: str
    verdict: rules.Verdict
    who: Reason | None  # who takes the step, and where


def next_steps(subject: Subject, facts: Facts) -> list[NextStep]:
    """What the rules say about each step the subject can take next, and who takes it (the role
    of the reader is not asked here: the actions beside are offered only to those it allows)."""
    steps = []
    for step in NEXT_STEPS.get(subject.state, []):
        verdict = workflow.blockers(subject, step, facts=facts)
        steps.append(NextStep(step, STEP_NAMES[step], verdict, whose_move(subject, step)))
    return steps


def write_action(user, subject: Subject) -> str:
    """The form's address while it is being written, for a user who may write it (its author, the
    cell secretary or committee staff for a member; the secretary or staff for a collective's
    report); "" for anyone else."""
    if (
        subject.in_scope
        and subject.state in workflow.EDITABLE
        and access.may_edit_form(user, subject) is None
    ):
        return reverse("reviews:form", args=[subject.season_id, subject.pk])
    return ""
