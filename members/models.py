import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.names import fold, join_name, sort_key
from organizations.models import CELL_KINDS, Organization


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXEMPT = "exempt", _("Exempt from party work and activities")
    SUSPENDED = "suspended", _("Suspended from party activity")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    TEMPORARY_ELSEWHERE = "temporary_elsewhere", _("Temporarily registered elsewhere")
    REMOVED = "removed", _("Removed from the roll")
    DECEASED = "deceased", _("Deceased")


# Statuses under which a member still belongs to the cell's roll.
ON_ROLL = frozenset({Status.ACTIVE, Status.EXEMPT, Status.SUSPENDED, Status.TEMPORARY_ELSEWHERE})


def validate_card_number(value: str) -> None:
    if not re.fullmatch(settings.MEMBER_CARD_PATTERN, value or ""):
        raise ValidationError(
            _("The party card number %(value)s is not valid: it must be 8 to 12 digits."),
            params={"value": value},
            code="card_number",
        )


class MemberQuerySet(models.QuerySet):
    def in_subtree(self, organization: Organization):
        return self.filter(cell__path__startswith=organization.path)

    def on_roll(self):
        return self.filter(status__in=ON_ROLL)

    def search(self, text: str):
        """Accent- and case-insensitive word prefixes: 'nguyen thi huong' finds 'Nguyễn Thị Hường'."""
        queryset = self
        for word in fold(text).split():
            queryset = queryset.filter(search_text__contains=f" {word}")
        return queryset

    def vietnamese_order(self):
        return self.order_by("sort_key", "id")


