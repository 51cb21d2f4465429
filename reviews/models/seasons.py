from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member
from organizations.models import CELL_KINDS, Organization
from reviews.models.rulesets import RuleSet


class Season(models.Model):
    """One year's review and rating for the subtree of a top organization."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveIntegerField(_("year"))
    top_organization = models.ForeignKey(
        Organization, verbose_name=_("top organization"), on_delete=models.PROTECT, related_name="seasons"
    )
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT)
    reference_date = models.DateField(_("reference date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # Deadlines per phase; a missing key means no deadline for that phase.
    deadlines = models.JSONField(_("deadlines"), default=dict, blank=True)
    # Under a points regime, the province's concrete criteria (R366-SET-2, R366-SCORE-3): per
    # scoring profile, the items of each group with their maximum points, copied when the season
    # opens and never changed afterwards. Empty under 124.
    criteria = models.JSONField(_("criteria made concrete by the province"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["top_organization", "year"], name="one_season_per_year"),
        ]

    def __str__(self):
        return _("Review season %(year)s – %(organization)s") % {
            "year": self.year,
            "organization": self.top_organization.name,
        }


class SeasonUnit(models.Model):
    """An organization as it stood at the season's reference date (R-SCOPE-1)."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="units")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="season_units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32)
    has_leadership_collective = models.BooleanField(default=True)
    founded_on = models.DateField(null=True, blank=True)
    base_unit = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The base organization this unit belongs to (itself for a base organization).",
    )

    class Meta:
        verbose_name = _("organization in a season")
        verbose_name_plural = _("organizations in a season")
        constraints = [
            models.UniqueConstraint(fields=["season", "organization"], name="unit_once_per_season"),
            models.UniqueConstraint(fields=["season", "path"], name="unit_path_per_season"),
        ]
        indexes = [
            models.Index(
                fields=["season", "path"],
                name="unit_season_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # Every page of a unit names it by its code in the URL: without this, a scan of every
            # season's units (tens of thousands a season at a province).
            models.Index(fields=["season", "code"], name="unit_season_code_idx"),
        ]

    def __str__(self):
        return self.name

    def scope_path(self) -> str:
        return self.path

    @property
    def is_cell(self) -> bool:
        """A party cell (chi bộ), headed by its secretary: the unit its members sit in."""
        return self.kind in CELL_KINDS


class Subject(models.Model):
    """A collective or a member, reviewed and rated in one season."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Party organization")
        LEADERSHIP = "leadership", _("Leadership collective")
        MEMBER = "member", _("Party member")

    class State(models.TextChoices):
        DRAFT = "draft", _("Writing the review")
        RETURNED = "returned", _("Returned for rework")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed at the meeting")
        ABSENT = "absent", _("Not yet reviewed")
        PROPOSED = "proposed", _("Rating proposed")
        DECIDED = "decided", _("Rating decided")
        EXCLUDED = "excluded", _("Not reviewed this season")

    class Position(models.IntegerChoices):
        HEAD = 0, _("Secretary")  # the seat in the unit's party committee: its head is its secretary
        DEPUTY = 1, _("Deputy secretary")
        MEMBER = 2, _("Member")

    class Profile(models.TextChoices):
        """The scoring profiles of QĐ 366 (one per subject, set when the season opens)."""

        COLLECTIVE = "TT", _("Collective (TT)")
        CENTRAL_LEADER = "LD_TW", _("Leader managed by the Central Committee (LĐ-TW)")
        LEADER = "LD", _("Leader or manager (LĐ)")
        MEMBER = "KLD", _("Member without a leading post (KLĐ)")
        OUTSIDE = "NHT", _("Member outside the political system (NHT)")

    class OutOfScope(models.TextChoices):
        EXEMPT = "exempt", _("Exempt from party work and activities")
        SUSPENDED = "suspended", _("Suspended from party activity")
        NEW_MEMBER = "new_member", _("Admitted less than 6 months before the reference date")
        NEW_ORGANIZATION = "new_organization", _("Existed less than 6 months at the reference date")
        DECIDED_ABOVE = "decided_above", _("Rated by the level above the province")
        SMALL_LEADERSHIP = "small_leadership", _("Fewer than 3 members: reviewed with the unit's committee")

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, related_name="subjects")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="review_subjects"
    )
    path = models.CharField(max_length=255, help_text="Snapshot path of the unit, for subtree queries.")
    name = models.CharField(_("name"), max_length=255)
    sort_key = models.CharField(max_length=255, blank=True)
    decider = models.ForeignKey(
        SeasonUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="decides"
    )
    quota_key = models.CharField(max_length=64, blank=True)
    form_code = models.CharField(_("review form template"), max_length=8)
    profile = models.CharField(_("scoring profile"), max_length=8, choices=Profile.choices, blank=True)
    position = models.PositiveSmallIntegerField(choices=Position.choices, default=Position.MEMBER)
    is_leader = models.BooleanField(default=False)
    is_civil_servant = models.BooleanField(default=False)
    out_of_scope = models.CharField(
        _("why not reviewed"), max_length=24, choices=OutOfScope.choices, blank=True
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    self_level = models.CharField(_("self-rating"), max_length=16, blank=True)
    civil_service_level = models.CharField(_("civil-service rating"), max_length=16, blank=True)
    proposed_level = models.CharField(_("proposed level"), max_length=16, blank=True)
    decided_level = models.CharField(_("decided level"), max_length=16, blank=True)
    # Points out of 100 at the three steps of R366-SCORE-4 (self, appraised and proposed, decided);
    # the item by item detail, the task list's figures and the KHTNV cases are in `scores`.
    self_points = models.DecimalField(_("self-assessed points"), max_digits=4, decimal_places=1, null=True)
    proposed_points = models.DecimalField(_("appraised points"), max_digits=4, decimal_places=1, null=True)
    decided_points = models.DecimalField(_("decided points"), max_digits=4, decimal_places=1, null=True)
    scores = models.JSONField(default=dict, blank=True)
    absent_reason = models.CharField(_("why not yet reviewed"), max_length=255, blank=True)
    needs_former_cell_comment = models.BooleanField(default=False)
    needs_temporary_cell_comment = models.BooleanField(default=False)
    flags = models.JSONField(default=dict, blank=True)
    committee_reach = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,  # the opening's INSERT … SELECT names its columns
        help_text="How far up the tree a member counts as a committee member (R-STAT-3): the length "
        "of the path their cell shares with the deepest organization on whose committee they sit at "
        "the reference date; 0 when none. Set at the opening (reviews/kept_figures.py).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review subject")
        verbose_name_plural = _("review subjects")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "member"],
                condition=models.Q(member__isnull=False),
                name="member_once_per_season",
            ),
            models.UniqueConstraint(
                fields=["season", "unit", "kind"],
                condition=~models.Q(kind="member"),
                name="collective_once_per_season",
            ),
        ]
        indexes = [
            models.Index(
                fields=["season", "path"],
                name="subject_season_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["season", "decider", "state"], name="subject_decider_idx"),
            models.Index(fields=["season", "quota_key"], name="subject_quota_idx"),
            models.Index(fields=["unit", "kind"], name="subject_unit_kind_idx"),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def state_text(state: str, *, collective: bool = False) -> str:
        """The words for a step: a collective writes a report (báo cáo kiểm điểm), a member a
        review (bản kiểm điểm)."""
        if collective and state == Subject.State.DRAFT:
            return str(_("Writing the report"))
        try:
            return str(Subject.State(state).label)
        except ValueError:  # not a state of this version: shown as recorded
            return state

    def get_state_display(self) -> str:
        return Subject.state_text(self.state, collective=self.is_collective)

    @property
    def is_member(self) -> bool:
        return self.kind == Subject.Kind.MEMBER

    @property
    def is_collective(self) -> bool:
        return self.kind != Subject.Kind.MEMBER

    @property
    def in_scope(self) -> bool:
        return not self.out_of_scope

    def scope_path(self) -> str:
        return self.path

    @property
    def returned_proposal(self) -> dict | None:
        """The deciding level's return of the proposal (reason, day, who), until it is proposed
        again; kept in `flags` so the pages read it without a query."""
        if self.state != Subject.State.REVIEWED:
            return None
        return (self.flags or {}).get("returned_proposal")

    @property
    def owner_user_id(self):
        return self.member.user_id if self.member_id else None


class QuotaGroup(models.Model):
    """One group of comparable subjects at a deciding level (R-RATE-2). Its row is the lock that
    serialises decisions in the group."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="quota_groups")
    key = models.CharField(max_length=64)
    decider = models.ForeignKey(SeasonUnit, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=255)
    # R366-RATE-10: the deciding committee may raise the group's rate (up to the rule set's
    # `raised_percent`) for a unit with outstanding results beyond plan; a recorded decision.
    raised_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    raised_reason = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["season", "key"], name="quota_key_per_season")]

    def __str__(self):
        return self.label


