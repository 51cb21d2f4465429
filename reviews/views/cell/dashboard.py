"""Page: the cell dashboard of the secretary (bí thư chi bộ): every member's state, what blocks
their next step, their pledge, the cell's own report, and the out-of-scope members with their
reason (R-SCOPE-2); and the return of a submitted review to its author (its reason, when the
return is refused, back in the row's form or, the row no longer offering it, shown to be copied).

Views are thin: every step goes through reviews/workflow/, every reason comes from it.
"""

from collections import Counter
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.models import Pledge
from reviews import workflow
from reviews.models import Season, SeasonUnit, Subject
from reviews.next_steps import cell_checklist
from reviews.views.cell.board_rows import member_rows_html
from reviews.views.cell.common import STATE_TONES, Row, back_to_cell, can_manage, cell_crumbs, load_cell
from reviews.views.cell.quota import quota_meters
from reviews.views.common import get_season, get_unit, run_step
from reviews.views.typed_back import TypedBack, keep_typed, typed_back

S = Subject.State


def said_once(rows: list[Row]) -> list[tuple[str, int]]:
    """Reasons that hold several members, with how many: the board says them once, above the
    table, and leaves them out of the rows."""
    counts = Counter(reason for row in rows if row.verdict for reason in dict.fromkeys(row.verdict.blockers))
    shared = {reason: n for reason, n in counts.items() if n > 1}
    for row in rows:
        if row.verdict:
            row.shared_blockers = sum(reason in shared for reason in row.verdict.blockers)
            row.verdict.blockers = [reason for reason in row.verdict.blockers if reason not in shared]
    return sorted(shared.items(), key=lambda item: -item[1])


def _link_rows(season: Season, unit: SeasonUnit, rows: list) -> None:
    """Each member row's links, from URLs reversed once for the page (a row has up to five)."""
    slot = "/987654321/"  # the row's id in the URLs reversed once; no code or id of the page is it

    def link(name: str, *args) -> Callable[[int], str]:
        url = reverse(f"reviews:{name}", args=[*args, int(slot.strip("/"))])
        return lambda pk: url.replace(slot, f"/{pk}/")

    subject, form = link("subject", season.pk), link("form", season.pk)
    return_form = link("cell_return_form", season.pk, unit.code)
    acknowledge, send_back = (
        link(f"cell_{n}", season.pk, unit.code) for n in ("acknowledge_pledge", "return_pledge")
    )
    for row in rows:
        pk = row.subject.pk
        row.links = {"subject": subject(pk), "form": form(pk), "return_form": return_form(pk)}
        if row.pledge is not None:
            row.links |= {
                "acknowledge_pledge": acknowledge(row.pledge.pk),
                "return_pledge": send_back(row.pledge.pk),
            }


def _return_action(subject_pk: int) -> str:
    return f"return-{subject_pk}"


def _put_back_reason(kept: TypedBack, rows: list[Row], manage: bool) -> list[str]:
    """The reason typed for a refused return: back in its row's form if the row still offers it
    (`Row.typed_reason`), else returned to be copied."""
    for row in rows:
        typed = kept.initial(_return_action(row.subject.pk))
        if typed is not None and row.returnable and manage:
            row.typed_reason = typed.get("reason", "")
            return []
    return kept.texts()


def _dashboard_context(request, season: Season, unit: SeasonUnit) -> dict:
    cell = load_cell(season, unit)
    rows = [cell.row(s) for s in cell.members]
    _link_rows(season, unit, rows)
    manage = can_manage(request, season, unit)
    typed_unshown = _put_back_reason(typed_back(request, request.path), rows, manage)
    collective_rows = [cell.row(s) for s in cell.collectives]
    counts = Counter(s.state for s in cell.members)
    pledge_counts = Counter(r.pledge.state if r.pledge else "" for r in rows)
    shared_blockers = said_once(rows)  # before the rows are written: it takes their shared reasons out
    return {
        "season": season,
        "unit": unit,
        "cell": cell,
        "rows": rows,
        "rows_html": member_rows_html(rows, can_manage=manage, csrf_token=get_token(request)),
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
        "checklist": cell_checklist(season, unit, cell.subjects, cell.facts.pledges),
        "shared_blockers": shared_blockers,
        "out_of_scope": cell.out_of_scope,
        "meters": quota_meters(season, cell.members),
        "can_manage": manage,
        "typed_unshown": typed_unshown,
        "crumbs": cell_crumbs(season, unit),
    }


@login_required
@require_GET
def cell_dashboard(request, season: int, code: str):
    season = get_season(season)
    unit = get_unit(request, season, code)
    return render(request, "reviews/cell/dashboard.html", _dashboard_context(request, season, unit))


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
    done = run_step(
        request,
        lambda: workflow.return_form(subject=subject, actor=request.user, reason=reason),
        success=_("The review of %(name)s was returned for rework.") % {"name": subject.name},
    )
    if not done:
        board = reverse("reviews:cell", args=[season.pk, unit.code])
        keep_typed(request, board, _return_action(subject.pk), ("reason",))
    return back_to_cell(season, unit, f"subject-{subject.pk}")
