"""The workflow engine: every step a subject takes is one function here.

Each transition (1) locks the rows it depends on (`select_for_update`: the subjects, and for
decisions the quota groups' anchor rows), (2) asks every guard again, (3) applies the change and
(4) appends an event (who, when, from, to, why, rule set) to the season's hash chain, all in one
transaction. Guards give reasons, not booleans; `blockers()` gives the UI the same reasons
before the user clicks. Nothing here knows about HTTP, views or forms.

States: draft → submitted → reviewed → proposed → decided; returned (back to the author, with a
reason); absent (not yet reviewed, R-SCOPE-6); reopened/cancelled decisions go back to proposed.

This module holds what every step shares: the errors, the locks, the events and `blockers()`;
the steps are in the modules beside it, by stage.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews import access, rules, scoring
from reviews.audit import append_event
from reviews.facts import Facts
from reviews.leave_rules import leave_notes
from reviews.models import Season, Subject
from reviews.refusals import as_reason, state_reason
from reviews.regimes import regime_of

S = Subject.State
EDITABLE = (S.DRAFT, S.RETURNED)


class WorkflowError(Exception):
    """A refused step. `reasons` are sentences for the user, naming what blocks."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class NotAllowed(WorkflowError):
    """The user's role does not allow this step on this subject (a view answers 403)."""


def _refuse_if(reasons: list[str]) -> None:
    if reasons:
        raise WorkflowError(reasons)


def allow(refusal: str | None) -> None:
    """Raise NotAllowed with the access module's sentence, if it gave one."""
    if refusal:
        raise NotAllowed([refusal])


def _locked(subjects) -> list[Subject]:
    """Lock the subjects in id order (so two transactions cannot deadlock) and re-read them.

    The rows share one season (with its rule set) instead of reading it again with each row:
    a rule set is ten JSON documents, and decoding them for each of 200 rows cost more than the
    whole step."""
    ids = sorted({s.pk for s in subjects})
    rows = {
        s.pk: s
        for s in Subject.objects.select_for_update(of=("self",))
        .select_related("unit", "decider", "member")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    seasons = _seasons({row.season_id for row in rows.values()}, subjects)
    for row in rows.values():
        row.season = seasons[row.season_id]
    return [rows[s.pk] for s in subjects]


def _seasons(ids: set[int], subjects) -> dict[int, Season]:
    """The seasons of `ids` with their rule sets: those the given subjects already hold, the
    others read in one query."""
    known = {
        s.season_id: s.season
        for s in subjects
        if Subject.season.is_cached(s) and Season.rule_set.is_cached(s.season)
    }
    missing = ids - set(known)
    if missing:
        known.update(Season.objects.select_related("rule_set", "top_organization").in_bulk(missing))
    return known


def _event(subject: Subject, actor, action: str, from_state: str, reason: str = "", data: dict | None = None):
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=subject.state,
        reason=reason,
        data=data or {},
    )


def _state_problem(subject: Subject, allowed: tuple, step: str) -> list[str]:
    """The subject's state does not allow `step` (one of STEP_LABELS' keys, or a label): say what
    comes first and where, without the subject's name (callers prefix it where rows are mixed)."""
    if subject.state in allowed:
        return []
    return [state_reason(subject, step, STEP_LABELS.get(step, step))]


def _with_name(subject: Subject, reasons: list[str]) -> list[str]:
    return [as_reason(r).prefixed(f"{subject.name}: ") for r in reasons]


# -- what blocks a step (for the UI and the engine) ---------------------------------------------


STEP_LABELS = {
    "submit": gettext_lazy("submitting the review"),
    "review": gettext_lazy("recording the review"),
    "propose": gettext_lazy("proposing a level"),
    "decide": gettext_lazy("deciding the level"),
    "return": gettext_lazy("returning it"),
    "reopen": gettext_lazy("reopening it"),
    "cancel": gettext_lazy("cancelling the result"),
}


