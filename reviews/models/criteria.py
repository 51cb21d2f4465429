from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class ScoringCriteria(models.Model):
    """The province's draft of the criteria made concrete for one rating year (R366-SET-2,
    R366-SCORE-3), written by the provincial organization board before the season opens.

    `profiles` has the shape of `Season.criteria["profiles"]`: per scoring profile, the items of
    each group ({"key", "title", "max", "method"}); a profile or group left out is scored as a
    whole. Opening the season copies it into `Season.criteria`; from then on the season's copy
    is what counts and this draft is no longer changed (reviews/criteria.py)."""

    top_organization = models.ForeignKey(
        Organization,
        verbose_name=_("top organization"),
        on_delete=models.PROTECT,
        related_name="scoring_criteria",
    )
    year = models.PositiveIntegerField(_("year"))
    profiles = models.JSONField(_("criteria by scoring profile"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("scoring criteria draft")
        verbose_name_plural = _("scoring criteria drafts")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["top_organization", "year"], name="one_criteria_draft_per_year"),
        ]

    def __str__(self):
        return f"{self.top_organization} – {self.year}"
