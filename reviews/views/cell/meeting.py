"""Page: the review meeting of a cell: the meeting record, then one row per member (head first,
R-ORDER-3) with the outcome, comments, votes, the cell's assessment and the proposed level, saved
per row (htmx) or all at once, with the live quota meter (R-RATE-2) and the circulation warning
(R-ORDER-8).

Views are thin: every step goes through reviews/workflow/, every reason comes from it.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.row_ids import row_ids
from reviews import rules, workflow
from reviews.facts.with_subjects import suggestions_issued
from reviews.meeting_warnings import meeting_warnings
from reviews.models import Meeting, Season, SeasonUnit, Subject
from reviews.supervision import attendance
from reviews.views.cell import appraisal
from reviews.views.cell.common import Cell, Row, can_manage, cell_crumbs, load_cell
from reviews.views.cell.forms import MeetingForm, RowForm
from reviews.views.cell.quota import pending_levels, quota_meters
from reviews.views.common import get_season, get_unit, run_step, show_refusal

S = Subject.State
TYPED_VOTES = re.compile(r"-?[0-9]{1,9}")  # a count of votes as typed, its sign kept for R-REC-2


def _cell_subject(cell: Cell, pk: int) -> Subject:
    subject = next((s for s in cell.subjects if s.pk == pk), None)
    if subject is None:
        raise Http404
    return subject


def _meeting_initial(cell: Cell) -> dict:
    meeting = cell.meeting
    if meeting is None:
        return {"total": len(cell.members) or None}
    return {
        "held_on": meeting.held_on,
        "ends_on": meeting.ends_on,
        "draft_circulated_on": meeting.draft_circulated_on,
        "present": meeting.present,
        "total": meeting.total,
        "notes": meeting.notes,
        "related_comments": meeting.related_comments,
        "working_group": meeting.working_group,
    }


def _collective_open(cell: Cell) -> bool:
    """Whether the cell's own review is still to be recorded with the meeting."""
    organization = cell.organization
    return organization is not None and organization.state in (S.SUBMITTED, S.ABSENT, *workflow.EDITABLE)


def _answers(cell: Cell, subject: Subject) -> dict:
    form = cell.facts.forms.get(subject.pk)
    return (form.answers if form else {}) or {}


def _meeting_rows(cell: Cell, *, data=None, read_only: bool) -> list[Row]:
    rows = []
    for subject in cell.in_meeting_order():
        row = cell.row(subject)
        row.form = RowForm(
            data, subject=subject, entry=row.entry, read_only=read_only, answers=_answers(cell, subject)
        )
        if row.form.points:
            row.points = appraisal.summary(subject, cell.facts)
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
        "meeting_url": reverse("reviews:meeting", args=[season.pk, unit.code]),  # no link to itself
        "circulation_warning": _circulation_text(
            season, values.get("held_on"), values.get("draft_circulated_on"), cell.meeting
        ),
        "can_manage": manage,
        "crumbs": cell_crumbs(season, unit, meeting=True),
        "meeting_warnings": meeting_warnings(season, unit, cell.meeting, suggestions_issued(cell.subjects)),
        "attendees": attendance.attendees(unit),
        "can_assign": attendance.may_assign(request.user, unit, season) is None,
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
        ends_on=meeting.ends_on,
        present=meeting.present,
        total=meeting.total,
        draft_circulated_on=meeting.draft_circulated_on,
        notes=meeting.notes,
        related_comments=meeting.related_comments,
        working_group=meeting.working_group,
    )


def _save_rows(request, cell: Cell, forms_: list[RowForm]) -> bool:
    """Record the rows' entries in one meeting step, then their proposals in one proposal step."""
    if untold := [f.subject.name for f in forms_ if f.typed_without_outcome()]:
        show_refusal(
            request,
            [
                _("%(name)s: choose the outcome (reviewed or absent) to record what was typed.")
                % {"name": name}
                for name in untold
            ],
            _("Nothing was saved; what was typed is kept below:"),
        )
        return False
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
        RowForm(
            request.POST, subject=s, entry=cell.facts.meeting_entries.get(s.pk), answers=_answers(cell, s)
        )
        for s in cell.in_meeting_order()
    ]
    if not all(f.is_valid() for f in row_forms):
        messages.error(request, _("Some rows have values that cannot be saved; they are marked below."))
    elif _save_rows(request, cell, row_forms):
        return redirect("reviews:meeting", season.pk, unit.code)
    context = _meeting_context(request, season, unit, row_data=request.POST)
    _mark_refused_rows(context, request.POST)
    return render(request, "reviews/cell/meeting.html", context)


