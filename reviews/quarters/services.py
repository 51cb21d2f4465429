"""The quarter's steps (R366-QTR-1..5), each one transaction of the season's engine: lock the rows
it depends on, ask every guard again, change, append an event to the season's audit chain. A
refusal raises the engine's WorkflowError (or NotAllowed) with sentences naming who must act.

Events belong to the leader's year subject; the quarter's own states go in the event's data
(`quarter`, `from`, `to`), and the event's from/to states stay the year's, so nothing that reads
the year's history mistakes a quarter's step for one of the year's."""

import datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import notifications, scoring
from reviews.audit import append_event
from reviews.models import Notification, Quarter, QuarterlyEvaluation, QuotaGroup, Season
from reviews.quarters import guards
from reviews.quarters.periods import NUMBERS, default_period
from reviews.quarters.setup import setup_of
from reviews.regimes import regime_of
from reviews.scope import _expand_tuples, _flat_params
from reviews.workflow import WorkflowError, _refuse_if, allow

Q = QuarterlyEvaluation.State
DRAFT_FIELDS = ("planned_tasks", "self_general", "self_tasks", "self_level", "evidence")


def _event(evaluation: QuarterlyEvaluation, actor, action: str, from_state: str, reason: str = "", **data):
    subject = evaluation.subject
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action=action,
        from_state=subject.state,
        to_state=subject.state,
        reason=reason,
        data={
            "quarter": evaluation.quarter.number,
            "evaluation": evaluation.pk,
            "from": from_state,
            "to": evaluation.state,
            **data,
        },
    )


def _locked(evaluation: QuarterlyEvaluation) -> QuarterlyEvaluation:
    """Lock the evaluation and re-read it with its subject, quarter and season."""
    return (
        QuarterlyEvaluation.objects.select_for_update(of=("self",))
        .select_related(
            "quarter", "subject__season__rule_set", "subject__decider", "subject__unit", "subject__member"
        )
        .get(pk=evaluation.pk)
    )


# -- opening a quarter ------------------------------------------------------------------------------


def opening_problems(season: Season, number: int, starts_on, ends_on, deadline) -> list[str]:
    """R366-QTR-3 (Q1–Q3 only), R366-QTR-5 (any quarter may open first: one not run blocks none)."""
    if not regime_of(season.rule_set).uses_points:
        return [
            _("Quarterly evaluation belongs to the 100-point rules (2025 on); this season does not use them.")
        ]
    if season.status != Season.Status.OPEN:
        return [_("The season is closed.")]
    if number not in NUMBERS:
        return [_("Only quarters 1 to 3 are evaluated; the fourth is part of the year-end rating.")]
    problems = []
    opened = Quarter.objects.filter(season=season, number=number).first()
    if opened:
        problems.append(
            _("Quarter %(n)d was opened on %(day)s.") % {"n": number, "day": guards._day(opened.opened_at)}
        )
    if not (starts_on <= ends_on and starts_on.year == ends_on.year == season.year):
        problems.append(
            _("The quarter's first and last day must be in %(year)d, in that order.") % {"year": season.year}
        )
    if deadline < starts_on:
        problems.append(_("The deadline cannot be before the quarter starts."))
    return problems


INSERT_EVALUATIONS = """
INSERT INTO reviews_quarterlyevaluation
    (quarter_id, subject_id, path, decider_id, state, planned_tasks, self_level, evidence,
     decided_level, comment, return_reason, version, updated_at)
SELECT %(quarter)s, s.id, s.path, s.decider_id, %(draft)s, '', '', '', '', '', '', 0, %(now)s
FROM reviews_subject s
WHERE s.season_id = %(season)s AND s.kind = %(member)s AND s.out_of_scope = ''
  AND s.profile IN %(profiles)s
"""


