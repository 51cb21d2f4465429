"""Who may take a quarter's steps, and what blocks them: reasons in plain Vietnamese that name who
must act (R366-QTR-1..5). The season's access rules decide (reviews/access.py): the leader or
their cell's officers write the self-assessment, the deciding level of the year's rating is the
managing body that evaluates the quarter, the province's board opens it."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import access, rules, scoring
from reviews.models import QuarterlyEvaluation, QuotaGroup, Season, SeasonUnit
from reviews.regimes.qd366.levels import band

Q = QuarterlyEvaluation.State
EDITABLE = (Q.DRAFT, Q.RETURNED)


def _day(moment) -> str:
    """The Vietnam day of a stored (UTC) moment, as the refusals write it: a submission at 05:00
    on 12/06 is 22:00 UTC on 11/06 and reads 12/06/2026."""
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


# -- who ------------------------------------------------------------------------------------------


def top_unit(season: Season) -> SeasonUnit:
    return SeasonUnit.objects.get(season=season, organization_id=season.top_organization_id)


def may_open_quarter(user, season: Season) -> str | None:
    """R366-QTR-1, R366-QTR-5: the provincial board (or the staff of the top committee) chooses
    who is evaluated each quarter and opens a quarter."""
    top = top_unit(season)
    if access.season_scope(user, season).is_staff_at(top.path):
        return None
    return _(
        "Only the organization board or the staff of %(top)s open a quarter and choose who is evaluated."
    ) % {"top": top.name}


def may_read_quarter_table(user, season: Season) -> str | None:
    """R366-QTR-2: the summary table of a quarter lists the evaluations of the reader's part of the
    season, for the roles that see a part of the tree: committee staff and the board, committee
    leaders, cell officers. An attendee of a unit's review meeting (R-SUP-1) sees that meeting, not
    the quarters; a member sees their own Mẫu 05 only. Neither gets an empty table."""
    scope = access.season_scope(user, season)
    if scope.everything or scope.paths():
        return None
    return _(
        "Only committee staff, committee leaders and cell secretaries download the summary table of "
        "a quarter, for the part of the province they are responsible for."
    )


def may_self_assess(user, evaluation: QuarterlyEvaluation) -> str | None:
    """The leader writes their own Mẫu 05; the cell's officers or staff above may enter it for them
    (the same rule as the year's form)."""
    if access.may_edit_form(user, evaluation.subject) is None:
        return None
    return _(
        "Only %(name)s, the secretary of their cell or committee staff may write this self-assessment."
    ) % {"name": evaluation.subject.name}


def may_evaluate(user, evaluation: QuarterlyEvaluation) -> str | None:
    """R366-QTR-2: the managing body — the level that decides the leader's rating in the season —
    appraises, decides or returns the quarter; no other level acts in its place."""
    subject = evaluation.subject
    if access.may_decide(user, subject) is None:
        return None
    decider = access.deciding_unit(subject)
    if decider is None:
        return _("%(name)s is not evaluated by a level of this province.") % {"name": subject.name}
    return _("Only %(decider)s evaluates the quarter of %(name)s.") % {
        "decider": decider.name,
        "name": subject.name,
    }


# -- what blocks a step -----------------------------------------------------------------------------


def state_problems(evaluation: QuarterlyEvaluation, step: str) -> list[str]:
    """The evaluation's state does not allow `step` ("submit", "decide" or "return"): say what
    comes first and who does it."""
    state, subject = evaluation.state, evaluation.subject
    decider = access.deciding_unit(subject)
    decider_name = decider.name if decider else _("the managing body")
    if state == Q.DECIDED:
        return [
            _("The quarter was evaluated by %(decider)s on %(day)s: it is no longer changed.")
            % {"decider": decider_name, "day": _day(evaluation.decided_at)}
        ]
    if step == "submit" and state == Q.SUBMITTED:
        return [
            _(
                "The self-assessment was submitted on %(day)s: %(decider)s now evaluates it or returns it for rework."
            )
            % {"day": _day(evaluation.submitted_at), "decider": decider_name}
        ]
    if step in ("decide", "return") and state in EDITABLE:
        return [
            _(
                "%(name)s has not submitted the self-assessment of quarter %(n)d yet: they (or the "
                "secretary of their cell) submit it first."
            )
            % {"name": subject.name, "n": evaluation.quarter.number}
        ]
    return []


def group_items(rule_set) -> list[scoring.Item]:
    """R366-SCORE-1 on Mẫu 05: the general group (…/30) and the task results (…/70), each scored as
    a whole."""
    return [
        scoring.Item(g["key"], g["key"], g["label"], Decimal(g["max"]), scoring.POINTS)
        for g in scoring.groups(rule_set.scoring)
    ]


def points_problems(rule_set, values: dict) -> tuple[dict[str, Decimal], list[str]]:
    """The points of each group as typed (`values[group key]`), checked against the group's
    maximum; (points by group, problems)."""
    found, problems = {}, []
    for item in group_items(rule_set):
        raw = values.get(item.key)
        if raw in (None, ""):
            problems.append(
                _("Give the points of “%(group)s” (out of %(max)s).")
                % {"group": item.title, "max": scoring.points_text(item.max)}
            )
            continue
        value, problem = scoring.clean_points(raw, item, rule_set.scoring)
        if problem:
            problems.append(f"{item.title}: {problem}")
        else:
            found[item.key] = value
    return found, problems


def level_problems(rule_set, points: Decimal | None, level: str) -> list[str]:
    """R366-RATE-1 through R366-QTR-2: the level is one of the regime's and not above the band
    its points fall in (a lower level is allowed: the conditions may not hold)."""
    codes = rule_set.level_codes()
    if level not in codes:
        return [_("Choose a level.")]
    if points is None:
        return []
    ceiling = band(points, rule_set.scoring["bands"], codes)
    if codes.index(level) < codes.index(ceiling):
        return [
            _("%(points)s/100 points reach at most %(band)s; %(level)s needs %(needed)s points.")
            % {
                "points": scoring.points_text(points),
                "band": ceiling,
                "level": level,
                "needed": rule_set.scoring["bands"][level],
            }
        ]
    return []


def quota_problems(evaluation: QuarterlyEvaluation, level: str, quota_on: bool) -> list[str]:
    """R366-QTR-4 with R366-RATE-10: a quarter has no quota unless the province switches it on;
    then the season's quota applies within the leader's quota group, quarter by quarter. The
    caller holds the group's lock."""
    rule_set = evaluation.subject.season.rule_set
    quota = rule_set.quota
    if not quota_on or level != quota["capped_level"]:
        return []
    key = evaluation.subject.quota_key
    group = QuotaGroup.objects.filter(season_id=evaluation.subject.season_id, key=key).first()
    levels = list(
        QuarterlyEvaluation.objects.filter(
            quarter_id=evaluation.quarter_id, subject__quota_key=key, state=Q.DECIDED
        )
        .exclude(pk=evaluation.pk)
        .values_list("decided_level", flat=True)
    )
    count = rules.quota_count(
        group.label if group else key, [*levels, level], rules.group_quota(quota, group)
    )
    if count.exceeded:
        return [_("The quarter's quota is full: %(count)s.") % {"count": count.sentence()}]
    return []
