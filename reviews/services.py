"""Season operations around the workflow: suggestions, comments from other cells, prerequisite
collectives, remediation plans and the re-rating of an earlier year (R-RATE-4)."""

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.kept_reads import KeptRead
from members.models import DisciplineRecord
from organizations.models import AffiliatedCollective
from reviews import access
from reviews.audit import append_event
from reviews.models import (
    AffiliateReview,
    Decision,
    FormerCellComment,
    RemediationItem,
    RemediationPlan,
    Season,
    Subject,
    Suggestion,
)
from reviews.notifications import notify_suggestion
from reviews.workflow import EDITABLE, WorkflowError, _locked, _refuse_if, allow, end_valid_decision


@transaction.atomic
def issue_suggestion(
    *, subject: Subject, actor, text: str, meeting_min_days: int | None = None
) -> Suggestion:
    """R-FORM-4: an upper level issues a suggestion; a submitted form goes back to its author to
    answer it in section IV. R366-SCOPE-8: the issuing level may set how many days the review
    meeting lasts at least."""
    allow(access.may_issue_suggestion(actor, subject))
    if not text.strip():
        raise WorkflowError([_("The suggestion is empty.")])
    if meeting_min_days is not None and not 1 <= meeting_min_days <= 30:
        raise WorkflowError([_("The review meeting lasts from 1 to 30 days.")])
    subject = _locked([subject])[0]
    if subject.state not in (*EDITABLE, Subject.State.SUBMITTED):
        raise WorkflowError(
            [
                _("%(name)s has already been reviewed; suggestions come before the review.")
                % {"name": subject.name}
            ]
        )
    suggestion = Suggestion.objects.create(
        subject=subject,
        issued_by_unit=_issuing_unit(actor, subject) or subject.unit,
        issued_by=actor,
        text=text.strip(),
        meeting_min_days=meeting_min_days,
    )
    from_state = subject.state
    if subject.state == Subject.State.SUBMITTED:
        subject.state = Subject.State.RETURNED
        subject.save(update_fields=["state", "updated_at"])
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="suggest",
        from_state=from_state,
        to_state=subject.state,
        reason=text.strip(),
        data={"suggestion": suggestion.pk},
    )
    notify_suggestion(subject)
    return suggestion


def _issuing_unit(actor, subject: Subject):
    """R366-SCOPE-8: the level that issues a suggestion is the actor's own: the deepest unit above
    the subject where they are staff (the province for the provincial board), not merely the
    nearest unit their scope covers."""
    scope = access.season_scope(actor, subject.season)
    above = list(
        subject.season.units.filter(path__in=_prefixes(subject.path))
        .exclude(path=subject.path)
        .order_by("-depth")
    )
    staff_at = {path for kind, path in scope.roles if kind in access.STAFF}
    own = next((u for u in above if u.path in staff_at), None)
    return own or (above[-1] if above and scope.everything else None)


def _prefixes(path: str, step: int = 4) -> list[str]:
    return [path[:i] for i in range(step, len(path) + 1, step)]


@transaction.atomic
def answer_suggestion(*, suggestion: Suggestion, actor, answer: str) -> Suggestion:
    subject = _locked([suggestion.subject])[0]
    allow(access.may_edit_form(actor, subject))
    _refuse_if(
        [] if subject.state in EDITABLE else [_("The review has been submitted; it cannot be changed now.")]
    )
    suggestion.answer = answer.strip()
    suggestion.answered_at = timezone.now() if suggestion.answer else None
    suggestion.save(update_fields=["answer", "answered_at"])
    return suggestion


@transaction.atomic
def attach_outside_comment(
    *, subject: Subject, actor, source: str, from_name: str, text: str, received_on: datetime.date
) -> FormerCellComment:
    """R-SCOPE-4: the written comments of a former cell or of the cell of temporary registration;
    R366-REC-1: those of the party committee of the member's place of residence."""
    allow(access.may_return_form(actor, subject))
    if source not in FormerCellComment.Source.values:
        raise WorkflowError([_("Say where the comments come from.")])
    if not text.strip() or not from_name.strip():
        raise WorkflowError([_("Give the cell the comments come from and the comments themselves.")])
    comment = FormerCellComment.objects.create(
        subject=subject,
        source=source,
        from_name=from_name.strip(),
        text=text.strip(),
        received_on=received_on,
        recorded_by=actor,
    )
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="outside_comment",
        from_state=subject.state,
        to_state=subject.state,
        data={"source": source, "from": from_name},
    )
    return comment


