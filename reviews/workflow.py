"""The workflow engine: every step a subject takes is one function here.

Each transition (1) locks the rows it depends on (`select_for_update`: the subjects, and for
decisions the quota groups' anchor rows), (2) asks every guard again, (3) applies the change and
(4) appends an event (who, when, from, to, why, rule set) to the season's hash chain, all in one
transaction. Guards give reasons, not booleans; `blockers()` gives the UI the same reasons
before the user clicks. Nothing here knows about HTTP, views or forms.

States: draft → submitted → reviewed → proposed → decided; returned (back to the author, with a
reason); absent (not yet reviewed, R-SCOPE-6); reopened/cancelled decisions go back to proposed.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews import access, notifications, rules, scoring
from reviews.audit import EventInput, append_event, append_events
from reviews.facts import Facts
from reviews.models import Decision, Meeting, MeetingEntry, QuotaGroup, ReviewForm, Subject
from reviews.refusals import Reason, state_reason
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
    """Lock the subjects in id order (so two transactions cannot deadlock) and re-read them."""
    ids = sorted({s.pk for s in subjects})
    rows = {
        s.pk: s
        for s in Subject.objects.select_for_update(of=("self",))
        .select_related("season__rule_set", "unit", "decider", "member")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return [rows[s.pk] for s in subjects]


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
    return [Reason(r, rule=getattr(r, "rule", "")).prefixed(f"{subject.name}: ") for r in reasons]


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
        verdict.warnings += rules.leave_notes(subject, facts) if subject.is_member else []
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


# -- forms -------------------------------------------------------------------------------------


def get_form(subject: Subject) -> ReviewForm:
    form, _created = ReviewForm.objects.get_or_create(
        subject=subject, defaults={"template_code": subject.form_code}
    )
    return form


@transaction.atomic
def save_answer(*, subject: Subject, actor, key: str, value: dict) -> ReviewForm:
    """Merge one item of the form (a draft save). Saving one key never touches the others, so
    two open tabs cannot erase each other's text."""
    allow(access.may_edit_form(actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, EDITABLE, _("editing")))
    form = get_form(subject)
    form = ReviewForm.objects.select_for_update().get(pk=form.pk)
    current = dict(form.answers.get(key) or {})
    current.update(value)
    form.answers[key] = current
    form.version += 1
    form.saved_at = timezone.now()
    if not access.is_own(actor, subject):
        form.entered_on_behalf, form.entered_by = subject.is_member, actor
    form.save(update_fields=["answers", "version", "saved_at", "entered_on_behalf", "entered_by"])
    return form


@transaction.atomic
def choose_form(*, subject: Subject, actor, form_code: str) -> Subject:
    """R-FORM-2 / R-FORM-3: who writes 02B (leaders and managers) rather than 02A is chosen per member."""
    allow(access.may_return_form(actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, EDITABLE, _("changing the form")))
    if not subject.is_member or form_code not in ("02A", "02B"):
        raise WorkflowError([_("Members write form 02A or 02B; collectives write form 01.")])
    from_code = subject.form_code
    subject.form_code = form_code
    subject.save(update_fields=["form_code"])
    ReviewForm.objects.filter(subject=subject).update(template_code=form_code)
    _event(subject, actor, "choose_form", subject.state, data={"from": from_code, "to": form_code})
    return subject


@transaction.atomic
def change_profile(*, subject: Subject, actor, profile: str, reason: str) -> Subject:
    """R366-FORM-LETTERS: the profile (and with it the form, 2A, 2B or 2C) was set from the member's
    posts and status at opening; the secretary or the staff above change it, with a reason."""
    allow(access.may_return_form(actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, EDITABLE, _("changing the form")))
    profiles = (subject.season.rule_set.scoring or {}).get("profiles", {})
    if not subject.is_member or profile not in profiles or profile == Subject.Profile.COLLECTIVE:
        raise WorkflowError([_("Choose one of the profiles of a party member.")])
    if not reason.strip():
        raise WorkflowError([_("Say why the member's profile changes.")])
    before = (subject.profile, subject.form_code)
    subject.profile, subject.form_code = profile, profiles[profile]["form"]
    subject.save(update_fields=["profile", "form_code"])
    ReviewForm.objects.filter(subject=subject).update(template_code=subject.form_code)
    _event(
        subject,
        actor,
        "change_profile",
        subject.state,
        reason=reason.strip(),
        data={"from": list(before), "to": [subject.profile, subject.form_code]},
    )
    return subject


