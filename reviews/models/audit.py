import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews import audit_keys
from reviews.models.seasons import Season, Subject

GENESIS = "0" * 64


class AuditChain(models.Model):
    """The head of a season's hash chain. Appending locks this row, so events get gap-free
    sequence numbers and each one hashes the one before it (R-REC-4)."""

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="audit_chain")
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self):
        return f"{self.season} #{self.last_seq}"


class Event(models.Model):
    """One step of the workflow: who, when, from which state to which, why, under which rules."""

    season = models.ForeignKey(
        Season, on_delete=models.PROTECT, related_name="events", verbose_name=_("season")
    )
    seq = models.PositiveBigIntegerField(_("number"))
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("subject"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from state"), max_length=16, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    rule_set_code = models.CharField(_("rule set"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    key_id = models.CharField(_("sealing key"), max_length=16, blank=True, default=audit_keys.UNSEALED)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["season", "seq"]
        constraints = [models.UniqueConstraint(fields=["season", "seq"], name="event_seq_per_season")]
        indexes = [models.Index(fields=["subject", "seq"], name="event_subject_idx")]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def payload(self) -> str:
        """The canonical text that the hash covers."""
        return json.dumps(
            {
                "season": self.season_id,
                "seq": self.seq,
                "subject": self.subject_id,
                "actor": self.actor_id,
                "at": self.at.isoformat(),
                "action": self.action,
                "from": self.from_state,
                "to": self.to_state,
                "reason": self.reason,
                "rule_set": self.rule_set_code,
                "data": self.data,
                "prev": self.prev_hash,
                "key": self.key_id,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        """The HMAC of the payload under the event's key (R-REC-4); KeyError when the server does
        not hold that key."""
        return audit_keys.seal(self.key_id, self.payload())
