"""Pages: the season dashboard (R-STAT-1, R-STAT-2, R-STAT-3) and the user's notifications.

The dashboard of an organization shows its figures in a fixed number of queries, whatever the
size of its subtree: every figure comes from reviews/figures.py, which reads the figures the
database keeps for the unit and its children, never the season's subjects. Charts are inline SVG built here as plain geometry, with the same figures in tables.
"""

import datetime
from dataclasses import dataclass, field
from html import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Organization
from reviews import figures as statistics
from reviews.access import MANAGING, VIEWING, season_scope
from reviews.figures import LevelCounts
from reviews.figures_children import ChildRow, by_child
from reviews.models import Season, SeasonUnit, Subject
from reviews.quarters.dashboard import dashboard_quarters
from reviews.records_deadline import records_deadline_sentence
from reviews.scope.units import decides_ratings
from reviews.supervision.counts import redo_table
from reviews.views.cell_format import CellFormat
from reviews.views.common import get_season, get_unit, state_label
from reviews.views.dashboard_charts import Chart, bar_chart
from reviews.views.dashboard_points import histogram_rows, points_figures

MEMBER, ORGANIZATION = Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION
S = Subject.State

# The phases a season may set a deadline for (Season.deadlines keys), in the order of the work.
PHASE_LABELS = {
    "pledge": gettext_lazy("Annual pledge"),
    "self_review": gettext_lazy("Self-review"),
    "meeting": gettext_lazy("Review meeting"),
    "proposal": gettext_lazy("Rating proposal"),
    "decision": gettext_lazy("Rating decision"),
}
# The states of in-scope subjects, in the order of the work.
PROGRESS_STATES = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.REVIEWED, S.ABSENT, S.PROPOSED, S.DECIDED]


# -- figures ---------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything the dashboard and its Excel download show for one organization of a season."""

    season: Season
    unit: SeasonUnit
    today: datetime.date
    levels: dict[str, LevelCounts]
    previous: dict[str, LevelCounts] | None
    children: list[ChildRow]
    progress: dict[str, dict[str, int]]
    overdue: dict[str, int]
    follow_up: dict[str, int]
    level_codes: list[str] = field(default_factory=list)
    points: dict | None = None  # QĐ 366 seasons: reviews/views/dashboard_points.py

    @property
    def previous_year(self) -> int:
        return self.season.year - 1

    def deadlines(self) -> list[tuple[str, datetime.date, bool]]:
        """(phase, deadline, passed) for each phase the season sets a deadline for."""
        found = []
        for phase in PHASE_LABELS:
            value = self.season.deadlines.get(phase)
            if value:
                day = datetime.date.fromisoformat(value)
                found.append((phase, day, day < self.today))
        return found

    def progress_total(self, kind: str) -> int:
        return sum(self.progress.get(kind, {}).values())


def collect_figures(season: Season, unit: SeasonUnit, today: datetime.date | None = None) -> Figures:
    """The dashboard's figures: the kept rows of the unit, of its children and of the same
    organization last season, then the committee and discipline counts; five queries, whatever
    the size of the subtree."""
    today = today or timezone.localdate()
    rows = statistics.kept_rows(season, unit)
    return Figures(
        season=season,
        unit=unit,
        today=today,
        levels=statistics.level_counts(season, unit, rows),
        previous=statistics.compare_with_previous(season, unit),
        children=by_child(season, unit),
        progress=statistics.progress(season, unit, rows),
        overdue=statistics.overdue(season, unit, today=today, rows=rows),
        follow_up=statistics.follow_up(season, unit, rows),
        level_codes=season.rule_set.level_codes(),
        points=points_figures(season, unit, rows),
    )


def reviewed_count(counts: LevelCounts) -> int:
    """Subjects that are reviewed and rated this season: decided, absent or still pending."""
    return counts.rated + counts.absent + counts.pending


def has_organizations(figures: Figures) -> bool:
    """Whether any party organization under the unit is counted, this season or the last (a cell
    has none: the unit itself is not counted among its own organizations, reviews/figures.py)."""
    previous = (figures.previous or {}).get(ORGANIZATION)
    return bool(figures.levels[ORGANIZATION].total or (previous and previous.total))


