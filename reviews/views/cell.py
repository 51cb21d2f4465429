"""Pages: the cell secretary's (bí thư chi bộ) work in a season.

- the cell dashboard: every member's state, what blocks their next step, their pledge, the
  cell's own report, and the out-of-scope members with their reason (R-SCOPE-2);
- the review meeting: the meeting record, then one row per member (head first, R-ORDER-3) with
  the outcome, comments, votes, the cell's assessment and the proposed level, saved per row
  (htmx) or all at once, with the live quota meter (R-RATE-2).

Views are thin: every step goes through reviews/workflow.py, every reason comes from it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.widgets import DateInput
from members.models import Pledge
from members.services import PledgeError, acknowledge_pledge, return_pledge
from reviews import rules, workflow
from reviews.access import season_scope
from reviews.facts import Facts
from reviews.models import Meeting, MeetingEntry, QuotaGroup, Season, SeasonUnit, Subject
from reviews.views.common import get_season, get_unit, run_step

S = Subject.State

# The step that comes next for a subject in each state (the dashboard's "what blocks").
NEXT_STEP = {
    S.DRAFT: "submit",
    S.RETURNED: "submit",
    S.SUBMITTED: "review",
    S.ABSENT: "review",
    S.REVIEWED: "propose",
    S.PROPOSED: "decide",
}

# Bootstrap colour of each state's badge; the badge always carries the state's name too.
STATE_TONES = {
    S.DRAFT: "secondary",
    S.RETURNED: "warning",
    S.SUBMITTED: "info",
    S.ABSENT: "warning",
    S.REVIEWED: "primary",
    S.PROPOSED: "primary",
    S.DECIDED: "success",
    S.EXCLUDED: "light",
}

PLEDGE_TONES = {
    Pledge.State.DRAFT: "secondary",
    Pledge.State.SUBMITTED: "info",
    Pledge.State.ACKNOWLEDGED: "success",
}


def step_label(step: str) -> str:
    return {
        "submit": _("Submit the review"),
        "review": _("Review at the meeting"),
        "propose": _("Propose a rating"),
        "decide": _("Decide the rating"),
    }.get(step, step)


# -- what a page knows about the cell -------------------------------------------------------------


@dataclass
class Row:
    """One subject of the cell as the pages show it."""

    subject: Subject
    verdict: rules.Verdict | None = None
    pledge: Pledge | None = None
    has_form: bool = False
    entry: MeetingEntry | None = None
    form: "RowForm | None" = None
    refusals: list[str] = field(default_factory=list)  # the engine's reasons, after a refused save
    notes: list[str] = field(default_factory=list)  # what a save did
    saved: bool = False

    @property
    def step(self) -> str:
        return NEXT_STEP.get(self.subject.state, "")

    @property
    def step_label(self) -> str:
        return step_label(self.step) if self.step else ""

    @property
    def tone(self) -> str:
        return STATE_TONES.get(self.subject.state, "secondary")

    @property
    def pledge_tone(self) -> str:
        return PLEDGE_TONES.get(self.pledge.state, "secondary") if self.pledge else "secondary"

    @property
    def form_editable(self) -> bool:
        return self.subject.state in workflow.EDITABLE

    @property
    def returnable(self) -> bool:
        return self.subject.state == S.SUBMITTED


@dataclass
class Cell:
    season: Season
    unit: SeasonUnit
    subjects: list[Subject]
    facts: Facts
    meeting: Meeting | None

    @property
    def members(self) -> list[Subject]:
        """In-scope members in the Vietnamese order of names."""
        return [s for s in self.subjects if s.is_member and s.in_scope]

    @property
    def out_of_scope(self) -> list[Subject]:
        return [s for s in self.subjects if s.is_member and not s.in_scope]

    @property
    def collectives(self) -> list[Subject]:
        """The cell itself first, then its committee (chi ủy) where it has one."""
        found = [s for s in self.subjects if s.is_collective]
        return sorted(found, key=lambda s: s.kind != Subject.Kind.ORGANIZATION)

    @property
    def organization(self) -> Subject | None:
        return next((s for s in self.subjects if s.kind == Subject.Kind.ORGANIZATION), None)

    def in_meeting_order(self) -> list[Subject]:
        """R-ORDER-3: the head first, then the deputies, then the others by name."""
        return sorted(self.members, key=lambda s: (s.position, s.sort_key, s.pk))

    def row(self, subject: Subject, level: str = "") -> Row:
        step = NEXT_STEP.get(subject.state)
        verdict = workflow.blockers(subject, step, facts=self.facts, level=level) if step else None
        return Row(
            subject=subject,
            verdict=verdict,
            pledge=self.facts.pledges.get(subject.member_id) if subject.member_id else None,
            has_form=subject.pk in self.facts.forms,
            entry=self.facts.meeting_entries.get(subject.pk),
        )


def load_cell(season: Season, unit: SeasonUnit) -> Cell:
    """The cell's subjects and one Facts for all of them: a fixed number of queries."""
    subjects = list(
        Subject.objects.filter(season=season, unit=unit).select_related("member").order_by("sort_key", "id")
    )
    for subject in subjects:
        subject.season, subject.unit = season, unit
    collective = next((s for s in subjects if s.kind == Subject.Kind.ORGANIZATION), None)
    meeting = Meeting.objects.filter(collective=collective).first() if collective else None
    return Cell(season=season, unit=unit, subjects=subjects, facts=Facts(season, subjects), meeting=meeting)