@transaction.atomic
def mark_affiliate_reviewed(
    *, season: Season, affiliate: AffiliatedCollective, actor, done_on: datetime.date
):
    """R-ORDER-4: the government/professional/mass collective of the unit has been reviewed."""
    unit = season.units.filter(organization=affiliate.organization).first()
    if unit is None:
        raise WorkflowError(
            [_("%(name)s is not part of this season.") % {"name": affiliate.organization.name}]
        )
    allow(access.may_record_meeting(actor, unit))
    record, _created = AffiliateReview.objects.update_or_create(
        season=season, affiliate=affiliate, defaults={"done_on": done_on, "recorded_by": actor}
    )
    append_event(
        season=season,
        subject=None,
        actor=actor,
        action="affiliate_reviewed",
        data={"affiliate": affiliate.pk, "name": affiliate.name, "done_on": done_on.isoformat()},
    )
    return record


@transaction.atomic
def submit_remediation_plan(*, subject: Subject, actor, items: list[dict]) -> RemediationPlan:
    """R-REC-3: after the review, a plan (items, who, by when) for each shortcoming."""
    allow(access.may_edit_form(actor, subject))
    cleaned = [i for i in items if str(i.get("text", "")).strip()]
    if not cleaned:
        raise WorkflowError([_("A remediation plan needs at least one item.")])
    plan, _created = RemediationPlan.objects.get_or_create(subject=subject)
    if plan.submitted_at:  # R-REC-2: nothing is deleted; progress is recorded per item
        raise WorkflowError([_("The plan has been submitted; record the progress of each item instead.")])
    RemediationItem.objects.bulk_create(
        [
            RemediationItem(
                plan=plan, text=i["text"].strip(), owner=i.get("owner", ""), due_on=i.get("due_on")
            )
            for i in cleaned
        ]
    )
    plan.submitted_at, plan.submitted_by = timezone.now(), actor
    plan.save(update_fields=["submitted_at", "submitted_by"])
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="remediation_plan",
        from_state=subject.state,
        to_state=subject.state,
        data={"items": len(cleaned)},
    )
    return plan


@transaction.atomic
def update_remediation_item(*, item: RemediationItem, actor, status: str, note: str = "") -> RemediationItem:
    """R-REC-3: the member (or whoever may write their review) records an item's result; only
    the cell's officers or staff above change its status (access.may_mark_remediation, R366-RATE-2).
    Each change is an event (R-REC-4)."""
    subject = item.plan.subject
    allow(access.may_edit_form(actor, subject))
    before = item.status
    if status != before:
        allow(access.may_mark_remediation(actor, subject))
    if (status, note) == (before, item.status_note):
        return item
    item.status, item.status_note, item.updated_at = status, note, timezone.now()
    item.save(update_fields=["status", "status_note", "updated_at"])
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="remediation_item",
        from_state=subject.state,
        to_state=subject.state,
        data={"item": item.pk, "from_status": before, "to_status": status, "note": note},
    )
    return item


def _earlier_subject(top_id: int, year: int, kind: str, owner_id: int, *, of_member: bool):
    owner = {"member_id": owner_id} if of_member else {"unit__organization_id": owner_id}
    return (
        Subject.objects.filter(season__top_organization_id=top_id, season__year=year, kind=kind, **owner)
        .select_related("form", "remediation_plan")
        .order_by("pk")[:1]
    )


_EARLIER_MEMBER = KeptRead(partial(_earlier_subject, of_member=True), int, int, str, int)
_EARLIER_COLLECTIVE = KeptRead(partial(_earlier_subject, of_member=False), int, int, str, int)


def previous_shortcomings(subject: Subject) -> dict:
    """R-FORM-6: what section III starts from: last season's shortcomings and remediation items."""
    season = subject.season
    if subject.is_member:
        read, owner_id = _EARLIER_MEMBER, subject.member_id
    else:
        read, owner_id = _EARLIER_COLLECTIVE, subject.unit.organization_id
    previous = read.first(season.top_organization_id, season.year - 1, str(subject.kind), owner_id)
    if previous is None:
        return {"shortcomings": "", "items": []}
    form = getattr(previous, "form", None)
    plan = getattr(previous, "remediation_plan", None)
    return {
        "year": subject.season.year - 1,
        "shortcomings": (form.answers.get("II.1") or {}).get("text", "") if form else "",
        "items": list(plan.items.all()) if plan else [],
        "level": previous.decided_level,
        "level_label": subject.season.rule_set.level_label(previous.decided_level),
    }


