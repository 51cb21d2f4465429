"""The decision, one subject or a batch, with the quota counted under lock."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import access, notifications, rules, scoring
from reviews.audit import EventInput, append_events
from reviews.bulk import update_rows
from reviews.facts import Facts
from reviews.models import Decision, QuotaGroup, Subject
from reviews.refusals import Reason
from reviews.regimes import regime_of
from reviews.workflow.core import (
    S,
    WorkflowError,
    _allow_all,
    _gap_note,
    _items,
    _locked,
    _refuse_if,
    _state_problem,
    _with_name,
    open_check_problems,
)


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
    decided: dict[str, dict[int, str]] = defaultdict(dict)  # one read for every group of the batch
    for pk, key, level in Subject.objects.filter(
        season=season, quota_key__in=keys, state=S.DECIDED
    ).values_list("pk", "quota_key", "decided_level"):
        decided[key][pk] = level
    for subject in subjects:
        if subject.quota_key:
            decided[subject.quota_key][subject.pk] = levels_now[subject.pk]
    refusals, exceeded = [], []
    for key in keys:
        group = groups.get(key)
        count = rules.quota_count(
            group.label if group else key, list(decided[key].values()), rules.group_quota(quota, group)
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
    rows = {s.pk: s for s in _locked([d.subject for d in decisions])}
    _allow_all("decide", actor, rows.values())  # on the rows read with their season: no query each
    decisions = sorted(decisions, key=lambda d: decision_order(rows[d.subject.pk]))
    locked = [rows[d.subject.pk] for d in decisions]
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
    update_rows(
        [d.subject for d in decisions],
        ["decided_level", "decided_points", "scores", "state", "flags", "updated_at"],
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