@transaction.atomic
def open_quarter(
    *,
    season: Season,
    actor,
    number: int,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    deadline: datetime.date | None = None,
) -> Quarter:
    """R366-QTR-1, R366-QTR-5: open quarter `number` for every in-scope member whose profile the
    season evaluates each quarter, in one INSERT … SELECT (a province's 60,000 leaders in one
    statement), with one event on the season's chain."""
    allow(guards.may_open_quarter(actor, season))
    season = Season.objects.select_for_update().select_related("rule_set").get(pk=season.pk)
    period = default_period(season.year, number) if number in NUMBERS else None
    starts_on = starts_on or (period and period.starts_on)
    ends_on = ends_on or (period and period.ends_on)
    deadline = deadline or (period and period.deadline)
    _refuse_if(opening_problems(season, number, starts_on, ends_on, deadline))
    profiles = tuple(setup_of(season).profiles) or ("",)
    quarter = Quarter.objects.create(
        season=season, number=number, starts_on=starts_on, ends_on=ends_on, deadline=deadline, opened_by=actor
    )
    params = {
        "quarter": quarter.pk,
        "season": season.pk,
        "draft": Q.DRAFT,
        "member": "member",
        "now": timezone.now(),
        "profiles": profiles,
    }
    with connection.cursor() as cursor:
        cursor.execute(_expand_tuples(INSERT_EVALUATIONS, params), _flat_params(params))
        count = cursor.rowcount
    append_event(
        season=season,
        subject=None,
        actor=actor,
        action="quarter_open",
        data={
            "quarter": number,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "deadline": deadline.isoformat(),
            "profiles": list(profiles),
            "evaluations": count,
        },
    )
    return quarter


# -- the leader's self-assessment (Mẫu 05) ----------------------------------------------------------


@transaction.atomic
def save_quarter_draft(*, evaluation: QuarterlyEvaluation, actor, values: dict) -> QuarterlyEvaluation:
    """Autosave: merge the fields given (planned tasks, points, level, evidence), never the others,
    so two open tabs cannot erase each other's text. Points are checked at submission."""
    allow(guards.may_self_assess(actor, evaluation))
    evaluation = _locked(evaluation)
    if evaluation.state not in guards.EDITABLE:
        _refuse_if(guards.state_problems(evaluation, "submit"))
    changed = []
    for field in DRAFT_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field in POINT_FIELDS:
            value = _typed_points(evaluation, POINT_FIELDS[field], value)
        if field == "self_level":
            value = _typed_level(evaluation, value)
        setattr(evaluation, field, value)
        changed.append(field)
    if any(field in POINT_FIELDS for field in changed):
        evaluation.self_points = self_total(evaluation)
        changed.append("self_points")
    evaluation.version += 1
    evaluation.save(update_fields=[*changed, "version", "updated_at"])
    return evaluation


def self_total(evaluation: QuarterlyEvaluation):
    """R366-QTR-2: the self-assessed total is general + tasks as they stand, on every save (the
    form, the summary table and Mẫu 05 read it); None while either is missing."""
    if evaluation.self_general is None or evaluation.self_tasks is None:
        return None
    return evaluation.self_general + evaluation.self_tasks


POINT_FIELDS = {"self_general": "general", "self_tasks": "tasks"}


def _typed_points(evaluation: QuarterlyEvaluation, group: str, raw):
    """Points as typed for a group ("12,5"), checked against the group's maximum: blank clears
    them; anything else wrong refuses the save, saying what (R366-SCORE-1 on Mẫu 05)."""
    if raw is None or str(raw).strip() == "":
        return None
    item = next(i for i in guards.group_items(evaluation.subject.season.rule_set) if i.key == group)
    value, problem = scoring.clean_points(raw, item, evaluation.subject.season.rule_set.scoring)
    _refuse_if([f"{item.title}: {problem}"] if problem else [])
    return value


def _typed_level(evaluation: QuarterlyEvaluation, raw) -> str:
    """R366-QTR-2: the proposed level is one of the rule set's levels (or none yet); anything
    else refuses the save, naming the field."""
    level = str(raw or "").strip()
    if level and level not in evaluation.subject.season.rule_set.level_codes():
        _refuse_if([_("%(field)s: choose a level from the list.") % {"field": _("Proposed level")}])
    return level


def submit_problems(evaluation: QuarterlyEvaluation) -> list[str]:
    """R366-QTR-2: Mẫu 05 complete — planned tasks and products, …/30 and …/70, a proposed level
    within the band of the total."""
    rule_set = evaluation.subject.season.rule_set
    problems = []
    if not evaluation.planned_tasks.strip():
        problems.append(_("List the planned tasks and products of the quarter."))
    points, found = guards.points_problems(
        rule_set, {"general": evaluation.self_general, "tasks": evaluation.self_tasks}
    )
    problems += found
    total = sum(points.values()) if not found else None
    return problems + guards.level_problems(rule_set, total, evaluation.self_level)


