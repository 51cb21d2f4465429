"""Page: who blocks whom: for each organization directly under a unit, its step, what holds it
and its members per state, in a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from organizations.models import Organization
from reviews import rules, workflow
from reviews.access import season_scope
from reviews.facts import REVIEW_DONE, Facts
from reviews.facts.sql import InSubquery
from reviews.facts.with_subjects import ANNOTATED, facts_annotations
from reviews.figures_children import ChildUnit, by_child
from reviews.models import SeasonUnit, Subject
from reviews.views.common import get_season, get_unit
from reviews.views.staff.common import NEXT_STEPS, STATE_ORDER, flag_labels
from reviews.views.staff.equivalents import may_compare
from reviews.views.staff.moves import MOVE_CHOICES, Move, whose_moves
from reviews.views.staff.queue import has_queue

S = Subject.State


@dataclass
class BoardRow:
    unit: ChildUnit
    organization: Subject | None
    leadership: Subject | None
    holds: list[str]
    warnings: list[str]
    leadership_holds: list[str]
    member_states: list[tuple[str, str, int]]
    members_in_scope: int
    members_decided: int
    members_out: int
    has_children: bool
    flags: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    redo: tuple[int, int] = (0, 0)  # R-SUP-1 demands under the organization: open, done
    links: dict[str, str] = field(default_factory=dict)  # the row's pages, reversed once per board

    @property
    def move(self) -> Move | None:
        return self.moves[0] if self.moves else None

    @property
    def decided_percent(self) -> int:
        return round(100 * self.members_decided / self.members_in_scope) if self.members_in_scope else 0


def _holds(subject: Subject | None, facts: Facts, *, leadership: bool = False) -> tuple[list[str], list[str]]:
    """What keeps a collective from its next step and from its rating: its review not recorded,
    the engine's blockers for the next step, the prerequisite collectives (R-ORDER-4) and the
    subordinate organizations not yet rated (R-ORDER-5). A leadership collective's own state is
    shown beside its organization's, so only the engine's blockers of its next step are added."""
    if subject is None or not subject.in_scope or subject.state == S.DECIDED:
        return [], []
    holds, warnings = [], []
    if subject.state not in REVIEW_DONE and not leadership:
        holds.append(
            _("%(name)s: the collective review is not recorded yet (now: %(state)s).")
            % {"name": subject.name, "state": subject.get_state_display()}
        )
    for step in NEXT_STEPS.get(subject.state, []):
        if step in ("submit", "return"):
            continue  # the report's own gaps are its author's business, not what holds the unit
        verdict = workflow.blockers(subject, step, facts=facts)
        holds += verdict.blockers
        warnings += verdict.warnings
    if not leadership:
        holds += rules.affiliate_problems(subject, facts)
        holds += rules.decision_order_problems(subject, facts)
    return list(dict.fromkeys(holds)), list(dict.fromkeys(warnings))


# A board's unit has children, so it is at most four levels deep (organizations.models.Kind): its
# ancestors are read with it.
ANCESTORS = "parent__parent__parent"


def _board_crumbs(request, season, unit: SeasonUnit) -> list[dict]:
    scope = season_scope(request.user, season)
    chain = [unit]
    while chain[-1].parent_id is not None and SeasonUnit.parent.field.is_cached(chain[-1]):
        chain.append(chain[-1].parent)
    if chain[-1].parent_id is None:
        chain.reverse()
    else:  # deeper than what was read with the unit
        step = Organization.steplen
        prefixes = [unit.path[:i] for i in range(step, len(unit.path) + 1, step)]
        chain = SeasonUnit.objects.filter(season=season, path__in=prefixes).order_by("path")
    return [
        {"name": u.name, "url": reverse("reviews:blockers", args=[season.pk, u.code])}
        for u in chain
        if scope.can_view_path(u.path)
    ]


class BoardFilter(forms.Form):
    """Whose move, and the order of the rows: query parameters, applied on the server."""

    SORTS = [("tree", gettext_lazy("Order of the tree")), ("move", gettext_lazy("Whose move"))]

    move = forms.ChoiceField(label=gettext_lazy("Whose move"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORTS, required=False)

    def __init__(self, data):
        super().__init__(data)
        self.fields["move"].choices = [("", _("Anyone"))] + [(k, str(label)) for k, label in MOVE_CHOICES]

    def apply(self, rows: list[BoardRow]) -> list[BoardRow]:
        wanted = self.cleaned_data if self.is_valid() else {}
        if wanted.get("move"):
            rows = [r for r in rows if any(m.key == wanted["move"] for m in r.moves)]
        if wanted.get("sort") == "move":
            rows = sorted(rows, key=lambda r: r.move.rank)  # stable: the tree's order within a move
        return rows


def _row_links(season) -> Callable[[SeasonUnit, Subject | None], dict[str, str]]:
    """The links of a row, from URLs reversed once for the board: a province's board has hundreds
    of rows of four links each."""
    placeholder = "__code__"
    by_code = {
        name: reverse(f"reviews:{name}", args=[season.pk, placeholder]) for name in ("blockers", "affiliates")
    }
    subject = reverse("reviews:subject", args=[season.pk, 0]).replace("/0/", "/{}/")
    queue = reverse("reviews:queue", args=[season.pk])

    def links(unit: ChildUnit, organization: Subject | None) -> dict[str, str]:
        code = quote(unit.code, safe=RFC3986_SUBDELIMS + "/~:@")  # as reverse() quotes it
        found = {name: url.replace(placeholder, code) for name, url in by_code.items()}
        found["queue"] = f"{queue}?org={quote(unit.code, safe='/')}&state=all"  # as |urlencode quotes it
        if organization is not None:
            found["subject"] = subject.format(organization.pk)
        return found

    return links


@login_required
@require_GET
def blockers_board(request, season, code):
    """For each organization directly under `code`: its step, what holds it, its members per
    state. A fixed number of queries whatever the number of organizations."""
    season = get_season(season)
    unit = get_unit(request, season, code, related=ANCESTORS)
    children = by_child(season, unit)
    # Named by a subquery, not a list of ids: a province has hundreds of children (reviews/facts/sql.py).
    unit_and_children = SeasonUnit.objects.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk)).values("pk")
    collectives = {
        (s.unit_id, s.kind): s
        for s in Subject.objects.filter(InSubquery("unit_id", unit_and_children), season=season)
        .exclude(kind=Subject.Kind.MEMBER)
        .select_related("unit", "decider")
        .annotate(**facts_annotations(season))
    }
    for subject in collectives.values():
        subject.season = season
    facts = Facts(season, list(collectives.values()), loaded=ANNOTATED)
    rows = []
    links = _row_links(season)
    for child in children:
        organization = collectives.get((child.unit.pk, Subject.Kind.ORGANIZATION))
        leadership = collectives.get((child.unit.pk, Subject.Kind.LEADERSHIP))
        holds, warnings = _holds(organization, facts)
        more, more_warnings = _holds(leadership, facts, leadership=True)
        states = child.member_states
        rows.append(
            BoardRow(
                unit=child.unit,
                organization=organization,
                leadership=leadership,
                holds=holds,
                warnings=list(dict.fromkeys(warnings + more_warnings)),
                leadership_holds=[h for h in more if h not in holds],
                member_states=[(s.value, s.label, states[s]) for s in STATE_ORDER if states.get(s)],
                members_in_scope=sum(states.values()),
                members_decided=states.get(S.DECIDED, 0),
                members_out=sum(child.members.out_of_scope.values()),
                has_children=child.unit.has_children,
                flags=flag_labels(organization) if organization else [],
                moves=whose_moves(child.unit, organization, leadership, states),
                redo=child.redo,
                links=links(child.unit, organization),
            )
        )
    board_filter = BoardFilter(request.GET)
    shown = board_filter.apply(rows)
    own = collectives.get((unit.pk, Subject.Kind.ORGANIZATION))
    own_holds, own_warnings = _holds(own, facts)
    return render(
        request,
        "reviews/staff/blockers.html",
        {
            "season": season,
            "unit": unit,
            "own": own,
            "own_leadership": collectives.get((unit.pk, Subject.Kind.LEADERSHIP)),
            "own_holds": own_holds,
            "own_warnings": own_warnings,
            "rows": shown,
            "all_rows": len(rows),
            "board_filter": board_filter,
            "held": sum(1 for r in shown if r.holds or r.leadership_holds),
            "crumbs": _board_crumbs(request, season, unit),
            "has_queue": has_queue(request.user, season),
            "can_compare": may_compare(request.user, season, unit),  # R-SUP-2
        },
    )
