"""A decision reopened or cancelled: it stays on record and the subject goes back to proposed."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.models import Decision, Subject
from reviews.workflow.core import (
    S,
    WorkflowError,
    _event,
    _locked,
    _refuse_if,
    allow,
    blockers,
    permission,
)


def end_valid_decision(
    subject: Subject, actor, status: str, reason: str, *, commendation: bool = False
) -> Decision:
    """Mark the decision in force as reopened or cancelled; it stays on record (R-STEP-3/4)."""
    current = Decision.objects.select_for_update().get(subject=subject, status=Decision.Status.VALID)
    current.status, current.ended_by, current.ended_at, current.end_reason = (
        status,
        actor,
        timezone.now(),
        reason,
    )
    current.needs_commendation_review = commendation
    current.save()
    return current


def _end_decision(
    subject: Subject, actor, reason: str, status: str, action: str, *, commendation: bool = False
):
    if not reason.strip():
        raise WorkflowError([_("A reason is required.")])
    current = end_valid_decision(subject, actor, status, reason, commendation=commendation)
    from_state = subject.state
    subject.state, subject.decided_level, subject.decided_points = S.PROPOSED, "", None
    subject.scores = {k: v for k, v in (subject.scores or {}).items() if k not in ("decided", "waived")}
    subject.save(update_fields=["state", "decided_level", "decided_points", "scores", "updated_at"])
    data = {"level": current.level, **({"points": str(current.points)} if current.points is not None else {})}
    _event(subject, actor, action, from_state, reason=reason, data=data)
    return current


@transaction.atomic
def reopen(*, subject: Subject, actor, reason: str) -> Decision:
    """R-STEP-4: the deciding level or above reopens a decided rating, with a reason."""
    allow(permission("reopen", actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(blockers(subject, "reopen", actor=actor).blockers)
    return _end_decision(subject, actor, reason, Decision.Status.REOPENED, "reopen")


@transaction.atomic
def cancel(*, subject: Subject, actor, reason: str, commendation_review: bool = False) -> Decision:
    """R-STEP-3: the directly superior committee cancels and orders a re-rating; the cancelled
    decision stays in the record."""
    allow(permission("cancel", actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(blockers(subject, "cancel", actor=actor).blockers)
    return _end_decision(
        subject, actor, reason, Decision.Status.CANCELLED, "cancel", commendation=commendation_review
    )
