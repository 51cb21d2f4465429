from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models.seasons import SeasonUnit, Subject


class ReviewForm(models.Model):
    """The subject's written review (form 01, 02A or 02B), saved as the author types.

    `answers` maps an item key of the form template to {"text": …, "grade": …}; pledge items are
    under "pledge:<item id>" with {"fulfilment": …, "assessment": …}; ticked reference items
    under "refs" as a list of ids. Each save merges one key, so two tabs never erase each other.
    """

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="form")
    template_code = models.CharField(max_length=8)
    answers = models.JSONField(default=dict, blank=True)
    entered_on_behalf = models.BooleanField(
        _("entered on the member's behalf"),
        default=False,
        help_text=_("Typed in by the cell secretary for a member who cannot (no device, elderly)."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review form")
        verbose_name_plural = _("review forms")

    def __str__(self):
        return f"{self.template_code} – {self.subject}"

    def scope_path(self) -> str:
        return self.subject.path

    @property
    def owner_user_id(self):
        return self.subject.owner_user_id


class Suggestion(models.Model):
    """A review suggestion issued by an upper level, answered in section IV (R-FORM-4)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="suggestions")
    issued_by_unit = models.ForeignKey(SeasonUnit, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("suggestion"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # R366-SCOPE-8: where there are review suggestions, the level that issues them sets how many days
    # the review meeting lasts at least (empty: the rule set's minimum).
    meeting_min_days = models.PositiveSmallIntegerField(
        _("the review meeting lasts at least (days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("review suggestion")
        verbose_name_plural = _("review suggestions")
        ordering = ["subject", "issued_at", "id"]

    def __str__(self):
        return self.text[:60]

    @property
    def is_answered(self) -> bool:
        return bool(self.answer.strip())

    def scope_path(self) -> str:
        return self.subject.path


class ReferenceItem(models.Model):
    """The 27 manifestations of degradation and the 19 prohibitions (R-FORM-7), as editable data."""

    class List(models.TextChoices):
        MANIFESTATION = "manifestation", _("Manifestations of degradation (NQ 04-NQ/TW)")
        PROHIBITION = "prohibition", _("Things party members must not do (QĐ 37-QĐ/TW)")

    list = models.CharField(_("list"), max_length=16, choices=List.choices)
    group = models.CharField(_("group"), max_length=255, blank=True)
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.TextField(_("text"))
    verified = models.BooleanField(
        _("checked against the official text"),
        default=False,
        help_text=_("Unchecked items are shown with a note until the text is checked."),
    )

    class Meta:
        verbose_name = _("reference item")
        verbose_name_plural = _("reference items")
        ordering = ["list", "number"]
        constraints = [models.UniqueConstraint(fields=["list", "number"], name="reference_number_per_list")]

    def __str__(self):
        return f"{self.number}. {self.label[:60]}"
