"""What the cell secretary's pages know about a cell: its subjects with one Facts for all of
them, each member's next step and what blocks it, the badges' colours, the crumbs and the way
back to the cell dashboard."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.kept_reads import KeptRead
from members.models import Pledge
from reviews import rules, workflow
from reviews.access import season_scope
from reviews.facts import Facts
from reviews.facts.with_subjects import ANNOTATED, subjects_with_facts
from reviews.models import Meeting, MeetingEntry, Season, SeasonUnit, Subject

if TYPE_CHECKING:
    from reviews.views.cell.forms import RowForm

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


_STEP_LABELS = {
    "submit": gettext_lazy("Submit the review"),
    "review": gettext_lazy("Review at the meeting"),
    "propose": gettext_lazy("Propose a rating"),
    "decide": gettext_lazy("Decide the rating"),
}


def step_label(step: str) -> str:
    """The step's words: only the one asked is translated (each row of the board asks)."""
    label = _STEP_LABELS.get(step)
    return str(label) if label is not None else step


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
    refusal_kept: bool = False  # refused for what only the row's own save can say again
    notes: list[str] = field(default_factory=list)  # what a save did
    saved: bool = False
    points: dict | None = None  # QĐ 366: the appraisal's summary (reviews/views/cell/appraisal.py)
    second_khtnv: bool = False  # R-RATE-11 / R366-RATE-12, as on the member's page
    shared_blockers: int = 0  # reasons left out of the row because the checklist says them once
    links: dict[str, str] = field(default_factory=dict)  # the cell board's links (reversed once a page)
    typed_reason: str | None = None  # the board: a refused return's reason, put back in the row's form

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
            second_khtnv=is_second_khtnv_year(subject, self.facts),
        )


def is_second_khtnv_year(subject: Subject, facts: Facts) -> bool:
    """R-RATE-11 / R366-RATE-12: the flag the decision set, or the one a KHTNV proposal will set
    after last year's KHTNV (the same test as the decision's)."""
    if subject.state == S.DECIDED or subject.flags.get("second_khtnv"):
        return bool(subject.flags.get("second_khtnv"))
    level = subject.proposed_level
    return bool(level) and rules.is_second_khtnv(subject, level, facts)


_UNIT_SUBJECT_READS: dict[tuple, KeptRead] = {}


def _unit_subjects_read(season: Season) -> KeptRead:
    """A unit's subjects with the Facts' annotations and the records the board shows, kept
    compiled per season (the annotations hold the season's year and dates: the same key as
    subjects_with_facts')."""
    key = (season.pk, season.year, season.reference_date, season.top_organization_id)
    if key not in _UNIT_SUBJECT_READS:
        if len(_UNIT_SUBJECT_READS) >= 16:  # a handful of open seasons is the rule
            _UNIT_SUBJECT_READS.clear()
        _UNIT_SUBJECT_READS[key] = KeptRead(
            lambda unit_id: (
                subjects_with_facts(season)
                .filter(season_id=season.pk, unit_id=unit_id)
                .select_related("decider", "form", "meeting_entry", "meeting")
                .order_by("sort_key", "id")
            ),
            int,
        )
    return _UNIT_SUBJECT_READS[key]


def load_cell(season: Season, unit: SeasonUnit) -> Cell:
    """The cell's subjects and one Facts for all of them: a fixed number of queries."""
    subjects = _unit_subjects_read(season).read(unit.pk)
    for subject in subjects:
        subject.season, subject.unit = season, unit
    collective = next((s for s in subjects if s.kind == Subject.Kind.ORGANIZATION), None)
    meeting = getattr(collective, "meeting", None)  # read with the subjects
    return Cell(
        season=season,
        unit=unit,
        subjects=subjects,
        facts=Facts(season, subjects, loaded=("form", "meeting_entry", "unit_members", *ANNOTATED)),
        meeting=meeting,
    )


def can_manage(request, season: Season, unit: SeasonUnit) -> bool:
    return season_scope(request.user, season).can_manage_path(unit.path)


def cell_crumbs(season: Season, unit: SeasonUnit, *, meeting: bool = False) -> list[dict]:
    crumbs = [
        {"name": _("Home"), "url": reverse("home")},
        {"name": unit.name, "url": reverse("reviews:cell", args=[season.pk, unit.code])},
    ]
    if meeting:
        crumbs.append({"name": _("Review meeting"), "url": ""})
    return crumbs


def back_to_cell(season: Season, unit: SeasonUnit, anchor: str = ""):
    url = reverse("reviews:cell", args=[season.pk, unit.code])
    return redirect(f"{url}#{anchor}" if anchor else url)