def can_manage(request, season: Season, unit: SeasonUnit) -> bool:
    return season_scope(request.user, season).can_manage_path(unit.path)


def _cell_subject(cell: Cell, pk: int) -> Subject:
    subject = next((s for s in cell.subjects if s.pk == pk), None)
    if subject is None:
        raise Http404
    return subject


# -- the quota meter (R-RATE-2) -----------------------------------------------------------------------


@dataclass
class QuotaMeter:
    """One quota group of the cell's members: the group's decided levels plus this cell's
    proposed (or being proposed) levels, counted as if they were decided."""

    key: str
    count: rules.QuotaCount
    from_here: int  # capped-level proposals of this cell included in the count

    @property
    def left(self) -> int:
        return self.count.limit - self.count.capped

    @property
    def tone(self) -> str:
        if self.count.exceeded:
            return "danger"
        if self.count.capped + 1 >= self.count.limit:
            return "warning"  # the next one reaches (or passes) the limit
        return "success"

    @property
    def status(self) -> str:
        if self.count.exceeded:
            return ngettext(
                "Over the quota by %(n)d.", "Over the quota by %(n)d.", self.count.capped - self.count.limit
            ) % {"n": self.count.capped - self.count.limit}
        if self.left == 0:
            return _("At the limit: no place left.")
        return ngettext("%(n)d place left.", "%(n)d places left.", self.left) % {"n": self.left}

    @property
    def headline(self) -> str:
        return _(
            "%(capped_level)s %(count)d / at most %(limit)d (%(percent)s%% × %(base)d %(base_level)s)"
        ) % {
            "capped_level": self.count.capped_level,
            "count": self.count.capped,
            "limit": self.count.limit,
            "percent": self.count.percent,
            "base": self.count.base,
            "base_level": self.count.base_level,
        }

    @property
    def bar_percent(self) -> int:
        if self.count.limit <= 0:
            return 100 if self.count.capped else 0
        return min(100, round(self.count.capped * 100 / self.count.limit))


