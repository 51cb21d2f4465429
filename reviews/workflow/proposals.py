"""Appraisal and proposal, and a proposal returned by the deciding level."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import access, notifications, scoring
from reviews.audit import EventInput, append_events
from reviews.bulk import update_rows
from reviews.facts import Facts
from reviews.models import Subject
from reviews.regimes import regime_of
from reviews.workflow.core import (
    S,
    WorkflowError,
    _allow_all,
    _event,
    _items,
    _locked,
    _refuse_if,
    _state_problem,
    _with_name,
    allow,
    blockers,
)


@dataclass
class ProposalInput:
    subject: Subject
    level: str
    civil_service_level: str = ""
    reason: str = ""
    # Under a points regime (R366-SCORE-4): the appraised points as typed, item key → value (by
    # default the self-assessed points, taken as they are); KHTNV cases ticked, case code →
    # evidence (R366-RATE-4, R366-RATE-5, R366-RATE-6); conditions the appraiser confirms
    # ("units_led", "remedied").
    points: dict | None = None
    cases: dict | None = None
    ticks: dict | None = None


@transaction.atomic
def propose(*, proposals: list[ProposalInput], actor) -> list[Subject]:
    """R-STEP-1 step 2: appraisal and proposal. All or nothing."""
    if not proposals:
        return []
    locked = _locked([p.subject for p in proposals])
    _allow_all("propose", actor, locked)  # on the rows read with their season: no query each
    refusals = []
    for proposal, subject in zip(proposals, locked, strict=True):
        proposal.subject = subject
        if proposal.civil_service_level:
            subject.civil_service_level = proposal.civil_service_level
        if regime_of(subject.season.rule_set).uses_points:
            refusals += _with_name(subject, _appraise(subject, proposal))
    _refuse_if(refusals)
    facts = Facts(locked[0].season, locked)
    for proposal in proposals:
        verdict = blockers(proposal.subject, "propose", actor=actor, level=proposal.level, facts=facts)
        refusals += _with_name(proposal.subject, verdict.blockers)
    _refuse_if(refusals)
    # The writes in a fixed number of statements: one update of the subjects, one chain append.
    season = locked[0].season
    regime, now, events = regime_of(season.rule_set), timezone.now(), []
    for proposal in proposals:
        subject = proposal.subject
        regime.record_outcome(subject, facts)
        from_state = subject.state
        subject.proposed_level, subject.state, subject.updated_at = proposal.level, S.PROPOSED, now
        subject.flags = {k: v for k, v in (subject.flags or {}).items() if k != "returned_proposal"}
        data = {"level": proposal.level, "civil_service_level": subject.civil_service_level}
        if subject.proposed_points is not None:
            data.update(points=str(subject.proposed_points), scores=subject.scores.get("proposed", {}))
        events.append(EventInput(subject, "propose", from_state, subject.state, proposal.reason, data))
    update_rows(
        [p.subject for p in proposals],
        [
            "proposed_level",
            "civil_service_level",
            "proposed_points",
            "scores",
            "state",
            "flags",
            "updated_at",
        ],
    )
    append_events(season=season, actor=actor, events=events)
    return [p.subject for p in proposals]


def _appraise(subject: Subject, proposal: ProposalInput) -> list[str]:
    """R366-SCORE-4 (appraisal): put the appraised points, the ticked KHTNV cases and the
    confirmed conditions on the subject (saved with the proposal). Returns what is wrong."""
    rule_set = subject.season.rule_set
    items = _items(subject)
    scores = dict(subject.scores or {})
    if proposal.points is None:
        points, errors = dict(scores.get("self") or {}), []
        if scoring.totals(items, points).total is None:
            errors = [_("Enter the appraised points of every item.")]
    else:
        points, errors = scoring.clean_scores(proposal.points, items, rule_set.scoring)
    known = {c["code"]: c["label"] for c in rule_set.scoring["profiles"][subject.profile].get("cases", [])}
    cases = {}
    for code, evidence in (proposal.cases or {}).items():
        if code not in known:
            errors.append(_("“%(case)s” is not a case of this regulation.") % {"case": code})
        elif not str(evidence).strip():
            errors.append(_("Say what shows this case: %(case)s.") % {"case": known[code]})
        else:
            cases[code] = str(evidence).strip()
    scores.update(proposed=points, cases=cases)
    if proposal.ticks is not None:
        scores["ticks"] = {**(scores.get("ticks") or {}), **{k: bool(v) for k, v in proposal.ticks.items()}}
    subject.scores = scores
    subject.proposed_points = scoring.totals(items, points).total
    return errors


@transaction.atomic
def return_proposal(*, subject: Subject, actor, reason: str) -> Subject:
    """The deciding level sends a proposal back to be appraised again; who may is asked first."""
    allow(access.may_decide(actor, subject))
    if not reason.strip():
        raise WorkflowError([_("Say why the proposal is returned.")])
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, (S.PROPOSED,), "return"))
    from_state, subject.state = subject.state, S.REVIEWED
    subject.flags = {
        **(subject.flags or {}),
        "returned_proposal": {
            "reason": reason.strip(),
            "level": subject.proposed_level,
            "on": timezone.localdate().isoformat(),
            "by": actor.get_full_name() or actor.get_username(),
        },
    }
    subject.save(update_fields=["state", "flags", "updated_at"])
    _event(
        subject, actor, "return_proposal", from_state, reason=reason, data={"level": subject.proposed_level}
    )
    notifications.notify_proposal_returned(subject, reason.strip())
    return subject
