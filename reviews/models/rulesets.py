import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """Everything a season's rules depend on, as data (R-SET-1).

    The tables hold no 124-only assumption (R-SET-2): levels, grades, form templates, the quota,
    thresholds, the authority table and switches are JSON documents whose shape is described in
    docs/architecture.md. A 100-point successor regime adds a `scoring` document and its own
    templates; the engine reads whichever keys its regime defines.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    regime = models.CharField(_("regime"), max_length=32, help_text=_("e.g. qd124 or qd366"))
    levels = models.JSONField(_("rating levels"))
    # Empty under a points regime (R366-SET-1: levels from points, no grades); required otherwise (clean).
    grades = models.JSONField(_("criterion grades"), blank=True)
    level_rules = models.JSONField(_("grade requirements per level"), blank=True)
    form_templates = models.JSONField(_("form templates"))
    quota = models.JSONField(_("quota"))
    # R366-RATE-8: none by default.
    organization_thresholds = models.JSONField(_("organization thresholds"), blank=True)
    authority = models.JSONField(_("who decides"))
    switches = models.JSONField(_("optional rules and values"))
    scoring = models.JSONField(_("scoring"), null=True, blank=True)
    # The rating years this rule set is the default for (R-SET-1, R366-SET-1); a season of a year
    # no rule set claims opens under the one marked is_default.
    first_year = models.PositiveIntegerField(_("default from the rating year"), null=True, blank=True)
    last_year = models.PositiveIntegerField(_("default until the rating year"), null=True, blank=True)
    is_default = models.BooleanField(_("default for new seasons"), default=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["code"]

    def __str__(self):
        return self.name

    # -- reading the documents -------------------------------------------------------------

    def level_codes(self) -> list[str]:
        """Level codes from the highest to the lowest."""
        return [level["code"] for level in self.levels]

    def level_rank(self, code: str | None) -> int:
        """0 for the highest level; larger is lower. Unknown or empty ranks below everything."""
        codes = self.level_codes()
        return codes.index(code) if code in codes else len(codes)

    def level_label(self, code: str | None) -> str:
        for level in self.levels:
            if level["code"] == code:
                return level["label"]
        return ""

    def grade_rank(self, code: str | None) -> int:
        codes = [grade["code"] for grade in self.grades]
        return codes.index(code) if code in codes else len(codes)

    def grade_label(self, code: str | None) -> str:
        return next((g["label"] for g in self.grades if g["code"] == code), "")

    def template(self, form_code: str) -> dict:
        return self.form_templates[form_code]

    def switch(self, name: str):
        return self.switches[name]

    def day_of(self, name: str, year: int) -> datetime.date | None:
        """A day-of-the-year switch ("12-31", MONTH_DAY_SWITCHES) as a date of `year`; None where the
        rule set has no such switch (it is off)."""
        value = self.switches.get(name)
        return month_day(value, year) if value else None

    def clean(self):
        from reviews.regimes import REGIMES

        # R366-SET-1: a regime whose levels come from points cannot do without its scoring.
        regime = REGIMES.get(self.regime)
        if regime is not None and regime.uses_points and not self.scoring:
            raise ValidationError({"scoring": scoring_required_message()})
        if regime is not None and not regime.uses_points:  # R-RATE-1: levels from grades
            missing = {
                name: _("This field is required.")
                for name in ("grades", "level_rules")
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)
        self._check_month_days()
        if self.frozen_at and self.pk:
            original = RuleSet.objects.get(pk=self.pk)
            for field in [
                "levels",
                "grades",
                "level_rules",
                "form_templates",
                "quota",
                "organization_thresholds",
                "authority",
                "switches",
                "scoring",
                "regime",
            ]:
                if getattr(original, field) != getattr(self, field):
                    raise ValidationError(
                        _("This rule set is frozen: a season has opened under it. Copy it to change values.")
                    )

    def _check_month_days(self) -> None:
        """R366-SCOPE-7: the deadline switches are days of the year written "MM-DD" (29/02 is
        refused: it does not exist every year)."""
        wrong = [
            name
            for name in MONTH_DAY_SWITCHES
            if name in (self.switches or {}) and not _is_month_day(self.switches[name])
        ]
        if wrong:
            raise ValidationError(
                {
                    "switches": [
                        _(
                            "“%(name)s” must be a day of the year written month-day, e.g. “02-01” for 1 February."
                        )
                        % {"name": name}
                        for name in wrong
                    ]
                }
            )


# R366-SCOPE-7 (HD 43 §4): the rating finishes by `deadline_finish` of the rated year, by
# `deadline_finish_other_year` of the next year for units with another work year; the records go
# with Mẫu 04 to the Central Organization Commission by `deadline_records` of the next year.
MONTH_DAY_SWITCHES = ("deadline_finish", "deadline_finish_other_year", "deadline_records")


def month_day(value: str, year: int) -> datetime.date:
    month, day = (int(part) for part in value.split("-"))
    return datetime.date(year, month, day)


def _is_month_day(value) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        month_day(value, 2001)  # not a leap year
    except ValueError:
        return False
    return True


def scoring_required_message() -> str:
    return _(
        "Under these rules a level comes from points out of 100: the scoring (groups, bands, "
        "conditions and profiles) is required."
    )
