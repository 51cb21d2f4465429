from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member
from reviews.models.seasons import Season, SeasonUnit


class MeetingAttendance(models.Model):
    """An upper-level attendee of a unit's review meeting (đại biểu cấp trên dự): a committee
    member in charge of the unit, or a working group sent by an upper body (R366-ORDER-5).
    Data of the meeting: assigned by committee staff above the unit, with the date."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="attendances")
    unit = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, related_name="attendances")
    attends_on = models.DateField(_("attends on"))
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances"
    )
    group_names = models.TextField(_("members of the working group"), blank=True)
    sent_by = models.CharField(_("sent by"), max_length=255, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("upper-level attendee")
        verbose_name_plural = _("upper-level attendees")
        ordering = ["attends_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "member"],
                condition=models.Q(member__isnull=False),
                name="one_attendance_per_member_and_unit",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.member_id:
            return self.member.full_name
        return f"{self.group_names} ({self.sent_by})"


class RedoDemand(models.Model):
    """A demand that a collective or a member review again (kiểm điểm lại, R-SUP-1). The demand
    stays on record; it is done once the subject is reviewed again: a meeting entry recorded after
    it with `reviewed` set (an absence recorded does not do it). reviews/supervision/counts.py
    counts the same way."""

    subject = models.ForeignKey("reviews.Subject", on_delete=models.CASCADE, related_name="redo_demands")
    reason = models.TextField(_("reason"))
    required_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    required_at = models.DateTimeField(default=timezone.now)
    # What the meeting had recorded before the demand (it stays in the history).
    superseded_entry = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("demand to review again")
        verbose_name_plural = _("demands to review again")
        ordering = ["required_at", "id"]

    def __str__(self):
        return f"{self.subject} – {self.required_at:%d/%m/%Y}"

    @property
    def done(self) -> bool:
        entry = getattr(self.subject, "meeting_entry", None)
        return entry is not None and entry.reviewed and entry.recorded_at > self.required_at