class Member(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    family_name = models.CharField(_("family name"), max_length=64)
    middle_name = models.CharField(_("middle name"), max_length=128, blank=True)
    given_name = models.CharField(_("given name"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=255, editable=False)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    search_text = models.CharField(max_length=255, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    card_number = models.CharField(
        _("party card number"), max_length=16, unique=True, validators=[validate_card_number]
    )
    admitted_on = models.DateField(_("admitted on"))
    official_on = models.DateField(
        _("official member since"), null=True, blank=True, help_text=_("Empty while probationary.")
    )
    cell = models.ForeignKey(
        Organization,
        verbose_name=_("party cell"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind__in": CELL_KINDS},
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.ACTIVE)
    civil_service_post = models.CharField(_("government post"), max_length=255, blank=True)
    party_post = models.CharField(_("party post"), max_length=255, blank=True)
    workplace = models.CharField(_("workplace"), max_length=255, blank=True)
    is_leader = models.BooleanField(
        _("leader or manager"), default=False, help_text=_("Holds a leading or managing post (form 02B).")
    )
    is_civil_servant = models.BooleanField(
        _("cadre, civil servant or public employee"),
        default=False,
        help_text=_("Also rated under the civil-service rules."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["sort_key", "id"]
        indexes = [models.Index(fields=["cell", "sort_key"], name="member_cell_sort_idx")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """Computed columns; bulk inserts call this themselves since they bypass save()."""
        self.full_name = join_name(self.family_name, self.middle_name, self.given_name)
        self.sort_key = sort_key(given=self.given_name, middle=self.middle_name, family=self.family_name)
        # Leading spaces let a search match the start of any word.
        self.search_text = f" {fold(self.full_name)} {self.card_number}"[:255]

    def clean(self):
        if self.cell_id and not self.cell.is_cell:
            raise ValidationError({"cell": _("A member belongs to a party cell.")})
        if self.official_on and self.admitted_on and self.official_on < self.admitted_on:
            raise ValidationError({"official_on": _("The official date is before the admission date.")})

    @property
    def is_probationary(self) -> bool:
        return self.official_on is None

    @property
    def owner_user_id(self):
        return self.user_id

    def scope_path(self) -> str:
        return self.cell.path


def own_member(user) -> "Member | None":
    """The user's member record (with its cell), read once per user object (so once per request)."""
    if "_kd_member" not in user.__dict__:
        if Member.user.field.remote_field.is_cached(user):  # read with the user (accounts/backends.py)
            user.__dict__["_kd_member"] = getattr(user, "member", None)
        else:
            user.__dict__["_kd_member"] = Member.objects.filter(user=user).select_related("cell").first()
    return user.__dict__["_kd_member"]


class StatusPeriod(models.Model):
    """The member's status over time; the current one has no end date."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    other_cell = models.ForeignKey(
        Organization,
        verbose_name=_("other cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where a transferred member went, or where they are temporarily registered."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status history")
        ordering = ["member", "starts_on", "id"]

    def __str__(self):
        return f"{self.get_status_display()} {self.starts_on:%d/%m/%Y}"


class CellPeriod(models.Model):
    """Which cell the member belonged to, and when (a season snapshots membership from this)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cell_history")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("cell period")
        verbose_name_plural = _("cell history")
        ordering = ["member", "starts_on", "id"]

    def __str__(self):
        return f"{self.cell} {self.starts_on:%d/%m/%Y}"


class DisciplineRecord(models.Model):
    class Form(models.TextChoices):
        REPRIMAND = "reprimand", _("Reprimand (khiển trách)")
        WARNING = "warning", _("Warning (cảnh cáo)")
        DISMISSAL = "dismissal", _("Dismissal from post (cách chức)")
        EXPULSION = "expulsion", _("Expulsion (khai trừ)")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="discipline_records")
    decided_on = models.DateField(_("decided on"))
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    decided_by = models.CharField(_("decided by"), max_length=255)
    violation_year = models.PositiveIntegerField(_("year of the violation"))
    violation_cell = models.ForeignKey(
        Organization,
        verbose_name=_("cell where the violation happened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when it is the member's current cell."),
    )
    # R366-RATE-4..6: under QĐ 366 discipline makes a KHTNV case only for a violation of the duties
    # assigned (in public duty, for KLĐ/NHT); unticked, the rating weighs it case by case.
    duty_related = models.BooleanField(
        _("related to the duties assigned"),
        default=True,
        help_text=_("The violation concerned the duties assigned (or public duty). Untick it otherwise."),
    )
    self_found_and_remedied = models.BooleanField(
        _("self-found and remedied"),
        default=False,
        help_text=_("The violation was found by the member and its consequences fully remedied."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        ordering = ["member", "decided_on"]

    def __str__(self):
        return f"{self.get_form_display()} {self.decided_on:%d/%m/%Y}"

    def clean(self):
        if self.decided_on and self.violation_year and self.violation_year > self.decided_on.year:
            raise ValidationError({"violation_year": _("The violation cannot be later than the decision.")})


class LeaveRecord(models.Model):
    class Kind(models.TextChoices):
        SICK = "sick", _("Sick leave")
        MATERNITY = "maternity", _("Maternity leave")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="leave_records")
    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    days = models.PositiveIntegerField(_("days"))

    class Meta:
        verbose_name = _("leave record")
        verbose_name_plural = _("leave records")
        ordering = ["member", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "kind"], name="leave_once_per_kind_year"),
            models.CheckConstraint(condition=models.Q(days__lte=366), name="leave_days_in_a_year"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}: {self.days}"


def seat_active_on(day) -> models.Q:
    """The seats whose collective the member is reviewed in on `day`: held then and not
    suspended (R366-SCOPE-6), and not a concurrent full-time post where less working time is
    spent (R366-SCOPE-4: reviewed at the main place; a part-time concurrent post is kept)."""
    return (
        models.Q(starts_on__lte=day)
        & (models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))
        & (models.Q(suspended_on__isnull=True) | models.Q(suspended_on__gt=day))
        & ~models.Q(concurrent=CommitteeSeat.Concurrent.FULL_TIME, main_place=False)
    )


class CommitteeSeatQuerySet(models.QuerySet):
    def active_on(self, day):
        """The seats active on `day` (see seat_active_on)."""
        return self.filter(seat_active_on(day))


class CommitteeSeat(models.Model):
    """A member's seat on the leadership collective of an organization: the cell committee
    (chi ủy), a party committee (đảng ủy) or its standing committee. The head is the secretary."""

    class Position(models.IntegerChoices):
        HEAD = 0, _("Secretary (head)")
        DEPUTY = 1, _("Deputy secretary")
        MEMBER = 2, _("Committee member")

    class Concurrent(models.TextChoices):
        """R366-SCOPE-4: a post held besides the member's own (kiêm nhiệm)."""

        NO = "", _("Own post")
        FULL_TIME = "full_time", _("Concurrent full-time post")
        PART_TIME = "part_time", _("Concurrent part-time post")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="committee_seats")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="committee_seats")
    position = models.PositiveSmallIntegerField(_("position"), choices=Position.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # R366-SCOPE-6: suspended from the committee's activity (the seat is kept): the member reviews
    # at their cell their responsibility before this day, not in the committee's collective.
    suspended_on = models.DateField(_("suspended from the committee's activity on"), null=True, blank=True)
    # R366-SCOPE-4: concurrent full-time posts are reviewed where more working time is spent (the
    # seat marked main place); a part-time concurrent post is reviewed there as well, on its tasks.
    concurrent = models.CharField(
        _("concurrent post"), max_length=16, choices=Concurrent.choices, default="", blank=True
    )
    main_place = models.BooleanField(
        _("more working time spent here"),
        default=False,
        help_text=_("For a concurrent full-time post: the member is reviewed in this collective."),
    )

    objects = CommitteeSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["organization", "position", "id"]

    def __str__(self):
        return f"{self.member} – {self.get_position_display()} – {self.organization}"


class Pledge(models.Model):
    """The member's annual pledge of self-improvement (cam kết tu dưỡng, rèn luyện, phấn đấu)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the cell")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="pledges")
    year = models.PositiveIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("annual pledge")
        verbose_name_plural = _("annual pledges")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="one_pledge_per_year")]

    def __str__(self):
        return f"{self.member} – {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.state == Pledge.State.ACKNOWLEDGED

    def scope_path(self) -> str:
        return self.member.cell.path

    @property
    def owner_user_id(self):
        return self.member.user_id


class PledgeItem(models.Model):
    class Category(models.TextChoices):
        POLITICS = "politics", _("Political study and ideology")
        ETHICS = "ethics", _("Ethics and lifestyle")
        PROFESSIONAL = "professional", _("Professional tasks and targets")
        PARTY = "party", _("Party duties")
        RESIDENCE = "residence", _("Duties where I live")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    text = models.TextField(_("commitment"))
    target = models.CharField(_("measurable target"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pledge item")
        verbose_name_plural = _("pledge items")
        ordering = ["pledge", "order", "id"]

    def __str__(self):
        return self.text[:60]
