import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Kind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial party committee")
    DIRECT_COMMITTEE = "direct_committee", _("Committee directly under the province")
    BASE_COMMITTEE = "base_committee", _("Base party committee")
    BASE_CELL = "base_cell", _("Base party cell")
    PARTIAL_COMMITTEE = "partial_committee", _("Partial party committee")
    CELL = "cell", _("Party cell")


# Which kind of organization may sit directly under which. Base organizations directly under
# the provincial committee exist (R-STEP-2: "decided by the provincial standing committee").
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    Kind.PROVINCIAL_COMMITTEE: frozenset({Kind.DIRECT_COMMITTEE, Kind.BASE_COMMITTEE, Kind.BASE_CELL}),
    Kind.DIRECT_COMMITTEE: frozenset({Kind.BASE_COMMITTEE, Kind.BASE_CELL}),
    Kind.BASE_COMMITTEE: frozenset({Kind.PARTIAL_COMMITTEE, Kind.CELL}),
    Kind.PARTIAL_COMMITTEE: frozenset({Kind.CELL}),
    Kind.BASE_CELL: frozenset(),
    Kind.CELL: frozenset(),
}
ROOT_KINDS = frozenset({Kind.PROVINCIAL_COMMITTEE})
# Kinds whose members sit directly in them (a member's "cell").
CELL_KINDS = frozenset({Kind.CELL, Kind.BASE_CELL})
BASE_KINDS = frozenset({Kind.BASE_COMMITTEE, Kind.BASE_CELL})


class Organization(MP_Node):
    """A node of the party tree. The path is a materialized path: a subtree is one prefix query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    has_leadership_collective = models.BooleanField(
        _("has a leadership collective"),
        default=True,
        help_text=_("A committee (chi ủy, đảng ủy, ban thường vụ) reviewed as a collective of its own."),
    )

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        # path is unique, so PostgreSQL also gets Django's varchar_pattern_ops "_like" index,
        # which serves the LIKE 'prefix%' of subtree queries.

    def __str__(self):
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_base(self) -> bool:
        return self.kind in BASE_KINDS

    def exists_on(self, day: datetime.date) -> bool:
        if self.founded_on and self.founded_on > day:
            return False
        return not (self.dissolved_on and self.dissolved_on <= day)

    def children(self):
        return Organization.objects.get_children(self)

    def parent(self):
        return Organization.objects.get_parent(self)

    def ancestors(self):
        return Organization.objects.get_ancestors(self)

    def subtree(self):
        """This organization and everything under it: one indexed prefix query."""
        return Organization.objects.filter(path__startswith=self.path)

    def scope_path(self) -> str:
        return self.path


def check_parent_kind(*, parent: Organization | None, kind: str) -> None:
    """Raise a ValidationError naming both kinds when `kind` may not sit under `parent`."""
    if parent is None:
        if kind not in ROOT_KINDS:
            raise ValidationError(
                _("A %(kind)s must sit under another organization; only a provincial committee is a root.")
                % {"kind": Kind(kind).label}
            )
        return
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ValidationError(
            _("A %(kind)s cannot sit under a %(parent_kind)s (%(parent)s).")
            % {"kind": Kind(kind).label, "parent_kind": Kind(parent.kind).label, "parent": parent.name}
        )


class OrganizationChange(models.Model):
    """One recorded change to the tree, with the date it took effect. Nothing here is ever deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        RENAMED = "renamed", _("Renamed")
        MOVED = "moved", _("Moved")
        MERGED = "merged", _("Merged")
        DISSOLVED = "dissolved", _("Dissolved")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    effective_on = models.DateField(_("effective on"))
    old_name = models.CharField(_("old name"), max_length=255, blank=True)
    new_name = models.CharField(_("new name"), max_length=255, blank=True)
    old_parent = models.ForeignKey(
        Organization,
        verbose_name=_("old parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_parent = models.ForeignKey(
        Organization,
        verbose_name=_("new parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        Organization,
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("organization change")
        verbose_name_plural = _("organization changes")
        ordering = ["effective_on", "id"]

    def __str__(self):
        return f"{self.organization} – {self.get_action_display()} ({self.effective_on:%d/%m/%Y})"


class AffiliatedCollective(models.Model):
    """A government, professional or mass-organization leadership collective of the same unit,
    reviewed before the party organization where configured (R-ORDER-4)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        PROFESSIONAL = "professional", _("Professional")
        MASS = "mass", _("Mass organization")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="affiliates"
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("affiliated collective")
        verbose_name_plural = _("affiliated collectives")
        ordering = ["organization", "name"]

    def __str__(self):
        return self.name


class Role(models.Model):
    """A user's role at one organization, for a period. Access follows from active roles."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Party member")
        CELL_SECRETARY = "cell_secretary", _("Cell secretary")
        CELL_DEPUTY = "cell_deputy", _("Deputy cell secretary")
        COMMITTEE_STAFF = "committee_staff", _("Committee staff")
        COMMITTEE_LEADER = "committee_leader", _("Committee leader")
        PROVINCIAL_BOARD = "provincial_board", _("Provincial organization board")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    starts_on = models.DateField(_("starts on"), default=datetime.date.today)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user", "starts_on"]
        indexes = [models.Index(fields=["user", "starts_on"], name="role_user_idx")]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()} – {self.organization}"

    def clean(self):
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date is before the start date.")})
        if self.kind in CELL_ROLE_KINDS and self.organization_id and not self.organization.is_cell:
            raise ValidationError(
                {"organization": _("A cell secretary, deputy or member role belongs to a party cell.")}
            )
        if (
            self.kind == Role.Kind.PROVINCIAL_BOARD
            and self.organization_id
            and not self.organization.is_root()
        ):
            raise ValidationError(
                {"organization": _("The provincial organization board acts at the provincial committee.")}
            )

    def is_active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


CELL_ROLE_KINDS = frozenset({Role.Kind.MEMBER, Role.Kind.CELL_SECRETARY, Role.Kind.CELL_DEPUTY})


class OrganizationDiscipline(models.Model):
    """Discipline of a party organization or of its leadership collective (R-RATE-6)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="disciplines"
    )
    decided_on = models.DateField(_("decided on"))
    form = models.CharField(_("form"), max_length=255)
    decided_by = models.CharField(_("decided by"), max_length=255)
    violation_year = models.PositiveIntegerField(_("year of the violation"))
    leadership_collective = models.BooleanField(
        _("the leadership collective itself"),
        default=False,
        help_text=_("The committee (leadership collective) was disciplined, not only the organization."),
    )
    self_found_and_remedied = models.BooleanField(_("self-found and remedied"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("organization discipline")
        verbose_name_plural = _("organization disciplines")
        ordering = ["organization", "decided_on"]

    def __str__(self):
        return f"{self.organization} – {self.form} {self.decided_on:%d/%m/%Y}"
