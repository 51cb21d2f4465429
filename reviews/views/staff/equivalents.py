"""Page: equivalent positions compared side by side (R-SUP-2, "có sự so sánh giữa các vị trí tương
đương"), for committee staff and the provincial board: the subjects holding one kind of post under
a unit, with their self-rating, proposal, decided level and points, quota group and what holds
them; sorted and filtered on the server, a page at a time, in a fixed number of queries.

The groups of equivalent posts are defined in reviews/supervision/equivalents.py."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from config.row_ids import row_id
from reviews.access import STAFF, VIEWING, season_scope
from reviews.models import Season, SeasonUnit, Subject
from reviews.regimes import regime_of
from reviews.supervision import equivalents
from reviews.views.common import get_season, get_unit, level_choices
from reviews.views.paging import counted_page

PAGE_SIZE = 100
COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("unit", gettext_lazy("Organization")),
    ("self", gettext_lazy("Self-rating")),
    ("proposed", gettext_lazy("Proposed level")),
    ("decided", gettext_lazy("Decided level")),
    ("points", gettext_lazy("Points")),
    ("state", gettext_lazy("State")),
    ("quota", gettext_lazy("Quota group")),
]


class EquivalentsFilter(forms.Form):
    post = forms.ChoiceField(label=gettext_lazy("Equivalent posts"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level (decided or proposed)"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)

    def __init__(self, data, *, season: Season, unit: SeasonUnit):
        data = data.copy()
        data.setdefault("post", equivalents.default_post(unit))  # shown chosen in the list
        super().__init__(data)
        self.fields["post"].choices = equivalents.post_choices(unit)
        self.fields["sort"].choices = [
            (f"{sign}{key}", f"{label} {arrow}")
            for key, label in COLUMNS
            for sign, arrow in (("", "↑"), ("-", "↓"))
        ]
        self.fields["level"].choices = [("", _("Any level"))] + level_choices(season)
        self.fields["state"].choices = [("", _("All states"))] + [
            (s.value, s.label) for s in equivalents.STATE_ORDER
        ]

    def wanted(self, unit: SeasonUnit) -> dict:
        self.is_valid()
        data = self.cleaned_data  # the fields that are valid; a bad value falls back to the default
        return {
            "post": data.get("post") or equivalents.default_post(unit),
            "level": data.get("level", ""),
            "state": data.get("state", ""),
        }


def may_compare(user, season: Season, unit: SeasonUnit) -> bool:
    """Committee staff, the provincial board and committee leaders, over their subtree."""
    scope = season_scope(user, season)
    return scope.everything or any(
        kind in STAFF | VIEWING and unit.path.startswith(p) for kind, p in scope.roles
    )


def get_comparable_unit(request, season: Season, code: str) -> SeasonUnit:
    """A unit in the user's part of the tree on which they may compare (404 otherwise, as for any
    page they may not see)."""
    unit = get_unit(request, season, code)
    if not may_compare(request.user, season, unit):
        raise Http404
    return unit


def link_for(user, subject: Subject) -> str:
    """The comparison a subject's page links to: its group of equivalent posts under the level that
    decides it, the subject highlighted; empty when this user may not open it. No query."""
    unit, post = equivalents.group_of(subject)
    if unit is None or not may_compare(user, subject.season, unit):
        return ""
    return equivalents_url(subject.season_id, unit.code, post=post, subject=subject.pk)


def query_string(**query) -> str:
    return urlencode({k: v for k, v in query.items() if v not in ("", None)})


def equivalents_url(season_id: int, code: str, **query) -> str:
    url = reverse("reviews:equivalents", args=[season_id, code])
    params = query_string(**query)
    return f"{url}?{params}" if params else url


def comparison(request, season: Season, unit: SeasonUnit):
    """The filtered and sorted subjects of the page's group (their own columns: `joined` adds what
    the rows show), and what the page needs to say so."""
    filters = EquivalentsFilter(request.GET, season=season, unit=unit)
    wanted = filters.wanted(unit)
    subjects = equivalents.holders(season, unit, wanted["post"])
    if subjects is None:
        raise Http404
    subjects = equivalents.filtered(subjects, level=wanted["level"], state=wanted["state"])
    sort = request.GET.get("sort", "")
    sort = sort if sort.lstrip("-") in equivalents.SORTS else "name"
    return filters, wanted, sort, equivalents.ordered(subjects, season, sort)


def _highlight(request) -> int | None:
    value = request.GET.get("subject", "")
    return row_id(value)


def _columns(season_id: int, code: str, query: dict, sort: str) -> list[dict]:
    """Each header: its link to sort on it (again: the other way), and its current order."""
    current = sort.lstrip("-")
    columns = []
    for key, label in COLUMNS:
        ascending = current == key and not sort.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "url": equivalents_url(season_id, code, **query, sort=f"-{key}" if ascending else key),
                "aria": ("ascending" if ascending else "descending") if current == key else "",
            }
        )
    return columns


def _viewable_parent(request, season: Season, unit: SeasonUnit) -> SeasonUnit | None:
    parent = unit.parent
    if parent is None or not season_scope(request.user, season).can_view_path(parent.path):
        return None
    return parent


@login_required
@require_GET
def equivalents_page(request, season, code):
    season = get_season(season)
    unit = get_comparable_unit(request, season, code)
    filters, wanted, sort, subjects = comparison(request, season, unit)
    # The page's ids and the total first, from the subjects' own columns; then only its rows with
    # what they show. Joined and counted in one statement, the group's 10,217 cell secretaries
    # at the 500,000-member province were joined in full and spilled to disk (bench/README.md).
    page, shown = counted_page(subjects.only("pk"), request.GET.get("page", ""), PAGE_SIZE)
    ids = [s.pk for s in shown]
    highlight = _highlight(request)
    if highlight and highlight not in ids and subjects.filter(pk=highlight).exists():
        ids.append(highlight)  # on another page: shown above the table
    rows = equivalents.rows_of(season, equivalents.joined_in_order(season, ids), highlight=highlight)
    query = {**wanted, "subject": highlight or ""}
    quotas = {row.quota for row in rows}
    return render(
        request,
        "reviews/staff/equivalents.html",
        {
            "season": season,
            "unit": unit,
            "filters": filters,
            "post_label": dict(filters.fields["post"].choices).get(wanted["post"], ""),
            "page": page,
            "rows": rows[: len(shown)],
            "pinned": rows[len(shown) :],
            "columns": _columns(season.pk, unit.code, query, sort),
            "page_query": query_string(**query, sort=sort),
            "xlsx_url": reverse("reports:equivalents-xlsx", args=[season.pk, unit.code])
            + "?"
            + query_string(**query, sort=sort),
            "parent": _viewable_parent(request, season, unit),
            "points": regime_of(season.rule_set).uses_points,
            # One quota group for every row shown: said once above the table, not in a column.
            "common_quota": quotas.pop() if len(quotas) == 1 else None,
        },
    )