@transaction.atomic
def submit_form(*, subject: Subject, actor) -> Subject:
    allow(permission("submit", actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(blockers(subject, "submit", actor=actor).blockers)
    form = get_form(subject)
    template = subject.season.rule_set.template(subject.form_code)
    for item in rules.form_items(template):
        if item["type"] == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            chosen = (form.answers.get(item["key"]) or {}).get("level", "")
            if item.get("scope") == "civil_service":
                subject.civil_service_level = chosen
            else:
                subject.self_level = chosen
    if regime_of(subject.season.rule_set).uses_points:
        _take_self_scores(subject, form.answers)
        regime_of(subject.season.rule_set).record_outcome(subject, Facts(subject.season, [subject]))
    from_state, subject.state = subject.state, S.SUBMITTED
    subject.save(
        update_fields=["state", "self_level", "civil_service_level", "self_points", "scores", "updated_at"]
    )
    form.submitted_at = timezone.now()
    form.save(update_fields=["submitted_at"])
    _event(subject, actor, "submit", from_state, data={"on_behalf": not access.is_own(actor, subject)})
    return subject


def _take_self_scores(subject: Subject, answers: dict) -> None:
    """R366-SCORE-4 (self-scoring): the points of part B and the figures of the task list, as the
    form gives them at submission (form_problems has checked they are complete)."""
    rule_set = subject.season.rule_set
    items = scoring.criteria_items(rule_set.scoring, subject.season.criteria, subject.profile)
    typed = (answers.get("B.II") or {}).get("points") or {}
    points, errors = scoring.clean_scores(typed, items, rule_set.scoring)
    _refuse_if(errors)
    tasks = answers.get("B.I") or {}
    subject.scores = {
        **(subject.scores or {}),
        "self": points,
        "tasks": scoring.Tasks.from_rows(tasks.get("tasks", [])).as_dict(),
        "ticks": {"units_led": bool(tasks.get("units_led"))},
    }
    subject.self_points = scoring.totals(items, points).total


@transaction.atomic
def return_form(*, subject: Subject, actor, reason: str) -> Subject:
    if not reason.strip():
        raise WorkflowError([_("Say why the review is returned.")])
    allow(permission("return", actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(blockers(subject, "return", actor=actor).blockers)
    from_state, subject.state = subject.state, S.RETURNED
    subject.save(update_fields=["state", "updated_at"])
    _event(subject, actor, "return", from_state, reason=reason)
    notifications.notify_returned(subject, reason)
    return subject


# -- the review meeting ---------------------------------------------------------------------------


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
        MeetingEntry.objects.update_or_create(
            subject=subject,
            defaults=dict(
                meeting=meeting,
                reviewed=entry.reviewed,
                absent_reason=entry.absent_reason,
                comments=entry.comments,
                votes=entry.votes,
                assessment=entry.assessment,
                grades=entry.grades,
                recorded_at=timezone.now(),
            ),
        )
        from_state = subject.state
        subject.state = S.REVIEWED if entry.reviewed else S.ABSENT
        subject.absent_reason = "" if entry.reviewed else entry.absent_reason
        subject.save(update_fields=["state", "absent_reason", "updated_at"])
        _event(
            subject,
            actor,
            "correct_review" if correction else "review" if entry.reviewed else "absent",
            from_state,
            reason=entry.absent_reason,
            data=data,
        )


# -- proposal ----------------------------------------------------------------------------------------


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
    _allow_all("propose", actor, [p.subject for p in proposals])
    locked = _locked([p.subject for p in proposals])
    refusals = []
    for proposal, subject in zip(proposals, locked, strict=True):
        proposal.subject = subject
        if proposal.civil_service_level:
            subject.civil_service_level = proposal.civil_service_level
        if regime_of(subject.season.rule_set).uses_points:
            refusals += _with_name(subject, _appraise(subject, proposal))
    _refuse_if(refusals)
    facts = Facts(locked[0].season, locked) if locked else None
    for proposal in proposals:
        verdict = blockers(proposal.subject, "propose", actor=actor, level=proposal.level, facts=facts)
        refusals += _with_name(proposal.subject, verdict.blockers)
    _refuse_if(refusals)
    regime = regime_of(locked[0].season.rule_set) if locked else None
    for proposal in proposals:
        subject = proposal.subject
        regime.record_outcome(subject, facts)
        from_state = subject.state
        subject.proposed_level, subject.state = proposal.level, S.PROPOSED
        subject.flags = {k: v for k, v in (subject.flags or {}).items() if k != "returned_proposal"}
        subject.save(
            update_fields=[
                "proposed_level", "civil_service_level", "proposed_points", "scores", "state", "flags",
                "updated_at",
            ]
        )  # fmt: skip
        data = {"level": proposal.level, "civil_service_level": subject.civil_service_level}
        if subject.proposed_points is not None:
            data.update(points=str(subject.proposed_points), scores=subject.scores.get("proposed", {}))
        _event(subject, actor, "propose", from_state, reason=proposal.reason, data=data)
    return [p.subject for p in proposals]


def _items(subject: Subject) -> list[scoring.Item]:
    rule_set = subject.season.rule_set
    return scoring.criteria_items(rule_set.scoring, subject.season.criteria, subject.profile)


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


@transaction.atomic
def return_proposal(*, subject: Subject, actor, reason: str) -> Subject:
    """The deciding level sends a proposal back to be appraised again."""
    if not reason.strip():
        raise WorkflowError([_("Say why the proposal is returned.")])
    allow(access.may_decide(actor, subject))
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


# -- decision ------------------------------------------------------------------------------------------


@dataclass
class DecisionInput:
    subject: Subject
    level: str = ""  # empty: decide the proposed level
    # Under a points regime: the decided points as typed (by default the appraised ones) and KHTNV
    # cases waived case by case, case code → reason (R366-RATE-4, R366-RATE-5, R366-RATE-6).
    points: dict | None = None
    waived: dict | None = None


def _quota_refusals(
    season, levels_now: dict[int, str], subjects: list[Subject], reason: str
) -> tuple[list[str], list[str]]:
    """R-RATE-2, counted with the group's anchor rows locked so two deciders cannot both take
    the last place. Returns (refusals, notes for groups allowed past the quota with a reason)."""
    quota = season.rule_set.quota
    keys = sorted({s.quota_key for s in subjects if s.quota_key})
    groups = {
        g.key: g
        for g in QuotaGroup.objects.select_for_update().filter(season=season, key__in=keys).order_by("key")
    }
    refusals, exceeded = [], []
    for key in keys:
        decided = dict(
            Subject.objects.filter(season=season, quota_key=key, state=S.DECIDED).values_list(
                "pk", "decided_level"
            )
        )
        decided.update({s.pk: levels_now[s.pk] for s in subjects if s.quota_key == key})
        group = groups.get(key)
        count = rules.quota_count(
            group.label if group else key, list(decided.values()), rules.group_quota(quota, group)
        )
        if not count.exceeded:
            continue
        if quota.get("exceed_with_reason") and reason.strip():
            exceeded.append(count.sentence())
        else:
            refusals.append(
                Reason(
                    _("Over the quota of the highest level: %(sentence)s") % {"sentence": count.sentence()},
                    rule="R-RATE-2",
                )
            )
    return refusals, exceeded


def decision_order(subject: Subject) -> tuple:
    """The order a batch is checked and decided in, so a batch may hold what the regime's order
    rules ask for (reviews/regimes/)."""
    return regime_of(subject.season.rule_set).decision_sort_key(subject)


@transaction.atomic
def decide(*, decisions: list[DecisionInput], actor, reason: str = "") -> list[Decision]:
    """R-STEP-1 step 3: the competent level decides, one subject or many. All or nothing."""
    if not decisions:
        return []
    if len({d.subject.pk for d in decisions}) != len(decisions):
        raise WorkflowError([_("The same subject is listed twice in one decision.")])
    _allow_all("decide", actor, [d.subject for d in decisions])
    decisions = sorted(decisions, key=lambda d: decision_order(d.subject))
    locked = _locked([d.subject for d in decisions])
    season = locked[0].season
    levels_now = {}
    points_regime = regime_of(season.rule_set).uses_points
    refusals = []
    for decision, subject in zip(decisions, locked, strict=True):
        decision.subject = subject
        levels_now[subject.pk] = decision.level or subject.proposed_level
        if points_regime:
            refusals += _with_name(subject, _settle_points(subject, decision))
    facts = Facts(season, locked)
    warnings_needing_reason = []
    decided_so_far: set[int] = set()
    for decision in decisions:
        subject, level = decision.subject, levels_now[decision.subject.pk]
        problems = []
        if not subject.in_scope:
            problems.append(_("not reviewed this season"))
        problems += _state_problem(subject, (S.PROPOSED,), "decide")
        problems += rules.decision_order_problems(subject, facts, frozenset(decided_so_far))
        problems += open_check_problems(subject, facts)
        problems += rules.level_problems(subject, level, facts)
        problems += _lowered_problems(subject, level, reason)
        if (gap := _gap_note(subject, facts)) and not reason.strip():  # R366-RATE-3
            warnings_needing_reason.append(f"{subject.name}: {gap} " + _("Give a reason to decide it."))
        head = rules.head_above_collective(subject, level, facts, levels_now)
        if head:
            if season.rule_set.switch("head_above_collective") == "block":
                problems.append(head)
            elif not reason.strip():
                warnings_needing_reason.append(
                    Reason(
                        f"{subject.name}: {head} " + _("Give a reason to decide it."),
                        rule=getattr(head, "rule", "R-RATE-8"),
                    )
                )
        refusals += _with_name(subject, problems)
        decided_so_far.add(subject.pk)
    quota_refusals, quota_exceeded = _quota_refusals(season, levels_now, locked, reason)
    _refuse_if(refusals + warnings_needing_reason + quota_refusals)
    # The writes of the batch in a fixed number of statements, whatever its size: the decisions,
    # one update of the subjects, one append to the hash chain (each event still hashed apart).
    regime = regime_of(season.rule_set)
    made, events = [], []
    for decision in decisions:
        subject, level = decision.subject, levels_now[decision.subject.pk]
        regime.record_outcome(subject, facts)
        made.append(
            Decision(
                subject=subject,
                level=level,
                points=subject.decided_points,
                decider=access.deciding_unit(subject),
                decided_by=actor,
                rule_set=season.rule_set,
                reason=reason,
            )
        )
        from_state = subject.state
        subject.decided_level, subject.state = level, S.DECIDED
        # R-RATE-11: the flag follows the decision in force; a case-by-case re-rating is done.
        flags = {k: v for k, v in subject.flags.items() if k not in ("second_khtnv", "rerate_case_by_case")}
        if rules.is_second_khtnv(subject, level, facts):
            flags["second_khtnv"] = True
        subject.flags = flags
        data = {"level": level, "proposed": subject.proposed_level, "quota_exceeded": quota_exceeded}
        if subject.decided_points is not None:
            data.update(points=str(subject.decided_points), scores=subject.scores.get("decided", {}))
            data.update(waived=subject.scores.get("waived", {}))
        events.append(EventInput(subject, "decide", from_state, subject.state, reason, data))
    Decision.objects.bulk_create(made, batch_size=1000)
    now = timezone.now()
    for decision in decisions:
        decision.subject.updated_at = now
    Subject.objects.bulk_update(
        [d.subject for d in decisions],
        ["decided_level", "decided_points", "scores", "state", "flags", "updated_at"],
        batch_size=1000,
    )
    append_events(season=season, actor=actor, events=events)
    notifications.notify_decided([d.subject for d in decisions])
    return made


def _lowered_problems(subject: Subject, level: str, reason: str) -> list[str]:
    """R-STEP-1 step 3: the deciding level may decide lower than proposed, but says why (the
    member reads the reason with their result)."""
    rule_set = subject.season.rule_set
    proposed = subject.proposed_level
    if not proposed or reason.strip() or rule_set.level_rank(level) <= rule_set.level_rank(proposed):
        return []
    return [
        _(
            "decided %(level)s, lower than the %(proposed)s proposed: write the reason for the lower "
            "level in the decision's reason box; the member will read it with the result."
        )
        % {"level": level, "proposed": proposed}
    ]


def _settle_points(subject: Subject, decision: DecisionInput) -> list[str]:
    """R366-SCORE-4 (decision): the decided points (by default the appraised ones) and the KHTNV
    cases the deciding level waives case by case, with a reason (R366-RATE-4, R366-RATE-5,
    R366-RATE-6)."""
    items = _items(subject)
    scores = dict(subject.scores or {})
    if decision.points is None:
        points, errors = dict(scores.get("proposed") or {}), []
    else:
        points, errors = scoring.clean_scores(decision.points, items, subject.season.rule_set.scoring)
    waived = {}
    for code, why in (decision.waived or {}).items():
        if not str(why).strip():
            errors.append(_("Say why the case is weighed case by case."))
        else:
            waived[code] = str(why).strip()
    scores.update(decided=points, waived=waived)
    subject.scores = scores
    subject.decided_points = scoring.totals(items, points).total
    return errors


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
