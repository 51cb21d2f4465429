"""Re-rating a decided result by the committee directly above the level that decided it
(R-STEP-3, R366-STEP-2): the result is cancelled and kept, the new one is in force, the
commendations based on the old level are flagged to be looked at again.

A violation of an earlier year disciplined later reopens that year under QĐ 124 (R-RATE-4: the
level is KHTNV unless the member found the violation and remedied it); under QĐ 366 it is weighed
in the rating of the year of the discipline instead (R366-RATE-7). Which applies is the regime of
the rules the discipline falls under: the season of the year it was decided, or the rule set that
year would open under. What each regime says is in reviews/regimes/.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.models import DisciplineRecord
from reviews import access, notifications, scoring
from reviews.audit import append_event
from reviews.defaults import rule_set_for_year
from reviews.models import Decision, Subject
from reviews.refusals import Reason
from reviews.regimes import regime_of
from reviews.regimes.qd366.levels import band
from reviews.workflow import WorkflowError, _locked, _quota_refusals, allow, end_valid_decision


@dataclass
class PastViolation:
    """Discipline decided after the subject's year for a violation committed in it."""

    record: DisciplineRecord
    reopens: bool  # R-RATE-4 (reopens the year) or R366-RATE-7 (weighed in a later year)
    note: str
    levels: list[str]  # the levels the year may be re-rated at on this ground
    weighed_in: Subject | None = None  # R366-RATE-7: the member's subject of the year of discipline


def past_violations(subject: Subject) -> list[PastViolation]:
    """The member's discipline for a violation of the subject's year decided in a later year, with
    what the rules in force for that discipline say of it. Two queries."""
    season = subject.season
    if not subject.is_member:
        return []
    records = list(
        DisciplineRecord.objects.filter(
            member_id=subject.member_id, violation_year=season.year, decided_on__year__gt=season.year
        ).order_by("decided_on", "pk")
    )
    if not records:
        return []
    # The member's subjects of the years of discipline bring their seasons' rules along.
    later = {
        s.season.year: s
        for s in Subject.objects.filter(
            season__top_organization_id=season.top_organization_id,
            season__year__in={r.decided_on.year for r in records},
            member_id=subject.member_id,
        ).select_related("season__rule_set")
    }
    levels = season.rule_set.level_codes()
    found = []
    for record in records:
        year = record.decided_on.year
        rules = later[year].season.rule_set if year in later else rule_set_for_year(year)
        regime = regime_of(rules)
        weighed_in = later.get(year) if not regime.reopens_year_of_violation else None
        found.append(
            PastViolation(
                record=record,
                reopens=regime.reopens_year_of_violation,
                note=regime.past_violation_note(record, levels[-1]),
                levels=regime.past_violation_levels(record, levels)
                if regime.reopens_year_of_violation
                else [],
                weighed_in=weighed_in,
            )
        )
    return found


def already_rerated(subject: Subject, current: Decision | None) -> Reason | None:
    """R-RATE-4, R-STEP-3: a decided result is re-rated once. The decision in force, when the
    committee above made it (a re-rating, or the case-by-case decision after one), is not re-rated
    again by the same committee; once that re-rating is cancelled the year is decided anew and may
    be re-rated again. No query: `current` comes with its decider."""
    if current is None or current.decider_id == subject.decider_id:
        return None
    return Reason(
        _(
            "This result was already re-rated by %(committee)s on %(date)s (%(level)s, in force): a "
            "result is re-rated only once. To re-rate it again, that re-rating must first be cancelled."
        )
        % {
            "committee": current.decider.name,
            "date": date_format(current.decided_at, "SHORT_DATE_FORMAT"),
            "level": current.level,
        },
        rule="R-RATE-4",
        who=_("the staff of %(committee)s") % {"committee": current.decider.name},
        url=reverse("reviews:subject", args=[subject.season_id, subject.pk]),
        link=_("See the re-rating in force"),
    )


