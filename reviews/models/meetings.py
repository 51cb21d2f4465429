from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import AffiliatedCollective
from reviews.models.seasons import Season, SeasonUnit, Subject


class Meeting(models.Model):
    """The review meeting of a collective: the cell's meeting, or a committee's (R-REC-2)."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="meetings")
    unit = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, related_name="meetings")
    collective = models.OneToOneField(
        Subject,
        on_delete=models.CASCADE,
        related_name="meeting",
        help_text="The collective subject whose meeting this is (an organization or a leadership collective).",
    )
    held_on = models.DateField(_("meeting date"))
    # A meeting of several days (R366-SCOPE-8): its last day; empty for a meeting of one day.
    ends_on = models.DateField(_("last day of the meeting"), null=True, blank=True)
    draft_circulated_on = models.DateField(_("draft report circulated on"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"))
    total = models.PositiveIntegerField(_("summoned"))
    notes = models.TextField(_("notes"), blank=True)
    circulation_warning = models.TextField(blank=True)  # R366-ORDER-5: the sentence says what would do
    # R366-ORDER-5: who commented on the draft collective report among the related bodies at the same
    # level, and the members of the working group the standing committee above sent (where there are
    # review suggestions).
    related_comments = models.TextField(_("comments of related bodies on the draft report"), blank=True)
    working_group = models.TextField(_("working group of the standing committee above"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.unit} {self.held_on:%d/%m/%Y}"

    def scope_path(self) -> str:
        return self.unit.path


class MeetingEntry(models.Model):
    """What the meeting said about one subject: comments, votes, assessment, proposed level."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="entries")
    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="meeting_entry")
    reviewed = models.BooleanField(_("reviewed"), default=True)
    absent_reason = models.CharField(_("why not reviewed"), max_length=255, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    votes = models.JSONField(_("votes per level"), default=dict, blank=True)
    assessment = models.TextField(_("the collective's assessment"), blank=True)
    grades = models.JSONField(_("assessed grades"), default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting entry")
        verbose_name_plural = _("meeting entries")

    def __str__(self):
        return f"{self.meeting} – {self.subject}"


class FormerCellComment(models.Model):
    """Written comments from a former or temporary cell (R-SCOPE-4), or from the committee of the
    place of residence (R366-REC-1)."""

    class Source(models.TextChoices):
        FORMER = "former", _("Former cell")
        TEMPORARY = "temporary", _("Cell of temporary registration")
        RESIDENCE = "residence", _("Party committee of the place of residence")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="outside_comments")
    source = models.CharField(max_length=16, choices=Source.choices)
    from_name = models.CharField(_("cell the comments come from"), max_length=255)
    text = models.TextField(_("comments"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("comments from another cell")
        verbose_name_plural = _("comments from other cells")

    def __str__(self):
        return f"{self.from_name} → {self.subject}"


class AffiliateReview(models.Model):
    """A government, professional or mass-organization collective marked as reviewed (R-ORDER-4)."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="affiliate_reviews")
    affiliate = models.ForeignKey(AffiliatedCollective, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(_("done on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["season", "affiliate"], name="affiliate_once_per_season")
        ]

    def __str__(self):
        return f"{self.affiliate} {self.done_on:%d/%m/%Y}"
