import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import Season, SeasonUnit, Subject

# Verification codes avoid letters and digits that read alike (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def report_path(job: "ReportJob", filename: str) -> str:
    return f"reports/{job.season.year}/{job.uid}/{filename}"


class ReportJob(models.Model):
    """A requested document: rendered, signed and stored by a Celery worker; tracked here."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual self-review")
        COLLECTIVE = "collective", _("Collective review report")
        MINUTES = "minutes", _("Review meeting minutes")
        DECISIONS = "decisions", _("Decision list")
        SUMMARY = "summary", _("Statistical summary")
        ARCHIVE = "archive", _("Archive of signed individual forms")
        RERATING = "rerating", _("Re-rating decision (form 03)")
        RECORDS = "records", _("List of review records (form 04)")
        QUARTER = "quarter", _("Quarterly self-assessment (form 05)")
        QUARTER_TABLE = "quarter_table", _("Quarter summary table")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="report_jobs")
    unit = models.ForeignKey(SeasonUnit, on_delete=models.PROTECT, related_name="report_jobs")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="report_jobs"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the job was last handed to the broker; empty while the broker has not taken it.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    chunks = models.PositiveIntegerField(default=0)
    file = models.FileField(_("file"), upload_to=report_path, blank=True, max_length=255)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    pages = models.PositiveIntegerField(default=0)
    verification_code = models.CharField(max_length=11, unique=True, default=new_verification_code)
    title = models.CharField(_("document title"), max_length=255, blank=True)
    signer_name = models.CharField(max_length=255, blank=True)
    signer_organization = models.CharField(max_length=255, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "created_at"], name="report_requester_idx")]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} – {self.unit}"

    def scope_path(self) -> str:
        return self.unit.path

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)


class ReportPart(models.Model):
    """One chunk of a large document, rendered by its own task before the merge."""

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    file = models.FileField(upload_to="reports/parts/", blank=True, max_length=255)
    pages = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="part_once_per_job")]
        ordering = ["job", "index"]

    def __str__(self):
        return f"{self.job_id} #{self.index}"
