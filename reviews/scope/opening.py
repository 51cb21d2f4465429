"""`open_season`: one transaction that snapshots the tree and the roll, creates the subjects,
marks them and groups them for the quota (see the package docstring)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from members.bulk import analyze
from members.models import CellPeriod, CommitteeSeat, Member, StatusPeriod
from organizations.models import Organization
from reviews import kept_figures
from reviews.audit import append_event
from reviews.defaults import rule_set_for_year
from reviews.models import AuditChain, RuleSet, Season, SeasonUnit, Subject
from reviews.models.rulesets import scoring_required_message
from reviews.regimes import regime_of
from reviews.scope.marks import (
    _mark_concurrent_posts,
    _mark_positions,
    _mark_small_leadership,
    _mark_suspended_seats,
    _mark_transfers,
)
from reviews.scope.members import _member_subjects
from reviews.scope.quota import _create_quota_groups
from reviews.scope.units import _collective_subjects, _snapshot_units
from reviews.scoring import criteria_problems


def open_season(
    *,
    top_organization: Organization,
    year: int,
    reference_date: datetime.date,
    rule_set: RuleSet | None = None,
    deadlines: dict | None = None,
    criteria: dict | None = None,
    actor=None,
) -> Season:
    """Open the season of `year` under `rule_set` (by default the one for that year, R-SET-1 /
    R366-SET-1), with the province's concrete criteria when the rule set scores points
    (R366-SET-2; checked here, frozen with the season)."""
    existing = Season.objects.filter(top_organization=top_organization, year=year).first()
    if existing:
        return existing
    rule_set = rule_set or rule_set_for_year(year)
    if regime_of(rule_set).uses_points and not rule_set.scoring:  # R366-SET-1
        raise ValidationError([scoring_required_message()])
    criteria = criteria or {}
    if criteria and rule_set.scoring:
        problems = criteria_problems(rule_set.scoring, criteria)
        if problems:
            raise ValidationError(problems)
    with transaction.atomic():
        season = Season.objects.create(
            year=year,
            top_organization=top_organization,
            rule_set=rule_set,
            reference_date=reference_date,
            deadlines={
                k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in (deadlines or {}).items()
            },
            criteria=criteria if rule_set.scoring else {},
            opened_by=actor,
        )
        if rule_set.frozen_at is None:
            RuleSet.objects.filter(pk=rule_set.pk).update(frozen_at=timezone.now())  # R-SET-1
        analyze(Organization, Member, CellPeriod, StatusPeriod, CommitteeSeat)
        with kept_figures.counted_once(season):
            units = _snapshot_units(season)
            analyze(SeasonUnit)
            _collective_subjects(season, units)
            analyze(Subject)
            _member_subjects(season)
            analyze(Subject)
            _mark_transfers(season)
            _mark_positions(season)
            with connection.cursor() as cursor:
                kept_figures.mark_committee_reach(cursor, season.pk, season.reference_date)
            _mark_suspended_seats(season)
            _mark_concurrent_posts(season)
            _mark_small_leadership(season)
        analyze(Subject)
        _create_quota_groups(season)
        AuditChain.objects.create(season=season)
        totals = Subject.objects.filter(season=season).aggregate(
            subjects=Count("id"), not_reviewed=Count("id", filter=~Q(out_of_scope=""))
        )
        append_event(
            season=season,
            subject=None,
            actor=actor,
            action="open_season",
            data={"units": len(units), "reference_date": reference_date.isoformat(), **totals},
        )
    return season