@transaction.atomic
def rerate_for_past_violation(*, record: DisciplineRecord, actor) -> Decision | None:
    """R-RATE-4: a violation of an earlier year disciplined now reopens that year's rating; the
    directly superior committee re-rates it KHTNV (case by case when self-found and remedied),
    the old result is cancelled and stays on record, commendations on it are flagged."""
    subject = (
        Subject.objects.filter(
            member=record.member, season__year=record.violation_year, state=Subject.State.DECIDED
        )
        .select_related("season__rule_set", "decider")
        .first()
    )
    if subject is None:
        return None
    subject = _locked([subject])[0]
    allow(access.may_cancel(actor, subject))
    if not record.self_found_and_remedied:
        # The re-rating page's own path (reviews/rerating.py): the committee directly above decides
        # the lowest level itself, the reason saying which discipline reopened the year.
        from reviews import rerating

        ground = next((v for v in rerating.past_violations(subject) if v.record.pk == record.pk), None)
        lowest = subject.season.rule_set.level_codes()[-1]
        note = ground.note if ground is not None else ""
        return rerating.rerate(subject=subject, actor=actor, level=lowest, reason=note, record=record)
    reason = _("Discipline of %(date)s for a violation in %(year)s.") % {
        "date": record.decided_on.strftime("%d/%m/%Y"),
        "year": record.violation_year,
    }
    old = end_valid_decision(subject, actor, Decision.Status.CANCELLED, reason, commendation=True)
    from_state = subject.state
    subject.state, subject.decided_level = Subject.State.PROPOSED, ""
    subject.flags = {**subject.flags, "rerate_case_by_case": record.pk}
    subject.save(update_fields=["state", "decided_level", "flags", "updated_at"])
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="cancel",
        from_state=from_state,
        to_state=subject.state,
        reason=reason,
        data={"level": old.level, "discipline": record.pk},
    )
    return None


# For subjects this import has just moved to "decided": none of them holds a valid decision (a
# reopened or cancelled one has ended), so no anti-join is needed. (A NOT EXISTS on the decision
# table, which is filling in the same statement, made this quadratic: 500,000 rows ran for tens
# of minutes.)
IMPORT_DECISIONS = """
INSERT INTO reviews_decision (subject_id, level, points, decider_id, decided_by_id, decided_at, rule_set_id,
                              reason, status, end_reason, needs_commendation_review)
SELECT s.id, s.decided_level, s.decided_points, s.decider_id, %s, %s, %s, %s, 'valid', '', %s
FROM reviews_subject s
WHERE s.id IN ({ids}) AND s.decider_id IS NOT NULL
"""
IMPORT_CHUNK = 5000
POINTS_CHUNK = 400  # rows per UNION ALL: SQLite (the embedded default) allows 500 terms
IMPORT_POINTS = """
UPDATE reviews_subject SET self_points = v.points, proposed_points = v.points, decided_points = v.points
FROM ({rows}) AS v
WHERE reviews_subject.id = v.id
"""


@transaction.atomic
def import_decided_results(
    *, season: Season, levels: dict[int, str], actor, source: str, points: dict | None = None
) -> int:
    """Record results decided outside the app (an earlier season on paper or in Excel), so that
    comparisons (R-STAT-1), section III (R-FORM-6) and second-KHTNV flags (R-RATE-11) have last
    year to look at; under a points regime, with the points decided where they are known. One
    event records the import; the guards of a live decision do not apply. Subjects already decided
    are left as they are."""
    from django.db import connection

    codes = set(season.rule_set.level_codes())
    wrong = sorted({level for level in levels.values() if level not in codes})
    if wrong:
        raise WorkflowError([_("Unknown levels: %(levels)s.") % {"levels": ", ".join(wrong)}])
    by_level: dict[str, list[int]] = {}
    for subject_id, level in levels.items():
        by_level.setdefault(level, []).append(subject_id)
    eligible = Subject.objects.filter(season=season, out_of_scope="").exclude(state=Subject.State.DECIDED)
    updated: list[int] = []
    for level, ids in sorted(by_level.items()):
        for start in range(0, len(ids), IMPORT_CHUNK):
            chosen = list(
                eligible.filter(pk__in=ids[start : start + IMPORT_CHUNK])
                .select_for_update()
                .values_list("pk", flat=True)
            )
            Subject.objects.filter(pk__in=chosen).update(
                state=Subject.State.DECIDED, self_level=level, proposed_level=level, decided_level=level
            )
            updated += chosen
    scored = [(pk, points[pk]) for pk in updated if points and points.get(pk) is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(scored), POINTS_CHUNK):
            chunk = scored[start : start + POINTS_CHUNK]
            values = " UNION ALL ".join(["SELECT %s AS id, CAST(%s AS numeric) AS points"] * len(chunk))
            cursor.execute(IMPORT_POINTS.format(rows=values), [x for pair in chunk for x in pair])
        for start in range(0, len(updated), IMPORT_CHUNK):
            chunk = updated[start : start + IMPORT_CHUNK]
            cursor.execute(
                IMPORT_DECISIONS.format(ids=", ".join(["%s"] * len(chunk))),
                [actor.pk, timezone.now(), season.rule_set_id, source, False, *chunk],
            )
    append_event(
        season=season,
        subject=None,
        actor=actor,
        action="import_results",
        reason=source,
        data={level: len(ids) for level, ids in sorted(by_level.items())} | {"subjects": len(updated)},
    )
    return len(updated)
