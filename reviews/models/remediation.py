from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models.seasons import Subject


class RemediationPlan(models.Model):
    """What a subject will do about its shortcomings after the review (R-REC-3)."""

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="remediation_plan")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("remediation plan")
        verbose_name_plural = _("remediation plans")

    def __str__(self):
        return str(self.subject)

    def scope_path(self) -> str:
        return self.subject.path

    @property
    def owner_user_id(self):
        return self.subject.owner_user_id


class RemediationItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    plan = models.ForeignKey(RemediationPlan, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("shortcoming and measure"))
    owner = models.CharField(_("who"), max_length=255, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(_("result"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remediation item")
        verbose_name_plural = _("remediation items")
        ordering = ["plan", "id"]

    def __str__(self):
        return self.text[:60]