@transaction.atomic
def submit_quarter_self_assessment(*, evaluation: QuarterlyEvaluation, actor) -> QuarterlyEvaluation:
    """R366-QTR-2: the self-assessment goes to the managing body."""
    allow(guards.may_self_assess(actor, evaluation))
    evaluation = _locked(evaluation)
    _refuse_if(guards.state_problems(evaluation, "submit") or submit_problems(evaluation))
    from_state = evaluation.state
    evaluation.self_points = self_total(evaluation)
    evaluation.state, evaluation.submitted_at = Q.SUBMITTED, timezone.now()
    evaluation.save(update_fields=["self_points", "state", "submitted_at", "updated_at"])
    _event(
        evaluation,
        actor,
        "quarter_submit",
        from_state,
        points=str(evaluation.self_points),
        level=evaluation.self_level,
    )
    return evaluation


# -- the managing body ---------------------------------------------------------------------------------


@transaction.atomic
def decide_quarter(
    *, evaluation: QuarterlyEvaluation, actor, general, tasks, level: str, comment: str = ""
) -> QuarterlyEvaluation:
    """R366-QTR-2, R366-QTR-3: the managing body's points (…/30 + …/70) and level, within the band
    of the points (R366-RATE-1); the quota only where the province switched it on (R366-QTR-4)."""
    allow(guards.may_evaluate(actor, evaluation))
    evaluation = _locked(evaluation)
    season = evaluation.subject.season
    quota_on = setup_of(season).quota
    if quota_on:  # serialise the group's decisions on the year's lock row
        list(QuotaGroup.objects.select_for_update().filter(season=season, key=evaluation.subject.quota_key))
    _refuse_if(guards.state_problems(evaluation, "decide"))
    points, problems = guards.points_problems(season.rule_set, {"general": general, "tasks": tasks})
    total = sum(points.values()) if not problems else None
    problems += guards.level_problems(season.rule_set, total, level)
    _refuse_if(problems or guards.quota_problems(evaluation, level, quota_on))
    from_state = evaluation.state
    evaluation.decided_general, evaluation.decided_tasks = points["general"], points["tasks"]
    evaluation.decided_points, evaluation.decided_level = total, level
    evaluation.comment, evaluation.state = comment.strip(), Q.DECIDED
    evaluation.decided_by, evaluation.decided_at = actor, timezone.now()
    evaluation.save()
    _event(evaluation, actor, "quarter_decide", from_state, points=str(total), level=level)
    _notify(evaluation, Notification.Kind.DECIDED)
    return evaluation


@transaction.atomic
def return_quarter_evaluation(*, evaluation: QuarterlyEvaluation, actor, reason: str) -> QuarterlyEvaluation:
    """R366-QTR-2: the managing body sends the self-assessment back, saying why (who may is
    checked first: another user is told that, not that a reason is missing)."""
    allow(guards.may_evaluate(actor, evaluation))
    if not reason.strip():
        raise WorkflowError([_("Say why the self-assessment is returned.")])
    evaluation = _locked(evaluation)
    _refuse_if(guards.state_problems(evaluation, "return"))
    from_state, evaluation.state = evaluation.state, Q.RETURNED
    evaluation.return_reason = reason.strip()
    evaluation.save(update_fields=["state", "return_reason", "updated_at"])
    _event(evaluation, actor, "quarter_return", from_state, reason=reason.strip())
    _notify(evaluation, Notification.Kind.RETURNED)
    return evaluation


def _notify(evaluation: QuarterlyEvaluation, kind: str) -> int:
    """The leader and their cell's officers hear of the quarter's result or its return."""
    n = evaluation.quarter.number
    rule_set = evaluation.subject.season.rule_set
    if kind == Notification.Kind.DECIDED:

        def text(s):
            return _("%(name)s: quarter %(n)d evaluated, %(level)s.") % {
                "name": s.name,
                "n": n,
                "level": rule_set.level_label(evaluation.decided_level),
            }
    else:

        def text(s):
            return _("%(name)s: self-assessment of quarter %(n)d returned: %(reason)s") % {
                "name": s.name,
                "n": n,
                "reason": evaluation.return_reason,
            }

    def link(_kind, _subject, own):
        return reverse("reviews:quarter-form", args=[evaluation.quarter.season_id, evaluation.pk])

    return notifications.notify([evaluation.subject], kind, text, link_for=link)
