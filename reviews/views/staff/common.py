"""What the committee staff's pages share: the order of work, the step that comes next from
each state, and the labels of the flags the rules set on a subject."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from reviews.models import Subject
from reviews.views.typed_back import TypedBack, keep_typed

S = Subject.State
# The order of work, for sorting and for counting subjects per step.
STATE_ORDER = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.ABSENT, S.REVIEWED, S.PROPOSED, S.DECIDED]
# The step that comes next from each state (the engine's step names).
NEXT_STEPS = {
    S.DRAFT: ["submit"],
    S.RETURNED: ["submit"],
    S.SUBMITTED: ["review", "return"],
    S.ABSENT: ["review"],
    S.REVIEWED: ["propose"],
    S.PROPOSED: ["decide"],
}
FLAG_LABELS = {
    "second_khtnv": gettext_lazy(
        "Second consecutive year not completing tasks: the cell considers removal from the roll."
    ),
    "committee_suspended": gettext_lazy(
        "Suspended from the committee's activity: reviewed at the cell on the responsibility held "
        "before the suspension, not in the committee's collective."
    ),
    "rerate_case_by_case": gettext_lazy(
        "Re-rated case by case after a violation found and remedied by the member."
    ),
}


def flag_labels(subject: Subject) -> list[str]:
    return [
        _concurrent_posts_label(value) if key == "concurrent_posts" else str(FLAG_LABELS.get(key, key))
        for key, value in subject.flags.items()
        if value
    ]


def _concurrent_posts_label(posts: list[dict]) -> str:
    """R366-SCOPE-4: where a member with concurrent posts is reviewed besides the cell."""
    there = [p["organization"] for p in posts if p["reviewed_there"]]
    elsewhere = [p["organization"] for p in posts if not p["reviewed_there"]]
    parts = []
    if there:
        parts.append(
            gettext("Concurrent posts: also reviewed in the collective of %(names)s.")
            % {"names": ", ".join(there)}
        )
    if elsewhere:
        parts.append(
            gettext(
                "Not reviewed in the collective of %(names)s: a concurrent post where less working time is spent."
            )
            % {"names": ", ".join(elsewhere)}
        )
    return " ".join(parts)


def back_to_subject(
    request, subject: Subject, *, done: bool, action: str, names=None
) -> HttpResponseRedirect:
    """Back to the subject's page; after a refusal, with what was typed for `action` kept there."""
    url = reverse("reviews:subject", args=[subject.season_id, subject.pk])
    if not done:
        keep_typed(request, url, action, names)
    return redirect(url)


# The form of each action whose typed text a refusal keeps (typed_back), as the subject's page names it.
FORM_OF_ACTION = {
    "propose": "propose",
    "return": "return_proposal",
    "redo": "redo",
    "reopen": "reopen",
    "cancel": "cancel",
    "suggest": "suggest",
    "comment": "outside_comment",
    "decide": "decide_points",
    "check": "check",
    "profile": "profile",
}


def typed_unshown(kept: TypedBack, actions: dict, panel: dict | None) -> list[str]:
    """The text typed before a refusal whose form the page no longer offers (the subject's state
    moved on): shown to be copied, not lost."""
    if kept.action.startswith("conclude-"):
        shown = (
            "check" in actions
            and panel is not None
            and any(c.typed_conclusion for c in panel["checks"] if c.is_open)
        )
    else:
        shown = FORM_OF_ACTION.get(kept.action) in actions
    return [] if shown else kept.texts()
