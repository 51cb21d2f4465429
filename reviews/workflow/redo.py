"""A review required to be done again (kiểm điểm lại), by the level that supervises it.

R-SUP-1 (the articles on supervising the review): the upper level "yêu cầu tập thể, cá nhân kiểm
điểm … lại nếu kiểm điểm chưa đạt yêu cầu". An assigned committee member of the unit (đại biểu cấp
trên dự) or committee staff above it, with a reason, sends a reviewed or proposed subject back to
the step before the meeting (submitted). What the meeting recorded stays: the entry is kept in the
demand and in the event, and the review events stay in the chain. Until a new meeting entry is
recorded no rating step can be taken (propose needs a reviewed subject). After the decision,
reopening (R-STEP-4) is the way."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from reviews import access
from reviews.models import MeetingAttendance, MeetingEntry, Notification, RedoDemand, Subject
from reviews.notifications import meeting_url, notify
from reviews.workflow.core import S, WorkflowError, _event, _locked, allow

REDO_FROM = (S.REVIEWED, S.PROPOSED)


def may_require_redo(user, subject: Subject) -> str | None:
    """R-SUP-1: the level above ("cấp trên") — committee staff of a level strictly above the
    subject's unit, or a member of a committee strictly above it assigned to attend the unit's
    meeting; never the subject themself."""
    if access.is_own(user, subject):
        return _("No one may require their own review to be done again.")
    if access.season_scope(user, subject.season).is_upper_staff_for(subject.path):
        return None
    member = access.own_member(user)
    if member is not None and _attends_for_the_level_above(member, subject):
        return None
    return _(
        "Only committee staff above %(unit)s or a committee member assigned to attend its meeting may "
        "require a review to be done again."
    ) % {"unit": subject.unit.name}


def _attends_for_the_level_above(member, subject: Subject) -> bool:
    """Assigned to the meeting of the subject's unit, and seated on a committee above it (an
    assignment made before own-level seats were refused does not count)."""
    from reviews.supervision.attendance import committee_members  # supervision imports workflow

    return (
        MeetingAttendance.objects.filter(unit_id=subject.unit_id, member=member).exists()
        and committee_members(subject.unit).filter(pk=member.pk).exists()
    )


def redo_problems(subject: Subject) -> list[str]:
    """R-SUP-1: what blocks a redo demand in the subject's state; each names who acts and where."""
    if subject.state in REDO_FROM:
        return []
    if subject.state == S.DECIDED:
        return [
            _(
                "The rating of %(name)s is already decided: to have it reviewed again, the deciding "
                "level reopens the decision first (%(link)s)."
            )
            % {"name": subject.name, "link": reverse("reviews:subject", args=[subject.season_id, subject.pk])}
        ]
    return [
        _(
            "%(name)s has not been reviewed at the meeting yet: there is nothing to redo; the "
            "secretary records the meeting first (%(link)s)."
        )
        % {"name": subject.name, "link": meeting_url(subject.season_id, subject.unit.code)}
    ]


def _link(kind, subject: Subject, *, own: bool) -> str:
    if own:
        return reverse("reviews:form", args=[subject.season_id, subject.pk])
    return meeting_url(subject.season_id, subject.unit.code)


@transaction.atomic
def require_redo(*, subject: Subject, actor, reason: str) -> RedoDemand:
    """R-SUP-1: require the subject's review done again, with a reason (lock, guards, change, event)."""
    allow(may_require_redo(actor, subject))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(
            [_("Say why the review must be done again: the secretary and the subject read it.")]
        )
    subject = _locked([subject])[0]
    problems = redo_problems(subject)
    if problems:
        raise WorkflowError(problems)
    entry = MeetingEntry.objects.filter(subject=subject).first()
    before = (
        {
            "meeting": entry.meeting_id,
            "comments": entry.comments,
            "assessment": entry.assessment,
            "votes": entry.votes,
            "recorded_at": entry.recorded_at.isoformat(),
        }
        if entry
        else {}
    )
    data = {"entry": before, "proposed": subject.proposed_level}
    from_state = subject.state
    subject.state, subject.proposed_level, subject.proposed_points = S.SUBMITTED, "", None
    subject.scores = {k: v for k, v in (subject.scores or {}).items() if k != "proposed"}
    # A return of the proposal before the demand belongs to the review now superseded: it must not
    # mark the row again once the new review is recorded (its event stays in the chain).
    subject.flags = {k: v for k, v in (subject.flags or {}).items() if k != "returned_proposal"}
    subject.save(
        update_fields=["state", "proposed_level", "proposed_points", "scores", "flags", "updated_at"]
    )
    demand = RedoDemand.objects.create(
        subject=subject, reason=reason, required_by=actor, superseded_entry=before
    )
    _event(subject, actor, "require_redo", from_state, reason=reason, data=data)
    notify(
        [subject],
        Notification.Kind.REDO,
        lambda s: (
            _("%(name)s: the review must be done again: %(reason)s") % {"name": s.name, "reason": reason}
        ),
        link_for=_link,
    )
    return demand