def quota_meters(season: Season, subjects, pending: dict[int, str] | None = None) -> list[QuotaMeter]:
    """One meter per quota group of the given member subjects, in two queries.

    Counted: every subject of the group decided so far, plus, for the given subjects not yet
    decided, the level in `pending` (what the page is about to propose) or else their proposal.
    Other cells' proposals are not counted: only decisions are final."""
    pending = pending or {}
    members = [s for s in subjects if s.is_member and s.in_scope and s.quota_key]
    keys = sorted({s.quota_key for s in members})
    if not keys:
        return []
    quota = season.rule_set.quota
    counted_levels = (quota["capped_level"], quota["base_level"])
    decided: dict[str, Counter] = defaultdict(Counter)
    for row in (
        Subject.objects.filter(
            season=season, quota_key__in=keys, state=S.DECIDED, decided_level__in=counted_levels
        )
        .values("quota_key", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        decided[row["quota_key"]][row["decided_level"]] = row["n"]
    labels = dict(QuotaGroup.objects.filter(season=season, key__in=keys).values_list("key", "label"))
    here: dict[str, list[str]] = defaultdict(list)
    for subject in members:
        if subject.state == S.DECIDED:
            continue  # already in the decided counts
        if subject.state != S.PROPOSED and subject.pk in pending:
            level = pending[subject.pk]
        else:
            level = subject.proposed_level if subject.state == S.PROPOSED else ""
        if level:
            here[subject.quota_key].append(level)
    meters = []
    for key in keys:
        levels = [level for level, n in decided[key].items() for _i in range(n)] + here[key]
        count = rules.quota_count(labels.get(key, key), levels, quota)
        from_here = sum(1 for level in here[key] if level == quota["capped_level"])
        meters.append(QuotaMeter(key=key, count=count, from_here=from_here))
    return meters


def pending_levels(data, subjects) -> dict[int, str]:
    """The proposed levels a page has chosen but not saved, from `<subject id>-level` fields."""
    found = {}
    for subject in subjects:
        value = data.get(f"{subject.pk}-level")
        if value is not None:
            found[subject.pk] = value if value in subject.season.rule_set.level_codes() else ""
    return found


# -- forms ------------------------------------------------------------------------------------------


def _vote_fields(form: forms.Form, levels: list[str], css: str) -> None:
    for code in levels:
        form.fields[f"votes_{code}"] = forms.IntegerField(
            label=code,
            required=False,
            min_value=0,
            max_value=9999,
            widget=forms.NumberInput(attrs={"class": css, "inputmode": "numeric", "min": 0}),
        )


def _votes(cleaned: dict, levels: list[str]) -> dict[str, int]:
    return {code: cleaned[f"votes_{code}"] for code in levels if cleaned.get(f"votes_{code}") is not None}


class MeetingForm(forms.Form):
    """The meeting record; while the cell's own review is not recorded, also what the meeting
    said about the cell (its entry goes first, R-ORDER-2)."""

    held_on = forms.DateField(label=gettext_lazy("Meeting date"), widget=DateInput())
    draft_circulated_on = forms.DateField(
        label=gettext_lazy("Draft report circulated on"), required=False, widget=DateInput()
    )
    present = forms.IntegerField(label=gettext_lazy("Present"), min_value=0)
    total = forms.IntegerField(label=gettext_lazy("Summoned"), min_value=1)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, season: Season, with_collective: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = season.rule_set.level_codes()
        self.with_collective = with_collective
        days = season.rule_set.switch("circulation_working_days")
        self.fields["draft_circulated_on"].help_text = ngettext(
            "At least %(n)d working day before the meeting (R-ORDER-8).",
            "At least %(n)d working days before the meeting (R-ORDER-8).",
            days,
        ) % {"n": days}
        if with_collective:
            self.fields["comments"] = forms.CharField(
                label=_("Comments on the cell's report"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["assessment"] = forms.CharField(
                label=_("The meeting's assessment of the cell"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            _vote_fields(self, self.levels, "form-control")

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("present") or 0) > (cleaned.get("total") or 0) and not self.has_error("total"):
            self.add_error("present", _("No more can be present than were summoned."))
        return cleaned

    def vote_fields(self):
        return [self[f"votes_{code}"] for code in self.levels] if self.with_collective else []

    def meeting_input(self) -> workflow.MeetingInput:
        data = self.cleaned_data
        return workflow.MeetingInput(
            held_on=data["held_on"],
            present=data["present"],
            total=data["total"],
            draft_circulated_on=data.get("draft_circulated_on"),
            notes=data.get("notes", ""),
        )

    def collective_entries(self, collective: Subject) -> list[workflow.EntryInput]:
        if not self.with_collective:
            return []
        data = self.cleaned_data
        return [
            workflow.EntryInput(
                subject=collective,
                comments=data.get("comments", ""),
                assessment=data.get("assessment", ""),
                votes=_votes(data, self.levels),
            )
        ]


REVIEWED, ABSENT = "reviewed", "absent"
ENTRY_FIELDS = ("outcome", "absent_reason", "comments", "assessment")


class RowForm(forms.Form):
    """One member's row of the meeting page; fields are named `<subject id>-<field>`.

    A reviewed member's entry may be corrected until their level is proposed; after that the
    entry and the proposal are locked."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", "—"), (REVIEWED, gettext_lazy("Reviewed")), (ABSENT, gettext_lazy("Absent"))],
    )
    absent_reason = forms.CharField(label=gettext_lazy("Why absent"), required=False, max_length=255)
    comments = forms.CharField(
        label=gettext_lazy("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assessment = forms.CharField(
        label=gettext_lazy("The cell's assessment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.ChoiceField(label=gettext_lazy("Proposed level"), required=False)
    civil_service_level = forms.ChoiceField(label=gettext_lazy("Civil-service level"), required=False)

    def __init__(
        self, *args, subject: Subject, entry: MeetingEntry | None, read_only: bool = False, **kwargs
    ):
        self.subject = subject
        self.levels = subject.season.rule_set.level_codes()
        initial = {"level": subject.proposed_level, "civil_service_level": subject.civil_service_level}
        if entry is not None:
            initial.update(
                outcome=REVIEWED if entry.reviewed else ABSENT,
                absent_reason=entry.absent_reason,
                comments=entry.comments,
                assessment=entry.assessment,
                **{f"votes_{code}": n for code, n in (entry.votes or {}).items()},
            )
        super().__init__(*args, prefix=str(subject.pk), initial=initial, **kwargs)
        _vote_fields(self, self.levels, "form-control form-control-sm vote-input")
        choices = [("", "—")] + [(code, code) for code in self.levels]
        self.fields["level"].choices = choices
        self.fields["civil_service_level"].choices = choices
        if not subject.is_civil_servant:
            del self.fields["civil_service_level"]
        for bound in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(bound, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            bound.widget.attrs.setdefault("class", css)
        self.fields["level"].widget.attrs["class"] += " js-level"
        self.fields["outcome"].widget.attrs["class"] += " js-outcome"
        self.entry_locked = read_only or subject.state in (S.PROPOSED, S.DECIDED, S.EXCLUDED)
        self.proposal_locked = read_only or subject.state in (
            S.PROPOSED,
            S.DECIDED,
            S.EXCLUDED,
            *workflow.EDITABLE,
        )
        for name in self.entry_field_names():
            self.fields[name].disabled = self.entry_locked
        for name in ("level", "civil_service_level"):
            if name in self.fields:
                self.fields[name].disabled = self.proposal_locked

    def entry_field_names(self) -> list[str]:
        return [*ENTRY_FIELDS, *(f"votes_{code}" for code in self.levels)]

    def vote_fields(self):
        return [self[f"votes_{code}"] for code in self.levels]

    def entry_input(self) -> workflow.EntryInput | None:
        """What to record for this member, if the row says so and something changed."""
        data = self.cleaned_data
        if self.entry_locked or not data.get("outcome"):
            return None
        if not set(self.changed_data) & set(self.entry_field_names()):
            return None
        reviewed = data["outcome"] == REVIEWED
        return workflow.EntryInput(
            subject=self.subject,
            reviewed=reviewed,
            absent_reason="" if reviewed else data["absent_reason"],
            comments=data["comments"],
            votes=_votes(data, self.levels),
            assessment=data["assessment"],
        )

    def proposal_input(self) -> workflow.ProposalInput | None:
        data = self.cleaned_data
        if self.proposal_locked or not data.get("level"):
            return None
        return workflow.ProposalInput(
            subject=self.subject, level=data["level"], civil_service_level=data.get("civil_service_level", "")
        )


# -- the dashboard ----------------------------------------------------------------------------------


def _dashboard_context(request, season: Season, unit: SeasonUnit) -> dict:
    cell = load_cell(season, unit)
    rows = [cell.row(s) for s in cell.members]
    collective_rows = [cell.row(s) for s in cell.collectives]
    counts = Counter(s.state for s in cell.members)
    pledge_counts = Counter(r.pledge.state if r.pledge else "" for r in rows)
    return {
        "season": season,
        "unit": unit,
        "cell": cell,
        "rows": rows,
        "collective_rows": collective_rows,
        "state_counts": [
            (state, label, counts[state], STATE_TONES[state])
            for state, label in S.choices
            if counts.get(state)
        ],
        "pledge_counts": {
            "missing": pledge_counts.get("", 0),
            "draft": pledge_counts.get(Pledge.State.DRAFT, 0),
            "submitted": pledge_counts.get(Pledge.State.SUBMITTED, 0),
            "acknowledged": pledge_counts.get(Pledge.State.ACKNOWLEDGED, 0),
        },
        "out_of_scope": cell.out_of_scope,
        "meters": quota_meters(season, cell.members),
        "can_manage": can_manage(request, season, unit),
        "crumbs": _crumbs(season, unit),
    }


def _crumbs(season: Season, unit: SeasonUnit, *, meeting: bool = False) -> list[dict]:
    crumbs = [
        {"name": _("Home"), "url": reverse("home")},
        {"name": unit.name, "url": reverse("reviews:cell", args=[season.pk, unit.code])},
    ]
    if meeting:
        crumbs.append({"name": _("Review meeting"), "url": ""})
    return crumbs


@login_required
@require_GET
def cell_dashboard(request, season: int, code: str):
    season = get_season(season)
    unit = get_unit(request, season, code)
    return render(request, "reviews/cell/dashboard.html", _dashboard_context(request, season, unit))


def _back_to_cell(season: Season, unit: SeasonUnit, anchor: str = ""):
    url = reverse("reviews:cell", args=[season.pk, unit.code])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _cell_pledge(season: Season, unit: SeasonUnit, pk: int) -> Pledge:
    """A pledge of the season's year by a member of this cell (404 otherwise)."""
    pledge = get_object_or_404(Pledge.objects.select_related("member"), pk=pk, year=season.year)
    if not Subject.objects.filter(season=season, unit=unit, member_id=pledge.member_id).exists():
        raise Http404
    return pledge


def _pledge_step(request, season: int, code: str, pk: int, step, success: str):
    season = get_season(season)
    unit = get_unit(request, season, code, manage=True)
    pledge = _cell_pledge(season, unit, pk)
    try:
        step(pledge=pledge, actor=request.user)
    except PledgeError as refusal:
        for reason in refusal.messages:
            messages.error(request, reason)
    else:
        messages.success(request, success % {"name": pledge.member.full_name})
    return _back_to_cell(season, unit, f"member-{pledge.member_id}")


@login_required
@require_POST
def acknowledge_pledge_view(request, season: int, code: str, pk: int):
    return _pledge_step(request, season, code, pk, acknowledge_pledge, _("Pledge of %(name)s acknowledged."))


@login_required
@require_POST
def return_pledge_view(request, season: int, code: str, pk: int):
    return _pledge_step(
        request, season, code, pk, return_pledge, _("Pledge of %(name)s returned to them for changes.")
    )


@login_required
@require_POST
def return_form_view(request, season: int, code: str, pk: int):
    """Send a submitted review back to its author, with the reason (it is notified to them)."""
    season = get_season(season)
    unit = get_unit(request, season, code, manage=True)
    subject = get_object_or_404(
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member"),
        season=season,
        unit=unit,
        pk=pk,
    )
    reason = request.POST.get("reason", "").strip()
    run_step(
        request,
        lambda: workflow.return_form(subject=subject, actor=request.user, reason=reason),
        success=_("The review of %(name)s was returned for rework.") % {"name": subject.name},
    )
    return _back_to_cell(season, unit, f"subject-{subject.pk}")


# -- the review meeting ------------------------------------------------------------------------------


def _meeting_initial(cell: Cell) -> dict:
    meeting = cell.meeting
    if meeting is None:
        return {"total": len(cell.members) or None}
    return {
        "held_on": meeting.held_on,
        "draft_circulated_on": meeting.draft_circulated_on,
        "present": meeting.present,
        "total": meeting.total,
        "notes": meeting.notes,
    }


def _collective_open(cell: Cell) -> bool:
    """Whether the cell's own review is still to be recorded with the meeting."""
    organization = cell.organization
    return organization is not None and organization.state in (S.SUBMITTED, S.ABSENT, *workflow.EDITABLE)


def _meeting_rows(cell: Cell, *, data=None, read_only: bool) -> list[Row]:
    rows = []
    for subject in cell.in_meeting_order():
        row = cell.row(subject)
        row.form = RowForm(data, subject=subject, entry=row.entry, read_only=read_only)
        rows.append(row)
    return rows


def _circulation_text(season: Season, held_on, circulated_on, meeting: Meeting | None) -> str:
    if held_on and circulated_on:
        return rules.circulation_warning(held_on, circulated_on, season.rule_set)
    return meeting.circulation_warning if meeting else ""


def _meeting_context(
    request, season: Season, unit: SeasonUnit, *, header=None, row_data=None, cell: Cell | None = None
) -> dict:
    cell = cell or load_cell(season, unit)
    manage = can_manage(request, season, unit)
    header = header or MeetingForm(
        initial=_meeting_initial(cell), season=season, with_collective=_collective_open(cell)
    )
    rows = _meeting_rows(cell, data=row_data, read_only=not manage)
    pending = pending_levels(row_data, cell.members) if row_data is not None else {}
    values = header.cleaned_data if header.is_bound and header.is_valid() else header.initial
    organization = cell.organization
    return {
        "season": season,
        "unit": unit,
        "cell": cell,
        "meeting": cell.meeting,
        "header": header,
        "rows": rows,
        "collective_row": cell.row(organization) if organization else None,
        "meters": quota_meters(season, cell.members, pending),
        "meter_url": reverse("reviews:quota_meter", args=[season.pk, unit.code]),
        "circulation_warning": _circulation_text(
            season, values.get("held_on"), values.get("draft_circulated_on"), cell.meeting
        ),
        "can_manage": manage,
        "crumbs": _crumbs(season, unit, meeting=True),
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_page(request, season: int, code: str):
    """GET: the meeting page. POST: save the meeting record (and the cell's own entry)."""
    season = get_season(season)
    if request.method != "POST":
        unit = get_unit(request, season, code)
        return render(request, "reviews/cell/meeting.html", _meeting_context(request, season, unit))
    unit = get_unit(request, season, code, manage=True)
    cell = load_cell(season, unit)
    header = MeetingForm(request.POST, season=season, with_collective=_collective_open(cell))
    organization = cell.organization
    if organization is None:
        raise Http404
    if header.is_valid() and run_step(
        request,
        lambda: workflow.record_meeting(
            collective=organization,
            actor=request.user,
            meeting=header.meeting_input(),
            entries=header.collective_entries(organization),
        ),
        success=_("The meeting record is saved."),
    ):
        return redirect("reviews:meeting", season.pk, unit.code)
    return render(
        request, "reviews/cell/meeting.html", _meeting_context(request, season, unit, header=header)
    )


def _meeting_input(meeting: Meeting) -> workflow.MeetingInput:
    return workflow.MeetingInput(
        held_on=meeting.held_on,
        present=meeting.present,
        total=meeting.total,
        draft_circulated_on=meeting.draft_circulated_on,
        notes=meeting.notes,
    )


def _save_rows(request, cell: Cell, forms_: list[RowForm]) -> bool:
    """Record the rows' entries in one meeting step, then their proposals in one proposal step."""
    entries = [e for f in forms_ if (e := f.entry_input())]
    proposals = [p for f in forms_ if (p := f.proposal_input())]
    if not entries and not proposals:
        messages.info(request, _("Nothing to save: choose an outcome or a proposed level first."))
        return True
    organization = cell.organization
    if entries:
        if cell.meeting is None or organization is None:
            messages.error(request, _("Save the meeting record (date and attendance) first."))
            return False
        if not run_step(
            request,
            lambda: workflow.record_meeting(
                collective=organization,
                actor=request.user,
                meeting=_meeting_input(cell.meeting),
                entries=entries,
            ),
            success=ngettext("%(n)d review result recorded.", "%(n)d review results recorded.", len(entries))
            % {"n": len(entries)},
        ):
            return False
    if proposals:
        return run_step(
            request,
            lambda: workflow.propose(proposals=proposals, actor=request.user),
            success=ngettext("%(n)d rating proposed.", "%(n)d ratings proposed.", len(proposals))
            % {"n": len(proposals)},
        )
    return True


@login_required
@require_POST
def meeting_rows(request, season: int, code: str):
    """Save every changed row at once (the page's main button, and the no-JavaScript path)."""
    season = get_season(season)
    unit = get_unit(request, season, code, manage=True)
    cell = load_cell(season, unit)
    row_forms = [
        RowForm(request.POST, subject=s, entry=cell.facts.meeting_entries.get(s.pk))
        for s in cell.in_meeting_order()
    ]
    if not all(f.is_valid() for f in row_forms):
        messages.error(request, _("Some rows have values that cannot be saved; they are marked below."))
    elif _save_rows(request, cell, row_forms):
        return redirect("reviews:meeting", season.pk, unit.code)
    return render(
        request,
        "reviews/cell/meeting.html",
        _meeting_context(request, season, unit, row_data=request.POST),
    )


@login_required
@require_POST
def meeting_row(request, season: int, code: str, pk: int):
    """Save one member's row. htmx gets the row back (with the engine's reasons when refused),
    the other rows' states and blockers and the quota meter; others are redirected."""
    season = get_season(season)
    unit = get_unit(request, season, code, manage=True)
    cell = load_cell(season, unit)
    subject = _cell_subject(cell, pk)
    if not subject.is_member or not subject.in_scope:
        raise Http404
    row_form = RowForm(request.POST, subject=subject, entry=cell.facts.meeting_entries.get(subject.pk))
    saved = row_form.is_valid() and _save_rows(request, cell, [row_form])
    if not request.htmx:
        if not saved:  # the page again, with what was typed and why it was not saved
            context = _meeting_context(request, season, unit, row_data=request.POST)
            return render(request, "reviews/cell/meeting.html", context)
        url = reverse("reviews:meeting", args=[season.pk, unit.code])
        return redirect(f"{url}#row-{subject.pk}")
    notes = list(messages.get_messages(request))  # shown in the row, not on the next page
    cell = load_cell(season, unit)
    fresh = _cell_subject(cell, pk)
    pending = pending_levels(request.POST, cell.members)
    rows = _meeting_rows(cell, read_only=False)
    row = next(r for r in rows if r.subject.pk == pk)
    if not saved:
        row.form = RowForm(request.POST, subject=fresh, entry=row.entry)
        row.form.is_valid()
    row.refusals = [str(n) for n in notes if n.level_tag == "error"]
    row.saved = saved and any(n.level_tag == "success" for n in notes)
    row.notes = [str(n) for n in notes if n.level_tag != "error"]
    return render(
        request,
        "reviews/cell/_meeting_row_response.html",
        {
            "season": season,
            "unit": unit,
            "row": row,
            "others": [r for r in rows if r.subject.pk != pk],
            "meters": quota_meters(season, cell.members, pending),
            "meter_url": reverse("reviews:quota_meter", args=[season.pk, unit.code]),
            "can_manage": True,
        },
    )


@login_required
@require_GET
def quota_meter(request, season: int, code: str):
    """The meter alone, counting the levels the page has chosen but not saved (htmx)."""
    season = get_season(season)
    unit = get_unit(request, season, code)
    subjects = list(
        Subject.objects.filter(season=season, unit=unit, kind=Subject.Kind.MEMBER).only(
            "pk", "kind", "quota_key", "state", "proposed_level", "out_of_scope", "season_id", "unit_id"
        )
    )
    for subject in subjects:
        subject.season = season
    return render(
        request,
        "reviews/cell/_quota_meter.html",
        {
            "meters": quota_meters(season, subjects, pending_levels(request.GET, subjects)),
            "meter_url": reverse("reviews:quota_meter", args=[season.pk, unit.code]),
        },
    )


@login_required
@require_GET
def circulation_check(request, season: int, code: str):
    """R-ORDER-8 as the secretary types the dates (htmx): a warning, never a block."""
    season = get_season(season)
    get_unit(request, season, code)
    dates = []
    for name in ("held_on", "draft_circulated_on"):
        try:
            dates.append(forms.DateField(required=False).clean(request.GET.get(name, "")))
        except forms.ValidationError:
            dates.append(None)
    held_on, circulated_on = dates
    text = (
        rules.circulation_warning(held_on, circulated_on, season.rule_set)
        if held_on and circulated_on
        else ""
    )
    return render(
        request, "reviews/cell/_circulation_warning.html", {"circulation_warning": text, "season": season}
    )


urlpatterns = [
    path("chi-bo/<str:code>/", cell_dashboard, name="cell"),
    path(
        "chi-bo/<str:code>/cam-ket/<int:pk>/xac-nhan/",
        acknowledge_pledge_view,
        name="cell_acknowledge_pledge",
    ),
    path("chi-bo/<str:code>/cam-ket/<int:pk>/tra-lai/", return_pledge_view, name="cell_return_pledge"),
    path("chi-bo/<str:code>/tra-lai/<int:pk>/", return_form_view, name="cell_return_form"),
    path("chi-bo/<str:code>/hop/", meeting_page, name="meeting"),
    path("chi-bo/<str:code>/hop/ghi/", meeting_rows, name="meeting_rows"),
    path("chi-bo/<str:code>/hop/<int:pk>/", meeting_row, name="meeting_row"),
    path("chi-bo/<str:code>/hop/dinh-muc/", quota_meter, name="quota_meter"),
    path("chi-bo/<str:code>/hop/canh-bao/", circulation_check, name="meeting_circulation"),
]
