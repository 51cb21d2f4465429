"""Deciding several quarters at once (issue 14; R366-QTR-2, R366-QTR-4): the managing body takes
each selected self-assessment at the points and level the leader proposed, with the guarantees of
`decide_quarter` (locks, access, state, the band of the points, the quota where the province
switched it on, one audit event each, the leader's notice) in a constant number of statements: one
locking read, one UPDATE for every accepted row, one append of the events, one batch of notices.
A refused row is reported with its reasons and left untouched; the others are decided."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews import notifications, rules
from reviews.audit import EventInput, append_events
from reviews.models import Notification, Quarter, QuarterlyEvaluation, QuotaGroup
from reviews.quarters import guards
from reviews.quarters.setup import setup_of
from reviews.workflow import WorkflowError

Q = QuarterlyEvaluation.State
BULK_LIMIT = 200


@dataclass
class BulkResult:
    decided: list[QuarterlyEvaluation] = field(default_factory=list)
    refused: list[tuple[QuarterlyEvaluation, list[str]]] = field(default_factory=list)


def _row_problems(actor, evaluation: QuarterlyEvaluation) -> list[str]:
    """What `decide_quarter` checks, for the self-assessed points and level (R366-QTR-2)."""
    if refusal := guards.may_evaluate(actor, evaluation):
        return [refusal]
    if problems := guards.state_problems(evaluation, "decide"):
        return problems
    rule_set = evaluation.subject.season.rule_set
    values = {"general": evaluation.self_general, "tasks": evaluation.self_tasks}
    points, problems = guards.points_problems(rule_set, values)
    total = sum(points.values()) if not problems else None
    return problems + guards.level_problems(rule_set, total, evaluation.self_level)


class _Quota:
    """R366-QTR-4 with R366-RATE-10, when switched on: the quarter's decided levels per quota group,
    read once under the groups' locks, counting the batch's accepted rows as they are accepted."""

    def __init__(self, quarter: Quarter, rows: list[QuarterlyEvaluation]):
        season = quarter.season
        self.quota = season.rule_set.quota
        keys = {e.subject.quota_key for e in rows}
        self.groups = {
            g.key: g for g in QuotaGroup.objects.select_for_update().filter(season=season, key__in=keys)
        }
        self.levels: dict[str, list[str]] = {k: [] for k in keys}
        for key, level in QuarterlyEvaluation.objects.filter(
            quarter=quarter, subject__quota_key__in=keys, state=Q.DECIDED
        ).values_list("subject__quota_key", "decided_level"):
            self.levels[key].append(level)

    def problems(self, evaluation: QuarterlyEvaluation) -> list[str]:
        level, key = evaluation.self_level, evaluation.subject.quota_key
        if level != self.quota["capped_level"]:
            return []
        group = self.groups.get(key)
        count = rules.quota_count(
            group.label if group else key, [*self.levels[key], level], rules.group_quota(self.quota, group)
        )
        if count.exceeded:
            return [_("The quarter's quota is full: %(count)s.") % {"count": count.sentence()}]
        return []

    def accept(self, evaluation: QuarterlyEvaluation) -> None:
        self.levels[evaluation.subject.quota_key].append(evaluation.self_level)


@transaction.atomic
def decide_quarters(*, quarter: Quarter, actor, pks: list[int]) -> BulkResult:
    """R366-QTR-2: decide the selected evaluations of `quarter` at their self-assessed points and
    level; each refused row keeps its state and is reported with its reasons."""
    if not pks:
        raise WorkflowError([_("Select the self-assessments to evaluate.")])
    if len(pks) > BULK_LIMIT:
        raise WorkflowError([_("Select at most %(n)d self-assessments at a time.") % {"n": BULK_LIMIT}])
    rows = list(
        QuarterlyEvaluation.objects.select_for_update(of=("self",))
        .select_related(
            "quarter__season__rule_set",
            "subject__season__rule_set",
            "subject__decider__parent",
            "subject__unit",
            "subject__member",
        )
        .filter(quarter=quarter, pk__in=pks)
        .order_by("pk")
    )
    result = BulkResult()
    quota = _Quota(quarter, rows) if setup_of(quarter.season).quota and rows else None
    # With the quota on, the capped level is checked last, so that the batch's other levels count
    # in the base of the quota (one by one, the order of the clicks would decide).
    capped = quota.quota["capped_level"] if quota is not None else None
    for evaluation in sorted(rows, key=lambda e: e.self_level == capped):
        problems = _row_problems(actor, evaluation)
        if not problems and quota is not None:
            problems = quota.problems(evaluation)
        if problems:
            result.refused.append((evaluation, problems))
            continue
        if quota is not None:
            quota.accept(evaluation)
        result.decided.append(evaluation)
    if not result.decided:
        return result
    now = timezone.now()
    QuarterlyEvaluation.objects.filter(pk__in=[e.pk for e in result.decided]).update(
        state=Q.DECIDED,
        decided_general=F("self_general"),
        decided_tasks=F("self_tasks"),
        decided_points=F("self_general") + F("self_tasks"),
        decided_level=F("self_level"),
        decided_by=actor,
        decided_at=now,
        updated_at=now,
    )
    events = []
    for e in result.decided:
        from_state = e.state
        e.state, e.decided_by, e.decided_at = Q.DECIDED, actor, now
        e.decided_general, e.decided_tasks = e.self_general, e.self_tasks
        e.decided_points, e.decided_level = e.self_general + e.self_tasks, e.self_level
        events.append(
            EventInput(
                subject=e.subject,
                action="quarter_decide",
                from_state=e.subject.state,
                to_state=e.subject.state,
                data={
                    "quarter": quarter.number,
                    "evaluation": e.pk,
                    "from": from_state,
                    "to": Q.DECIDED,
                    "points": str(e.decided_points),
                    "level": e.decided_level,
                    "bulk": True,
                },
            )
        )
    append_events(season=quarter.season, actor=actor, events=events)
    _notify(quarter, result.decided)
    return result


def _notify(quarter: Quarter, decided: list[QuarterlyEvaluation]) -> int:
    """Each leader hears of their quarter; their cells' officers get one digest."""
    by_subject = {e.subject_id: e for e in decided}
    rule_set = quarter.season.rule_set

    def text(s):
        return _("%(name)s: quarter %(n)d evaluated, %(level)s.") % {
            "name": s.name,
            "n": quarter.number,
            "level": rule_set.level_label(by_subject[s.pk].decided_level),
        }

    def digest(d):
        return ngettext(
            "Quarter %(q)d evaluated for %(n)d leader: %(list)s.",
            "Quarter %(q)d evaluated for %(n)d leaders: %(list)s.",
            d.count,
        ) % {"q": quarter.number, "n": d.count, "list": d.listing()}

    def link(_kind, s, own):
        return reverse("reviews:quarter-form", args=[quarter.season_id, by_subject[s.pk].pk])

    return notifications.notify(
        [e.subject for e in decided], Notification.Kind.DECIDED, text, digest, link_for=link
    )
