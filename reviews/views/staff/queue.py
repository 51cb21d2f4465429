"""Page: the approval queue of committee staff: the subjects whose rating their committee
decides, filtered and sorted, with the quota meter, and the decision of the ticked proposals.

The list builds ONE `Facts` for the subjects it shows, so its queries do not grow with the
number of rows; the reasons shown come from the engine (`workflow.blockers`, `rules`).
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from config.kept_reads import Ids, InIds, KeptRead, Keys
from config.row_ids import row_id, row_ids
from organizations.models import Kind
from reviews import access, rules, workflow
from reviews.access import season_scope
from reviews.facts import Facts
from reviews.facts.with_subjects import ANNOTATED
from reviews.models import SeasonUnit, Subject
from reviews.views.common import SUBJECT_ROWS, get_season, level_choices, run_step, visible_subjects
from reviews.views.staff.common import STATE_ORDER, flag_labels
from reviews.views.staff.queue_page import (
    QueueView,
    collectives_to_propose,
    in_queue,
    organizations_in_queue,
    queue_page,
)
from reviews.views.staff.queue_page import subjects as queue_page_subjects
from reviews.views.staff.queue_rows import rows_html, shown_html
from reviews.views.staff.quota import quota_meters
from reviews.views.typed_back import typed_back

S = Subject.State
PAGE_SIZE = 50
SELECTION_KEY = "kd_queue_selection"


def deciding_units(user, season) -> list[SeasonUnit]:
    """The units whose decisions the user enters (staff) or follows (committee leaders), and the
    base cells whose officers decide their own members (R-STEP-2). One query."""
    scope = season_scope(user, season)
    committees = [p for kind, p in scope.roles if kind in access.STAFF | access.VIEWING]
    cells = [p for kind, p in scope.roles if kind in access.CELL_OFFICERS]
    if not committees and not cells:
        return []
    return _DECIDING_UNITS.read(season.pk, committees, cells)


_DECIDING_UNITS = KeptRead(
    lambda season_id, committees, cells: (
        SeasonUnit.objects.filter(season_id=season_id)
        .filter(
            InIds("path", committees, planned_once=True)
            | (InIds("path", cells, planned_once=True) & Q(kind=Kind.BASE_CELL))
        )
        .select_related("parent")  # a case-by-case re-rating is decided a level up (access.deciding_unit)
        .order_by("path")
    ),
    int,
    Keys,
    Keys,
)


def has_queue(user, season) -> bool:
    """Whether the user has an approval queue (deciding_units not empty), without a query for
    committee staff and leaders."""
    scope = season_scope(user, season)
    if scope.everything or any(kind in access.STAFF | access.VIEWING for kind, _p in scope.roles):
        return True
    return bool(deciding_units(user, season))


def queue_subjects(request, season, units: list[SeasonUnit], subjects=None):
    """In-scope subjects the user may see whose deciding unit (access.deciding_unit) is one of
    `units` (from `subjects`, a queryset of subjects, all of them by default)."""
    everything = season_scope(request.user, season).everything
    return in_queue(
        visible_subjects(request, season, subjects), Ids(u.pk for u in units), everything=everything
    )


def _queue_units_or_404(request, season) -> list[SeasonUnit]:
    units = deciding_units(request.user, season)
    if not units and not season_scope(request.user, season).everything:
        raise Http404
    return units


class QueueFilter(forms.Form):
    SORTS = [
        ("name", gettext_lazy("Name")),
        ("org", gettext_lazy("Organization")),
        ("state", gettext_lazy("State")),
    ]

    org = forms.ChoiceField(label=gettext_lazy("Organization"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Proposed level"), required=False)
    flagged = forms.BooleanField(label=gettext_lazy("Only those flagged by a rule"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORTS, required=False)

    def __init__(self, data, *, season, organizations):
        super().__init__(data)
        self.fields["org"].choices = [("", _("All organizations"))] + organizations
        self.fields["state"].choices = [("all", _("All states"))] + [(s.value, s.label) for s in STATE_ORDER]
        self.fields["level"].choices = [("", _("Any level"))] + level_choices(season)


def _filter_data(request) -> QueryDict:
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = S.PROPOSED  # what awaits a decision
    return data


def _organization_choices(season, view: QueueView, chosen: SeasonUnit | None) -> list[tuple[str, str]]:
    """The units that hold subjects of the queue (one query), plus the one chosen by a link."""
    choices = organizations_in_queue(season, view, 500)
    if chosen is not None and chosen.code not in {c for c, _n in choices}:
        choices.insert(0, (chosen.code, chosen.name))
    return choices


def _chosen_unit(request, season, code: str) -> SeasonUnit | None:
    if not code:
        return None
    unit = SeasonUnit.objects.filter(season=season, code=code).first()
    if unit is None or not season_scope(request.user, season).can_view_path(unit.path):
        return None
    return unit


@dataclass
class QueueRow:
    subject: Subject
    verdict: rules.Verdict
    flags: list[str]
    can_decide: bool
    url: str = ""
    checked: bool = False
    level: str = ""

    @property
    def flagged(self) -> bool:
        return bool(self.verdict.blockers or self.verdict.warnings or self.flags)

    @property
    def awaiting(self) -> bool:
        return self.subject.state == S.PROPOSED


def attach_deciders(subjects: list[Subject], units: list[SeasonUnit]) -> None:
    """Each subject's deciding unit, with its parent: one of the units the user decides for, read
    once for the page, rather than three units joined to every row (1.6 of the page read's 9 ms).
    The others (a superuser's queue, a re-rating decided a level up) are read in one query."""
    known = {unit.pk: unit for unit in units}
    missing = {s.decider_id for s in subjects if s.decider_id not in known}
    if missing:
        known |= {u.pk: u for u in SeasonUnit.objects.select_related("parent").filter(pk__in=missing)}
    for subject in subjects:
        subject.decider = known[subject.decider_id]


def _rows(user, season, subjects: list[Subject], units: list[SeasonUnit]) -> list[QueueRow]:
    """Blockers for deciding each proposal, from one Facts for all of them."""
    attach_deciders(subjects, units)
    facts = Facts(season, subjects, loaded=ANNOTATED)
    link = reverse("reviews:subject", args=[season.pk, 0]).replace("/0/", "/{}/")  # reversed once
    rows = []
    for subject in subjects:
        subject.season = season
        proposed = subject.state == S.PROPOSED
        verdict = workflow.blockers(subject, "decide", facts=facts) if proposed else rules.Verdict()
        rows.append(
            QueueRow(
                subject=subject,
                verdict=verdict,
                flags=flag_labels(subject),
                can_decide=proposed and access.may_decide(user, subject) is None,
                url=link.format(subject.pk),
            )
        )
    return rows


def _counted_levels(rows: list[QueueRow], levels: dict[int, str], checked: set[int]) -> dict[int, str]:
    """The proposals the meter adds: the checked ones, or every one shown when none is checked."""
    proposals = [r.subject for r in rows if r.awaiting]
    chosen = [s for s in proposals if s.pk in checked] or proposals
    return {s.pk: levels.get(s.pk) or s.proposed_level for s in chosen}


def _queue_query(data) -> str:
    """The filter part of a query string (for links back to the same view of the queue)."""
    keep = QueryDict(mutable=True)
    for name in ("org", "state", "level", "flagged", "sort", "page"):
        if data.get(name):
            keep[name] = data[name]
    return keep.urlencode()


def _raisable(request, season, units, meters) -> list:
    """The quota groups on the page whose rate this user's committee may raise (R366-RATE-10),
    each with what was typed in its form before a refused raise (`typed`)."""
    if not season.rule_set.quota.get("raised_percent"):
        return []
    deciding = {u.pk for u in units}
    groups = [m.group for m in meters if m.group is not None and m.group.decider_id in deciding]
    kept = typed_back(request, request.path)
    for group in groups:
        group.typed = kept.initial(f"raise-{group.pk}")
    return groups


@dataclass
class AwaitingProposal:
    """A collective reviewed at its meeting whose level the deciding committee proposes next
    (R-STEP-1): the cell waits for the committee, not the other way round."""

    subject: Subject
    can_propose: bool


def awaiting_proposal(request, season, view: QueueView) -> list[AwaitingProposal]:
    """The collectives of the queue waiting for their committee's proposal. One query."""
    found = []
    for subject in collectives_to_propose(season, view, PAGE_SIZE):
        subject.season = season
        found.append(AwaitingProposal(subject, access.may_propose(request.user, subject) is None))
    return found


@login_required
@require_GET
def queue(request, season):
    season = get_season(season)
    units = _queue_units_or_404(request, season)
    data = _filter_data(request)
    chosen = _chosen_unit(request, season, data.get("org", ""))
    view = QueueView.of(request, season, units, chosen)
    filters = QueueFilter(data, season=season, organizations=_organization_choices(season, view, chosen))
    filters.is_valid()
    view = view.filtered(filters.cleaned_data if filters.is_bound else {})
    if filters.cleaned_data.get("flagged"):
        # The rules decide what is flagged: evaluate them on the whole filtered set (one Facts).
        found = list(queue_page_subjects(season, view.shape(), *view.values()))
        rows = [r for r in _rows(request.user, season, found, units) if r.flagged]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page_rows = list(page.object_list)
    else:
        page, shown = queue_page(season, view, request.GET.get("page"), PAGE_SIZE)
        page_rows = _rows(request.user, season, shown, units)
    selection = _restore_selection(request, season)
    checked = set(selection.get("subjects", []))
    levels = {int(k): v for k, v in selection.get("levels", {}).items()}
    for row in page_rows:
        row.checked = row.can_decide and row.subject.pk in checked
        row.level = levels.get(row.subject.pk, "")
    shown = [r.subject for r in page_rows]
    meters = quota_meters(season, shown, _counted_levels(page_rows, levels, checked))
    choices = level_choices(season)
    return render(
        request,
        "reviews/staff/queue.html",
        {
            "season": season,
            "units": units,
            "filters": filters,
            "to_propose": awaiting_proposal(request, season, view),
            "page": page,
            "rows": page_rows,
            "rows_html": rows_html(page_rows, choices),
            "shown_html": shown_html(page_rows),
            "meters": meters,
            "raisable": _raisable(request, season, units, meters),
            "meter_selected": bool(checked & {r.subject.pk for r in page_rows}),
            "meter_adding": sum(m.adding for m in meters),
            "can_decide_any": any(r.can_decide for r in page_rows),
            "reason": selection.get("reason", ""),
            "query": _queue_query(request.GET),
            "page_query": _queue_query({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


def _restore_selection(request, season) -> dict:
    """What was ticked before a refused decision, so the user can fix it and try again."""
    selection = request.session.pop(SELECTION_KEY, None) or {}
    return selection if selection.get("season") == season.pk else {}


@login_required
@require_GET
def queue_quota(request, season):
    """The quota meter for the rows of a queue page and the ones ticked (htmx partial)."""
    season = get_season(season)
    units = _queue_units_or_404(request, season)
    shown_ids = row_ids(request.GET.getlist("shown"))[:PAGE_SIZE]
    shown = list(
        queue_subjects(request, season, units)
        .filter(pk__in=shown_ids)
        .select_related("unit", "decider__parent")
    )
    checked = set(row_ids(request.GET.getlist("subject")))
    levels = {s.pk: request.GET.get(f"level-{s.pk}", "") for s in shown}
    rows = [QueueRow(s, rules.Verdict(), [], s.state == S.PROPOSED) for s in shown]
    meters = quota_meters(season, shown, _counted_levels(rows, levels, checked))
    return render(
        request,
        "reviews/staff/_quota_meter.html",
        {
            "meters": meters,
            "meter_selected": bool(checked & {s.pk for s in shown}),
            "meter_adding": sum(m.adding for m in meters),
        },
    )


@login_required
@require_POST
def queue_decide(request, season):
    """Decide the ticked proposals, all or nothing (workflow.decide); refusals are shown as the
    engine words them, and the selection is kept for another try."""
    season = get_season(season)
    back = reverse("reviews:queue", args=[season.pk])
    query = _queue_query(QueryDict(request.POST.get("query", "")))
    back += f"?{query}" if query else ""
    ids = list(dict.fromkeys(row_ids(request.POST.getlist("subject"))))
    reason = request.POST.get("reason", "").strip()
    if not ids:
        messages.error(request, _("Tick the ratings to decide first."))
        _keep_selection(request, season, [], _typed_levels(request.POST), reason)
        return redirect(back)
    # The season read once, not with each row (its rule set is ten JSON documents to decode).
    subjects = list(visible_subjects(request, season).filter(pk__in=ids).select_related(*SUBJECT_ROWS))
    if len(subjects) != len(ids):
        raise Http404
    for subject in subjects:
        subject.season = season
    for subject in subjects:
        access.require(access.may_decide(request.user, subject))
    levels = {s.pk: request.POST.get(f"level-{s.pk}", "").strip() for s in subjects}
    decided = run_step(
        request,
        lambda: workflow.decide(
            decisions=[workflow.DecisionInput(subject=s, level=levels[s.pk]) for s in subjects],
            actor=request.user,
            reason=reason,
        ),
        success=ngettext("%(n)d rating decided.", "%(n)d ratings decided.", len(subjects))
        % {"n": len(subjects)},
    )
    if not decided:
        _keep_selection(request, season, ids, levels, reason)
    return redirect(back)


def _typed_levels(post) -> dict[int, str]:
    """The levels chosen in the rows, by subject id (the rows' `level-<id>` lists)."""
    found = {}
    for name, value in post.items():
        if name.startswith("level-") and (pk := row_id(name.removeprefix("level-"))) and value.strip():
            found[pk] = value.strip()
    return found


def _keep_selection(request, season, ids: list[int], levels: dict[int, str], reason: str) -> None:
    """What was ticked, chosen and typed for a refused decision, put back on the queue's page."""
    request.session[SELECTION_KEY] = {
        "season": season.pk,
        "subjects": ids,
        "levels": {str(k): v for k, v in levels.items() if v},
        "reason": reason,
    }
