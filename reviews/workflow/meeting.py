"""The review meeting: the minutes and what they say of each subject reviewed there."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import access, rules
from reviews.audit import EventInput, append_events
from reviews.bulk import update_rows
from reviews.facts import Facts
from reviews.models import Meeting, MeetingEntry, Subject
from reviews.refusals import Reason
from reviews.workflow.core import (
    S,
    WorkflowError,
    _locked,
    _refuse_if,
    _state_problem,
    _with_name,
    allow,
)


@dataclass
class EntryInput:
    subject: Subject
    reviewed: bool = True
    absent_reason: str = ""
    comments: str = ""
    votes: dict = field(default_factory=dict)
    assessment: str = ""
    grades: dict = field(default_factory=dict)


@dataclass
class MeetingInput:
    held_on: datetime.date
    present: int
    total: int
    draft_circulated_on: datetime.date | None = None
    notes: str = ""
    ends_on: datetime.date | None = None  # the last day of a meeting of several days
    related_comments: str = ""  # R366-ORDER-5: who commented on the draft report
    working_group: str = ""  # R366-ORDER-5: the members of the upper standing committee's working group


def _meeting_problems(collective: Subject, data: MeetingInput) -> list[str]:
    problems = []
    if data.total <= 0 or data.present > data.total:
        problems.append(_("Attendance must be at most the number summoned, and someone must be summoned."))
    if data.held_on > timezone.localdate():
        problems.append(_("The meeting date cannot be in the future."))
    if data.draft_circulated_on and data.draft_circulated_on > data.held_on:
        problems.append(_("The draft cannot be circulated after the meeting."))
    if data.ends_on and not data.held_on <= data.ends_on <= timezone.localdate():
        problems.append(_("The last day of the meeting must fall between its first day and today."))
    return problems


@transaction.atomic
def record_meeting(
    *, collective: Subject, actor, meeting: MeetingInput, entries: list[EntryInput]
) -> Meeting:
    """Record a collective's review meeting and what it said about each subject reviewed there.

    The collective's own entry comes first (R-ORDER-2), then the members by position (R-ORDER-3),
    all in this one transaction: if any entry is refused, nothing is recorded."""
    if not collective.is_collective:
        raise WorkflowError([_("A review meeting belongs to a collective.")])
    allow(access.may_record_meeting(actor, collective.unit))
    _refuse_if(_meeting_problems(collective, meeting))
    if len({e.subject.pk for e in entries}) != len(entries):
        raise WorkflowError([_("The same subject is listed twice in the minutes.")])
    ordered = sorted(entries, key=lambda e: (e.subject.is_member, e.subject.position, e.subject.sort_key))
    if not any(e.subject.pk == collective.pk for e in ordered):
        ordered.insert(0, EntryInput(subject=collective))
    locked = _locked([e.subject for e in ordered])
    for entry, subject in zip(ordered, locked, strict=True):
        entry.subject = subject
        if subject.is_member and subject.unit_id != collective.unit_id:
            raise WorkflowError(
                [
                    _("%(name)s is not a member of %(unit)s.")
                    % {"name": subject.name, "unit": collective.unit.name}
                ]
            )
    existing = Meeting.objects.filter(collective=collective).first()
    _refuse_if(_tally_problems(existing, ordered, meeting.present))
    record = existing or Meeting(
        season=collective.season, unit=collective.unit, collective=collective, recorded_by=actor
    )
    for name in (
        "held_on", "ends_on", "present", "total", "draft_circulated_on", "notes", "related_comments",
        "working_group",
    ):  # fmt: skip
        setattr(record, name, getattr(meeting, name))
    record.circulation_warning = rules.circulation_warning(
        meeting.held_on, meeting.draft_circulated_on, collective.season.rule_set
    )
    record.save()
    _apply_entries(record, ordered, actor)
    return record


def _tally_problems(existing: Meeting | None, entries: list[EntryInput], present: int) -> list[str]:
    """R-REC-2: the tallies of this save, and those already in the minutes (which a smaller
    attendance could make impossible), checked against the members present; each names its row."""
    tallies = {}
    if existing is not None:
        for entry in MeetingEntry.objects.filter(meeting=existing).select_related("subject"):
            tallies[entry.subject_id] = (entry.subject.name, entry.votes)
    for entry in entries:
        tallies[entry.subject.pk] = (entry.subject.name, entry.votes)
    problems = []
    for name, votes in tallies.values():
        problems += [f"{name}: {reason}" for reason in rules.vote_problems(votes, present)]
    return problems


def _is_correction(subject: Subject, meeting: Meeting, earlier: dict[int, MeetingEntry]) -> bool:
    """A member already reviewed at this meeting but not yet proposed: their entry in the minutes
    may still be corrected (a typo in the comments or the tallies), as an event of its own that
    keeps what was there before (R-REC-2, R-REC-4)."""
    entry = earlier.get(subject.pk)
    return (
        subject.state == S.REVIEWED
        and subject.pk != meeting.collective_id
        and entry is not None
        and entry.meeting_id == meeting.pk
    )


def _entry_text(entry: MeetingEntry) -> dict:
    return {"comments": entry.comments, "assessment": entry.assessment, "votes": entry.votes}


def _apply_entries(meeting: Meeting, entries: list[EntryInput], actor) -> None:
    facts = Facts(meeting.season, [e.subject for e in entries])
    earlier = {
        e.subject_id: e
        for e in MeetingEntry.objects.filter(
            subject__in=[e.subject for e in entries if e.subject.state == S.REVIEWED]
        )
    }
    reviewed_now: set[int] = set()
    refusals = []
    for entry in entries:
        subject = entry.subject
        if subject.pk == meeting.collective_id and (
            subject.state in (S.REVIEWED, S.PROPOSED, S.DECIDED) or not subject.in_scope
        ):
            continue  # reviewed when the meeting was first recorded, or too young to be (R-SCOPE-5)
        if _is_correction(subject, meeting, earlier):
            if not entry.reviewed:  # R366-SCOPE-3: a subject reviewed is also rated
                refusals += _with_name(
                    subject, [_("The review is recorded; it can be corrected but not changed to absent.")]
                )
            reviewed_now.add(subject.pk)
            continue
        if entry.reviewed:
            problems = _state_problem(subject, (S.SUBMITTED, S.ABSENT), "review")
            problems += rules.review_order_problems(subject, facts, frozenset(reviewed_now))
        else:
            problems = _state_problem(
                subject, (S.DRAFT, S.RETURNED, S.SUBMITTED, S.ABSENT), _("marking absent")
            )
            if not entry.absent_reason.strip():
                problems.append(Reason(_("Say why the subject was not reviewed."), rule="R-SCOPE-6"))
        if problems:
            refusals += _with_name(subject, problems)
            continue
        reviewed_now.add(subject.pk)  # reviewed or marked absent: either way, next in order may go
    _refuse_if(refusals)
    # The writes in a fixed number of statements: one upsert of the entries, one update of the
    # subjects, one chain append.
    now, rows, changed, events = timezone.now(), [], [], []
    for entry in entries:
        subject = entry.subject
        if subject.pk == meeting.collective_id and (
            subject.state in (S.REVIEWED, S.PROPOSED, S.DECIDED) or not subject.in_scope
        ):
            continue  # already reviewed, or a collective too young to be reviewed (R-SCOPE-5)
        correction = _is_correction(subject, meeting, earlier)
        data = {"meeting": meeting.pk, "votes": entry.votes}
        if correction:
            data["before"] = _entry_text(earlier[subject.pk])
        rows.append(
            MeetingEntry(
                subject=subject,
                meeting=meeting,
                reviewed=entry.reviewed,
                absent_reason=entry.absent_reason,
                comments=entry.comments,
                votes=entry.votes,
                assessment=entry.assessment,
                grades=entry.grades,
                recorded_at=now,
            )
        )
        from_state = subject.state
        subject.state = S.REVIEWED if entry.reviewed else S.ABSENT
        subject.absent_reason = "" if entry.reviewed else entry.absent_reason
        subject.updated_at = now
        changed.append(subject)
        action = "correct_review" if correction else "review" if entry.reviewed else "absent"
        events.append(EventInput(subject, action, from_state, subject.state, entry.absent_reason, data))
    MeetingEntry.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["subject"],
        update_fields=[
            "meeting", "reviewed", "absent_reason", "comments", "votes", "assessment", "grades",
            "recorded_at",
        ],
    )  # fmt: skip
    update_rows(changed, ["state", "absent_reason", "updated_at"])
    append_events(season=meeting.season, actor=actor, events=events)