def _problems(subject: Subject, level: str, reason: str, ground: PastViolation | None) -> list[str]:
    problems = []
    if subject.state != Subject.State.DECIDED:
        problems.append(
            _("%(name)s has no decided result to re-rate; it is at “%(state)s”.")
            % {"name": subject.name, "state": subject.get_state_display()}
        )
    if level not in subject.season.rule_set.level_codes():
        problems.append(_("Choose the new level."))
    if not reason.strip():
        problems.append(_("Write the reason for the re-rating; it is printed in the decision."))
    if ground is not None and level and level not in ground.levels:
        if not ground.reopens:
            problems.append(ground.note)
        else:
            problems.append(
                _("On the ground of this discipline the level of %(year)s can only be %(levels)s.")
                % {"year": subject.season.year, "levels": ", ".join(ground.levels)}
            )
    return problems


def _rerated_points(subject: Subject, level: str, typed: dict | None) -> list[str]:
    """R366-STEP-2, R366-SCORE-4: under a points regime the re-rating records its points as a
    decision does — the decided points per criterion as typed, or those in force when none is
    typed — and the new level may not be above the band they give (R366-RATE-1). Puts them on
    the subject (saved with the re-rating); returns what is wrong."""
    rules = subject.season.rule_set
    if not regime_of(rules).uses_points:
        return []
    items = scoring.criteria_items(rules.scoring, subject.season.criteria, subject.profile)
    scores = dict(subject.scores or {})
    if typed is None or not any(str(v).strip() for v in typed.values()):
        points, errors, total = dict(scores.get("decided") or {}), [], subject.decided_points
    else:
        points, errors = scoring.clean_scores(typed, items, rules.scoring)
        total = scoring.totals(items, points).total
        if not errors and total is None:
            errors = [_("Enter the re-rated points of every item, or none to keep those in force.")]
    if errors:
        return errors
    codes = rules.level_codes()
    if total is not None and level in codes:
        ceiling = band(total, rules.scoring["bands"], codes)
        if rules.level_rank(level) < rules.level_rank(ceiling):
            return [
                _("%(points)s points allow at most %(band)s.")
                % {"points": scoring.points_text(total), "band": ceiling}
            ]
    subject.scores = {**scores, "decided": points}
    subject.decided_points = total
    return _conditions_problems(subject, level)


def _conditions_problems(subject: Subject, level: str) -> list[str]:
    """R366-RATE-2 (with R366-RATE-3..6): the re-rated level meets its conditions and the KHTNV
    cases, read from the record with the re-rated points, as at a decision. A result brought in
    from paper (no task list, no points per criterion) has only its band checked."""
    from reviews.facts import Facts
    from reviews.regimes.qd366.checks import agreement_problems
    from reviews.regimes.qd366.levels import outcome
    from reviews.regimes.qd366.standing import standing_of

    rules = subject.season.rule_set
    if level not in rules.level_codes() or "tasks" not in (subject.scores or {}):
        return []
    standing = standing_of(subject, Facts(subject.season, [subject]))
    if standing.points is None:
        return []
    return agreement_problems(level, standing, outcome(standing, rules.scoring, rules.level_codes()), rules)