def ratio(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def level_chart(chart_id: str, title: str, figures: Figures, kind: str) -> Chart:
    current = figures.levels[kind]
    previous = figures.previous[kind] if figures.previous else None
    rows = []
    for code in figures.level_codes:
        series = [
            (str(figures.season.year) if previous else "", current.levels.get(code, 0), current.percent(code))
        ]
        if previous is not None:
            series.append((str(figures.previous_year), previous.levels.get(code, 0), previous.percent(code)))
        rows.append((code, series))
    return bar_chart(chart_id, title, rows)


def progress_chart(chart_id: str, title: str, figures: Figures, kind: str) -> Chart:
    states = figures.progress.get(kind, {})
    total = figures.progress_total(kind)
    rows = [
        (
            state_label(state, collective=kind != MEMBER),
            [("", states.get(state, 0), ratio(states.get(state, 0), total))],
        )
        for state in PROGRESS_STATES
    ]
    return bar_chart(chart_id, title, rows)


# -- what the templates show ----------------------------------------------------------------------------


def level_table(figures: Figures, kind: str) -> list[dict]:
    """One row per level: this season and (where there is one) the previous, side by side."""
    current = figures.levels[kind]
    previous = figures.previous[kind] if figures.previous else None
    labels = {level["code"]: level["label"] for level in figures.season.rule_set.levels}
    rows = []
    for code in figures.level_codes:
        row = {"code": code, "label": labels.get(code, ""), "count": current.levels.get(code, 0)}
        row["percent"] = current.percent(code)
        if previous is not None:
            row["previous_count"] = previous.levels.get(code, 0)
            row["previous_percent"] = previous.percent(code)
            row["change"] = round(row["percent"] - row["previous_percent"], 1)
        rows.append(row)
    return rows


def not_rated(counts: LevelCounts) -> list[tuple[str, int]]:
    """Not rated, with the reason (R-SCOPE-2, R-SCOPE-5, R-SCOPE-6), then those still pending."""
    rows = [
        (str(Subject.OutOfScope(reason).label) if reason in Subject.OutOfScope.values else reason, n)
        for reason, n in sorted(counts.out_of_scope.items())
        if n
    ]
    if counts.absent:
        rows.append((_("Not yet reviewed (absent, ill)"), counts.absent))
    return rows


def progress_table(figures: Figures) -> tuple[list[dict], list[int]]:
    kinds = [ORGANIZATION, Subject.Kind.LEADERSHIP, MEMBER]
    rows = []
    for state in PROGRESS_STATES:
        counts = [figures.progress.get(kind, {}).get(state, 0) for kind in kinds]
        rows.append({"state": state, "label": state_label(state), "counts": counts, "total": sum(counts)})
    totals = [figures.progress_total(kind) for kind in kinds]
    return rows, totals


def child_rows(figures: Figures, season: Season) -> list[dict]:
    """One row per directly subordinate organization; its cells are formatted here (a province
    has hundreds of children: per-cell filters and a `{% url %}` per row dominated the page)."""
    number = CellFormat()
    link = reverse("reviews:dashboard", args=[season.pk, "CODE"]).replace("CODE", "{}")
    rows = []
    for child in figures.children:
        members, organizations = child.members, child.organizations
        in_scope = sum(child.states.values())
        row = {
            "unit": child.unit,
            "url": link.format(child.unit.code),
            "members_total": members.total,
            "levels": [members.levels.get(code, 0) for code in figures.level_codes],
            "not_rated": sum(members.out_of_scope.values()) + members.absent,
            "pending": members.pending,
            "organizations_rated": organizations.rated,
            "organizations_total": reviewed_count(organizations),
            "decided": child.states.get(S.DECIDED, 0),
            "in_scope": in_scope,
            "decided_percent": ratio(child.states.get(S.DECIDED, 0), in_scope),
            "average_points": child.average_points,
        }
        rated = f"{number(row['organizations_rated'])}/{number(row['organizations_total'])}"
        row["cells"] = [
            number(row["members_total"]),
            *(number(n) for n in row["levels"]),
            number(row["not_rated"]),
            number(row["pending"]),
            rated if row["organizations_total"] else "—",  # none to rate (a cell): a dash, not "0/0"
            number(row["decided_percent"], 1),
        ]
        if figures.points:
            average = row["average_points"]
            row["cells"].append("—" if average is None else number(average, 1))
        # The row's HTML is joined here: hundreds of rows of a dozen cells each took the template
        # most of the page's time (a variable node per cell). The cells are numbers formatted
        # above (digits, separators, a dash): nothing in them for HTML to read, so they are not
        # escaped one by one (that was a fifth of this function's time).
        cells = "".join(f'<td class="num">{cell}</td>' for cell in row["cells"])
        row["html"] = mark_safe(  # the name and the link are escaped, the numbers need not be
            f'<th scope="row" class="fw-normal"><a href="{escape(row["url"])}">{escape(child.unit.name)}</a></th>'
            + cells
        )
        rows.append(row)
    return rows


def follow_up_rows(figures: Figures) -> list[dict]:
    """R-STAT-3: plans submitted as x/y; where none is due (`of` is 0), a sentence saying so."""
    f = figures.follow_up
    return [
        {
            "label": _("Remediation plans of collectives"),
            "done": f["collective_plans"],
            "of": f["collectives"],
            "percent": ratio(f["collective_plans"], f["collectives"]),
            "none_due": _("No collective here needs a remediation plan yet."),
        },
        {
            "label": _("Remediation plans of committee members"),
            "done": f["committee_plans"],
            "of": f["committee_members"],
            "percent": ratio(f["committee_plans"], f["committee_members"]),
            "none_due": _("No committee member here needs a remediation plan yet."),
        },
    ]


def breadcrumbs(request, season: Season, unit: SeasonUnit) -> list[dict]:
    """The unit's ancestors the user may see (up to the top of their scope), then the unit. One
    query."""
    step = Organization.steplen
    prefixes = [unit.path[:end] for end in range(step, len(unit.path), step)]
    scope = season_scope(request.user, season)
    chain = [
        a
        for a in SeasonUnit.objects.filter(season=season, path__in=prefixes)
        .order_by("depth")
        .only("code", "name", "path")
        if scope.can_view_path(a.path)
    ]
    return [
        {"name": u.name, "url": reverse("reviews:dashboard", args=[season.pk, u.code])}
        for u in [*chain, unit]
    ]


# -- views -------------------------------------------------------------------------------------------


@login_required
def dashboard_start(request, season):
    """The dashboard of the top of the user's part of the season's tree (the province for the
    provincial board)."""
    season = get_season(season)
    scope = season_scope(request.user, season)
    if scope.everything:
        top = SeasonUnit.objects.filter(season=season, parent__isnull=True).order_by("path").first()
    else:
        paths = sorted((p for kind, p in scope.roles if kind in MANAGING | VIEWING), key=len)
        top = SeasonUnit.objects.filter(season=season, path=paths[0]).first() if paths else None
    if top is None:
        raise Http404
    return redirect("reviews:dashboard", season.pk, top.code)


@login_required
def dashboard(request, season, code):
    """R-STAT-1..3 for one organization of a season, with drill-down to its subordinates."""
    season = get_season(season)
    unit = get_unit(request, season, code)
    figures = collect_figures(season, unit)
    progress_rows, progress_totals = progress_table(figures)
    members, organizations = figures.levels[MEMBER], figures.levels[ORGANIZATION]
    children = child_rows(figures, season)
    scope = season_scope(request.user, season)
    context = {
        "season": season,
        "unit": unit,
        "figures": figures,
        "can_number": scope.can_manage_path(unit.path),
        # R-SUP-1: a meeting's attendee sees the figures, not the documents listing the subtree.
        "sees_below": scope.sees_below(unit.path),
        # R366-STEP-1: only the deciding level issues the decision (reports refuses the others).
        "issues_decisions": decides_ratings(season.rule_set, unit.kind),
        "crumbs": breadcrumbs(request, season, unit),
        "members": members,
        "organizations": organizations,
        "member_levels": level_table(figures, MEMBER),
        "organization_levels": level_table(figures, ORGANIZATION),
        "members_not_rated": not_rated(members),
        "organizations_not_rated": not_rated(organizations),
        "member_chart": level_chart(
            "chart-members",
            _("Party members by rating level, %(year)s") % {"year": season.year},
            figures,
            MEMBER,
        ),
        "organization_chart": level_chart(
            "chart-organizations",
            _("Party organizations by rating level, %(year)s") % {"year": season.year},
            figures,
            ORGANIZATION,
        ),
        "progress_chart": progress_chart("chart-progress", _("Party members by step"), figures, MEMBER),
        "points_chart": bar_chart(
            "chart-points",
            _("Party members by points decided, %(year)s") % {"year": season.year},
            histogram_rows(figures.points),
        )
        if figures.points
        else None,
        "progress_rows": progress_rows,
        "progress_totals": progress_totals,
        "children": children,
        # One string: a template loop over hundreds of rows cost a quarter of the page's template.
        "children_html": mark_safe("".join(f"<tr>{row['html']}</tr>" for row in children)),
        "deadlines": [
            (PHASE_LABELS[phase], day, passed, figures.overdue.get(phase) if passed else None)
            for phase, day, passed in figures.deadlines()
        ],
        # The phases nest (a subject short of a phase is short of every later one), so the
        # largest figure is the number of subjects behind some passed deadline.
        "overdue_total": max(figures.overdue.values(), default=0),
        "follow_up": follow_up_rows(figures),
        "decided_members": members.rated,
        "in_scope_members": reviewed_count(members),
        "decided_organizations": organizations.rated,
        "in_scope_organizations": reviewed_count(organizations),
        "has_organizations": has_organizations(figures),
        "decided_members_percent": ratio(members.rated, reviewed_count(members)),
        "decided_organizations_percent": ratio(organizations.rated, reviewed_count(organizations)),
        "quarters": dashboard_quarters(season, unit),  # issue 14, R366-QTR-5
        "records_deadline": records_deadline_sentence(season, unit),  # R366-SCOPE-7: the province only
    }
    # Issue 15: the reviews required again (R-SUP-1) per child organization, open and done.
    context["redo"] = redo_table(figures.children)
    return render(request, "reviews/dashboard/dashboard.html", context)


urlpatterns = [
    path("thong-ke/", dashboard_start, name="dashboard-start"),
    path("thong-ke/<str:code>/", dashboard, name="dashboard"),
]