def _mark_refused_rows(context: dict, data) -> None:
    """After a refused "save all" nothing was saved: each row whose own typed values the engine
    refuses (a proposed level its record does not allow, an impossible tally) shows why, and its
    level leaves the quota meter. Reasons of the order of review are not asked here: rows typed
    in the same batch may satisfy them."""
    cell = context["cell"]
    for row in context["rows"]:
        if row.step == "propose" and data.get(f"{row.subject.pk}-level"):
            row.refusals = _engine_reasons(cell, row, data)
        elif row.step == "review":
            row.refusals = _tally_reasons(cell, row, data)
    refused = {row.subject.pk for row in context["rows"] if row.refusals}
    pending = {k: v for k, v in pending_levels(data, cell.members).items() if k not in refused}
    context["meters"] = quota_meters(cell.season, cell.members, pending)


def refused_ids(data, name: str = "refused") -> set[int]:
    """The rows the page shows as refused (their hidden fields, _row_status.html)."""
    return set(row_ids(data.getlist(name)))


def _engine_reasons(cell: Cell, row: Row, data) -> list[str]:
    """What the engine says against the row's next step with the values typed in it: the step's
    blockers (the order of review, the state, the typed level's conditions) and the tally
    (R-REC-2). No query: the cell's Facts are loaded."""
    if not row.step:
        return []
    level = data.get(f"{row.subject.pk}-level", "") if row.step == "propose" else ""
    verdict = workflow.blockers(row.subject, row.step, facts=cell.facts, level=level)
    return [*verdict.blockers, *_tally_reasons(cell, row, data)]


def _tally_reasons(cell: Cell, row: Row, data) -> list[str]:
    """R-REC-2: the votes typed in a row to review, against those present at the meeting."""
    if row.step != "review" or cell.meeting is None:
        return []
    votes = {
        code: int(value)
        for code in cell.season.rule_set.level_codes()
        if TYPED_VOTES.fullmatch(value := data.get(f"{row.subject.pk}-votes_{code}", "").strip())
    }
    return [f"{row.subject.name}: {t}" for t in rules.vote_problems(votes, cell.meeting.present)]


def _recheck_refused(cell: Cell, rows: list[Row], data) -> None:
    """Rows refused earlier keep their refusal while the engine would still refuse them, and lose
    it once its cause is gone (another row saved first, R-ORDER-3)."""
    refused = refused_ids(data)
    for row in rows:
        if row.subject.pk in refused:
            row.refusals = _engine_reasons(cell, row, data)


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
    row_form = RowForm(
        request.POST,
        subject=subject,
        entry=cell.facts.meeting_entries.get(subject.pk),
        answers=_answers(cell, subject),
    )
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
    rows = _meeting_rows(cell, read_only=False)
    row = next(r for r in rows if r.subject.pk == pk)
    if not saved:
        row.form = RowForm(request.POST, subject=fresh, entry=row.entry, answers=_answers(cell, fresh))
        row.form.is_valid()
    row.refusals = [str(n) for n in notes if n.level_tag == "error"]
    if not saved and not row.refusals:
        row.refusals = [_("The row has values that cannot be saved; they are marked below.")]
    row.saved = saved and any(n.level_tag == "success" for n in notes)
    row.notes = [str(n) for n in notes if n.level_tag != "error"]
    # A refusal the engine cannot say again from the page's values stays as the page shows it:
    # that row is left out of the answer until it is saved itself.
    row.refusal_kept = bool(row.refusals) and not _engine_reasons(cell, row, request.POST)
    kept = refused_ids(request.POST, "refused_kept") - {pk}
    others = [r for r in rows if r.subject.pk != pk and r.subject.pk not in kept]
    _recheck_refused(cell, others, request.POST)
    refused = {r.subject.pk for r in rows if r.refusals} | kept
    pending = {k: v for k, v in pending_levels(request.POST, cell.members).items() if k not in refused}
    return render(
        request,
        "reviews/cell/_meeting_row_response.html",
        {
            "season": season,
            "unit": unit,
            "row": row,
            "others": others,
            "meters": quota_meters(season, cell.members, pending),
            "meter_url": reverse("reviews:quota_meter", args=[season.pk, unit.code]),
            "meeting_url": reverse("reviews:meeting", args=[season.pk, unit.code]),
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
    refused = refused_ids(request.GET) | refused_ids(request.GET, "refused_kept")  # not counted
    pending = {k: v for k, v in pending_levels(request.GET, subjects).items() if k not in refused}
    return render(
        request,
        "reviews/cell/_quota_meter.html",
        {
            "meters": quota_meters(season, subjects, pending),
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