@transaction.atomic
def rerate(
    *,
    subject: Subject,
    actor,
    level: str,
    reason: str,
    record: DisciplineRecord | None = None,
    points: dict | None = None,
):
    """R-STEP-3, R-RATE-4, R366-STEP-2: the committee directly above the deciding level cancels
    the decided result (it stays on record, its commendations flagged) and decides the new level
    itself, with the reason and, under QĐ 366, the points (`points`: criterion key → value as
    typed; none keeps the points in force). All or nothing."""
    allow(access.may_rerate(actor, subject))
    subject = _locked([subject])[0]
    current = Decision.objects.select_related("decider").filter(subject=subject, status=Decision.Status.VALID)
    refused = already_rerated(subject, current.first())
    if refused:
        raise WorkflowError([refused])
    ground = None
    if record is not None:
        ground = next((v for v in past_violations(subject) if v.record.pk == record.pk), None)
        if ground is None:
            raise WorkflowError(
                [_("This discipline is not for a violation of %(year)s.") % {"year": subject.season.year}]
            )
    problems = _problems(subject, level, reason, ground)
    problems += _rerated_points(subject, level, points)
    if not problems and level == subject.season.rule_set.level_codes()[0]:
        refusals, _exceeded = _quota_refusals(subject.season, {subject.pk: level}, [subject], "")
        problems += refusals
    if problems:
        raise WorkflowError(problems)
    written = reason.strip()
    if ground is not None:
        written = (
            _("Discipline (%(form)s) of %(date)s for a violation in %(year)s.")
            % {
                "form": record.get_form_display(),
                "date": record.decided_on.strftime("%d/%m/%Y"),
                "year": record.violation_year,
            }
            + " "
            + written
        )
    old = end_valid_decision(subject, actor, Decision.Status.CANCELLED, written, commendation=True)
    superior = subject.decider.parent
    new = Decision.objects.create(
        subject=subject,
        level=level,
        decider=superior,
        decided_by=actor,
        rule_set=subject.season.rule_set,
        reason=written,
        points=subject.decided_points if regime_of(subject.season.rule_set).uses_points else None,
    )
    from_state = subject.state
    subject.decided_level = level
    if new.points is None:
        subject.decided_points = None
    subject.flags = {
        k: v for k, v in subject.flags.items() if k not in ("rerate_case_by_case", "second_khtnv")
    }
    if _second_lowest_year(subject, level, subject.season.year - 1):
        subject.flags["second_khtnv"] = True
    subject.save(update_fields=["decided_level", "decided_points", "scores", "flags", "updated_at"])
    data = {"from_level": old.level, "level": level}
    if new.points is not None:
        data.update(points=str(new.points), scores=subject.scores.get("decided", {}))
    if record is not None:
        data["discipline"] = record.pk
    append_event(
        season=subject.season,
        subject=subject,
        actor=actor,
        action="rerate",
        from_state=from_state,
        to_state=subject.state,
        reason=written,
        data=data,
    )
    _reflag_following_year(subject, level)
    notifications.notify_decided([subject])
    return new


def _second_lowest_year(subject: Subject, level: str, other_year: int) -> bool:
    """R-RATE-11 / R366-RATE-12: `level` is the lowest and so is the level decided for the member
    in `other_year` (the year before or after), with the flag switched on."""
    rules = subject.season.rule_set
    lowest = rules.level_codes()[-1]
    return (
        subject.is_member
        and rules.switch("second_khtnv_flag")
        and level == lowest
        and Subject.objects.filter(
            member_id=subject.member_id,
            season__top_organization_id=subject.season.top_organization_id,
            season__year=other_year,
            state=Subject.State.DECIDED,
            decided_level=lowest,
        ).exists()
    )


def _reflag_following_year(subject: Subject, level: str) -> None:
    """R-RATE-11 after R-RATE-4: a year re-rated to the lowest level flags a following year decided
    at the lowest level; a year re-rated above it lifts that flag."""
    lowest = subject.season.rule_set.level_codes()[-1]
    following = Subject.objects.filter(
        member_id=subject.member_id,
        season__top_organization_id=subject.season.top_organization_id,
        season__year=subject.season.year + 1,
        state=Subject.State.DECIDED,
        decided_level=lowest,
    ).first()
    if following is None:
        return
    flagged = _second_lowest_year(following, lowest, subject.season.year) and level == lowest
    if flagged != bool(following.flags.get("second_khtnv")):
        following.flags = {k: v for k, v in following.flags.items() if k != "second_khtnv"}
        if flagged:
            following.flags["second_khtnv"] = True
        following.save(update_fields=["flags", "updated_at"])
