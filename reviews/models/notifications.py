from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models.seasons import Subject


class Notification(models.Model):
    """A message inside the app (and by e-mail where configured) about a subject's step."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("Review returned")
        PROPOSAL_RETURNED = "proposal_back", _("Proposal returned")
        SUGGESTION = "suggestion", _("Review suggestion received")
        DECIDED = "decided", _("Rating decided")
        DEADLINE = "deadline", _("Deadline in 3 days")
        OVERDUE = "overdue", _("Overdue")
        REDO = "redo", _("Review to be done again")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.CharField(max_length=500)
    # The page where the reader acts on it (their form, the meeting page, their result…), a path
    # written with the notice; blank for notices written before links were kept.
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What a scheduled notice is about ("<season>:<kind>:<phase>[:own]:<day>"), so the daily task
    # writes each at most once per person for a day; blank for notices of a single step.
    topic = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["topic", "created_at"], name="notification_topic_idx"),
        ]

    def __str__(self):
        return self.text

    @property
    def link_label(self) -> str:
        return str(LINK_LABELS.get(self.kind, _("Open")))


LINK_LABELS = {
    Notification.Kind.RETURNED: _("Rework and submit again"),
    Notification.Kind.PROPOSAL_RETURNED: _("Propose again"),
    Notification.Kind.SUGGESTION: _("Answer the suggestion"),
    Notification.Kind.DECIDED: _("See the result"),
}
