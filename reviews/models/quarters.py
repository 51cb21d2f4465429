"""Quarterly evaluation of leaders under QĐ 366 / HD 43 (R366-QTR-1..5): a quarter is a period
inside the season, and each evaluation belongs to the year's subject of the person evaluated, so
the season's engine, audit chain, access rules and notifications serve it unchanged."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models.seasons import Season, SeasonUnit, Subject


def default_profiles() -> list[str]:
    """R366-QTR-1: by default leaders and managers (LĐ) and those managed by the Centre (LĐ-TW)."""
    return [Subject.Profile.LEADER.value, Subject.Profile.CENTRAL_LEADER.value]


class QuarterSetup(models.Model):
    """The season's choices for its quarters; a season without a row uses the defaults."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="quarter_setup")
    # R366-QTR-1: which posts are evaluated each quarter, by scoring profile.
    profiles = models.JSONField(_("profiles evaluated each quarter"), default=default_profiles)
    # R366-QTR-4 (via R366-RATE-10): no quota on a quarter unless the province switches it on.
    quota = models.BooleanField(_("apply the quota to each quarter"), default=False)
    # R366-QTR-4, optional local rules, off by default.
    khtnv_quarter_bars_excellent = models.BooleanField(default=False)
    flag_two_khtnv_quarters = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quarterly evaluation settings")
        verbose_name_plural = _("quarterly evaluation settings")

    def __str__(self):
        return str(self.season)


class Quarter(models.Model):
    """One of Q1–Q3 of the season's year (R366-QTR-3: Q4 is folded into the year-end rating). A
    quarter with no row was not run: "not evaluated", blocking nothing (R366-QTR-5)."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="quarters")
    number = models.PositiveSmallIntegerField(_("quarter"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deadline = models.DateField(_("deadline"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["season", "number"]
        constraints = [
            models.UniqueConstraint(fields=["season", "number"], name="quarter_once_per_season"),
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=3), name="quarter_q1_to_q3"),
        ]

    def __str__(self):
        return _("Quarter %(n)d/%(year)d") % {"n": self.number, "year": self.season.year}


class QuarterlyEvaluation(models.Model):
    """A leader's quarter (R366-QTR-2): planned tasks and products, the self-assessment on Mẫu 05
    (…/30 + …/70 = …/100 and a proposed level, with evidence), and the managing body's comment,
    points and level."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Self-assessing")
        SUBMITTED = "submitted", _("Self-assessment submitted")
        RETURNED = "returned", _("Returned for rework")
        DECIDED = "decided", _("Evaluated")

    quarter = models.ForeignKey(Quarter, on_delete=models.CASCADE, related_name="evaluations")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="quarter_evaluations")
    # Copied from the subject when the quarter opens, for subtree and managing-body lists.
    path = models.CharField(max_length=255)
    decider = models.ForeignKey(SeasonUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    planned_tasks = models.TextField(_("planned tasks and products"), blank=True)
    self_general = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    self_tasks = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    self_points = models.DecimalField(_("self-assessed points"), max_digits=4, decimal_places=1, null=True)
    self_level = models.CharField(_("proposed level"), max_length=16, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_general = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    decided_tasks = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    decided_points = models.DecimalField(_("points"), max_digits=4, decimal_places=1, null=True)
    decided_level = models.CharField(_("level"), max_length=16, blank=True)
    comment = models.TextField(_("comment of the managing body"), blank=True)
    return_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quarterly evaluation")
        verbose_name_plural = _("quarterly evaluations")
        constraints = [
            models.UniqueConstraint(fields=["quarter", "subject"], name="evaluation_once_per_quarter"),
        ]
        indexes = [
            models.Index(fields=["quarter", "state"], name="quarter_eval_state_idx"),
            models.Index(
                fields=["quarter", "path"],
                name="quarter_eval_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["quarter", "decider", "state"], name="quarter_eval_decider_idx"),
        ]

    def __str__(self):
        return f"{self.subject} – {self.quarter}"