class Decision(models.Model):
    """A decided rating. Cancelled or reopened decisions stay, marked (R-STEP-3, R-STEP-4)."""

    class Status(models.TextChoices):
        VALID = "valid", _("In force")
        REOPENED = "reopened", _("Reopened")
        CANCELLED = "cancelled", _("Cancelled")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="decisions")
    level = models.CharField(_("level"), max_length=16)
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1, null=True, blank=True)
    decider = models.ForeignKey(SeasonUnit, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VALID)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    needs_commendation_review = models.BooleanField(
        default=False, help_text="Commendations based on this result must be looked at again."
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["subject", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"], condition=models.Q(status="valid"), name="one_valid_decision"
            ),
        ]

    def __str__(self):
        return f"{self.subject} – {self.level}"


class CheckFlag(models.Model):
    """A complaint, a denunciation, discipline under way or signs of disunity about a subject: the
    directly superior committee orders a check and a re-appraisal, and the rating cannot be
    decided while the flag is open (R366-ORDER-4)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        DENUNCIATION = "denunciation", _("Denunciation")
        DISCIPLINE = "discipline", _("Discipline under consideration")
        DISUNITY = "disunity", _("Signs of disunity")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="check_flags")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("what is being checked"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(_("conclusion of the check"), blank=True)

    class Meta:
        verbose_name = _("check before the decision")
        verbose_name_plural = _("checks before the decision")
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["subject", "closed_at"], name="checkflag_open_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