def permission(step: str, actor, subject: Subject) -> str | None:
    """None if the actor's role allows the step on this subject, else the sentence why not."""
    check = {
        "submit": access.may_edit_form,
        "review": lambda u, s: access.may_record_meeting(u, s.unit),
        "propose": access.may_propose,
        "decide": access.may_decide,
        "return": access.may_return_form,
        "reopen": access.may_reopen,
        "cancel": access.may_cancel,
    }[step]
    return check(actor, subject)


def _allow_all(step: str, actor, subjects) -> None:
    refusals = [f"{s.name}: {r}" for s in subjects if (r := permission(step, actor, s))]
    if refusals:
        raise NotAllowed(refusals)


def blockers(
    subject: Subject, step: str, *, actor=None, level: str = "", facts: Facts | None = None
) -> rules.Verdict:
    """The reasons a step cannot be taken now, without taking it."""
    facts = facts or Facts(subject.season, [subject])
    with regime_of(facts.rules).one_verdict():
        return _verdict(subject, step, actor=actor, level=level, facts=facts)


def _verdict(subject: Subject, step: str, *, actor, level: str, facts: Facts) -> rules.Verdict:
    verdict = rules.Verdict()
    if not subject.in_scope:
        verdict.blockers.append(
            _("Not reviewed this season: %(reason)s.") % {"reason": subject.get_out_of_scope_display()}
        )
        return verdict
    if actor is not None and (refusal := permission(step, actor, subject)):
        verdict.blockers.append(refusal)
    if step == "submit":
        verdict.blockers += _state_problem(subject, EDITABLE, step) or rules.form_problems(subject, facts)
    elif step == "review":
        verdict.blockers += _state_problem(subject, (S.SUBMITTED, S.ABSENT), step)
        verdict.blockers += rules.review_order_problems(subject, facts)
    elif step == "propose":
        verdict.blockers += _state_problem(subject, (S.REVIEWED,), step) or _proposal_problems(
            subject, level, facts
        )
        verdict.warnings += leave_notes(subject, facts) if subject.is_member else []
        mode, note = rules.residence_comment_note(subject, facts)
        if note and subject.state == S.REVIEWED:
            (verdict.blockers if mode == "block" else verdict.warnings).append(note)
    elif step == "decide":
        verdict.blockers += _state_problem(subject, (S.PROPOSED,), step)
        verdict.blockers += rules.decision_order_problems(subject, facts)
        verdict.blockers += open_check_problems(subject, facts)
        if note := _gap_note(subject, facts):
            verdict.warnings.append(note)
        if level or subject.proposed_level:
            verdict.blockers += rules.level_problems(subject, level or subject.proposed_level, facts)
            head = rules.head_above_collective(subject, level or subject.proposed_level, facts, {})
            if head:
                blocking = facts.rules.switch("head_above_collective") == "block"
                (verdict.blockers if blocking else verdict.warnings).append(head)
    elif step == "return":
        verdict.blockers += _state_problem(subject, (S.SUBMITTED,), step)
    elif step in ("reopen", "cancel"):
        verdict.blockers += _state_problem(subject, (S.DECIDED,), step)
    return verdict


def _proposal_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-ORDER-1 is the state check before this; then R-SCOPE-4 and the level checks."""
    problems = rules.outside_comment_problems(subject, facts)
    if level:
        problems += rules.level_problems(subject, level, facts)
    return problems


def _items(subject: Subject) -> list[scoring.Item]:
    rule_set = subject.season.rule_set
    return scoring.criteria_items(rule_set.scoring, subject.season.criteria, subject.profile)


def open_check_problems(subject: Subject, facts: Facts) -> list[str]:
    """R366-ORDER-4: a complaint, a denunciation, discipline under way or signs of disunity are
    checked and re-appraised before the decision."""
    if not regime_of(facts.rules).checks_before_decision:
        return []
    return [
        _("%(kind)s is being checked (%(reason)s): the rating is decided once the check is concluded.")
        % {"kind": flag.get_kind_display(), "reason": flag.reason[:120]}
        for flag in facts.open_checks.get(subject.pk, [])
    ]


def _gap_note(subject: Subject, facts: Facts) -> str:
    if not regime_of(facts.rules).uses_points:
        return ""
    from reviews.regimes.qd366.standing import gap_note

    return gap_note(subject, facts)
