from django.db import models

from reviews.models.quarters import Quarter
from reviews.models.seasons import Season, SeasonUnit

# What a kept figure counts by, after its season and unit (reviews/kept_figures.py KEYS).
KEY_FIELDS = (
    "own",
    "kind",
    "state",
    "level",
    "out_of_scope",
    "band",
    "plan",
    "second_khtnv",
    "gap",
    "blocked",
    "committee",
)


class SeasonFigure(models.Model):
    """How many subjects of one season lie under one unit with the same key (kind, state, level,
    reason not rated, band of points, follow-up marks), kept by database triggers on the subjects
    and their remediation plans in the same transaction as every write (reviews/kept_figures.py).

    One row per (unit, key) for every unit above a subject and its own unit (`own`), so the figures
    of a subtree are the rows of one unit: a dashboard reads the rows of the units it shows, never
    the season. The keys are never null (a unique key treats nulls as distinct): '' and -1 stand
    for none. The foreign keys carry no database constraint, so that a season can be deleted
    whatever order its rows and its subjects go in."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    unit = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    own = models.BooleanField(help_text="The subjects of the unit itself, not of a unit below it.")
    kind = models.CharField(max_length=16)
    state = models.CharField(max_length=16)
    level = models.CharField(max_length=16)
    out_of_scope = models.CharField(max_length=24)
    band = models.SmallIntegerField(help_text="Lower bound of the band of decided points; -1 for none.")
    plan = models.BooleanField(help_text="A remediation plan is submitted.")
    second_khtnv = models.BooleanField()
    gap = models.BooleanField()
    blocked = models.TextField(help_text="The JSON text of the conditions that hold the level down.")
    committee = models.BooleanField(
        default=False, help_text="Members on a committee of an organization of the unit's subtree."
    )
    n = models.IntegerField(default=0)
    points = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    scored = models.IntegerField(default=0, help_text="How many of them have decided points.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["season", "unit", *KEY_FIELDS],
                name="season_figure_key",
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.kind} {self.state} {self.level}: {self.n}"


class UnitTally(models.Model):
    """What a unit's row of the breakdown by child shows, one row per unit: its kept figures added
    up by kind, state, level and reason not rated, and its members' decided points. Kept by
    database triggers on the figures, in the same transaction (reviews/kept_tallies.py), so that a
    province's dashboard reads one row for each of its children, not their thousands of figures."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    unit = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    counts = models.JSONField(
        default=dict, help_text="'kind|state|level|reason not rated' → how many subjects; none at zero."
    )
    points = models.DecimalField(
        max_digits=14, decimal_places=1, default=0, help_text="The decided points of its members, added up."
    )
    scored = models.IntegerField(default=0, help_text="How many of its members have decided points.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["season", "unit"], name="unit_tally_key")]

    def __str__(self):
        return f"{self.season_id} {self.unit_id}: {self.counts}"


class QuarterFigure(models.Model):
    """How many quarterly evaluations of one quarter lie under one unit (its own leaders and those
    of every unit below it) at one state and decided level, kept by database triggers on the
    evaluations in the same transaction as every write (reviews/quarters/kept.py), so that the
    dashboard's quarter panel reads the rows of one unit, never the quarter's evaluations. Frozen,
    like SeasonFigure, when the season closes."""

    quarter = models.ForeignKey(
        Quarter, on_delete=models.CASCADE, db_constraint=False, related_name="figures"
    )
    unit = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    state = models.CharField(max_length=16)
    level = models.CharField(max_length=16, help_text="The decided level; '' for none.")
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quarter", "unit", "state", "level"], name="quarter_figure_key")
        ]

    def __str__(self):
        return f"{self.quarter_id} {self.unit_id} {self.state} {self.level}: {self.n}"
