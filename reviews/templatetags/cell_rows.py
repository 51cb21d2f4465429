"""What each row of the cell's pages says about its subject, built in Python: the state badge
(`{% state_badge row %}`), a proposal the deciding level returned (`{% returned_mark row %}`) and
the next step with what blocks it (`{% next_step row %}`).

The cell board repeats them in every member row (reviews/views/cell/board_rows.py); as included
templates they were a render each per row. The meeting page, its rows and the board's collectives
use the same functions, so the markup has one source. Every value is escaped here.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.escaping import escape
from reviews.models import Subject
from reviews.templatetags.reasons import reason_html

register = template.Library()


@register.simple_tag
def state_badge(row) -> SafeString:
    tone = row.tone
    border = " border" if tone == "light" else ""
    return mark_safe(  # escaped here
        f'<span class="badge text-bg-{escape(tone)}{border}">{escape(row.subject.get_state_display())}</span>'
    )


@register.simple_tag
def returned_mark(row, inline: bool = False) -> SafeString:
    """A proposal the deciding level sent back, until it is proposed again. `inline`: the cell
    board's line, which keeps one line per member: the mark before the next step, the sentence in
    its title; on a phone, where the line wraps and nothing hovers, the reason after the mark."""
    returned = row.subject.returned_proposal
    if not returned:
        return mark_safe("")
    reason = returned.get("reason", "")
    said = _("Proposal returned by the deciding level: %(reason)s") % {"reason": reason}
    if inline:
        return format_html(
            '<span class="badge text-bg-warning js-returned" title="{}">{}</span>'
            '<span class="d-sm-none small"> {}</span><span class="visually-hidden d-none d-sm-inline"> {}</span>',
            said,
            _("Returned"),
            reason,
            said,
        )
    return format_html(
        '<div class="small js-returned mt-1"><span class="badge text-bg-warning">{}</span> {}</div>',
        _("Returned"),
        said,
    )


def _list(items, tone: str, *, reasons: bool, here: str = "") -> str:
    shown = "".join(
        f"<li>{reason_html(item, here) if reasons else conditional_escape(item)}</li>" for item in items
    )
    return f'\n<ul class="mb-0 ps-3 text-{tone}-emphasis">{shown}</ul>'


def _waits(step: str) -> str:
    return escape(_("%(step)s — waits (see above)") % {"step": step})


def _ready(row) -> str:
    """Nothing blocks the next step. A returned review is not ready for anyone but its author:
    it waits for them to correct it and submit it again."""
    if row.subject.state == Subject.State.RETURNED:
        if row.subject.is_member:
            return escape(_("Waiting for the member to correct and resubmit the review"))
        return escape(_("Waiting for the report to be corrected and resubmitted"))
    return "✓ " + escape(_("Ready: %(step)s") % {"step": row.step_label})


def _ready_tone(row) -> str:
    return "" if row.subject.state == Subject.State.RETURNED else " text-success-emphasis fw-semibold"


def _folded_on_one_line(row, blockers, warnings) -> str:
    """The cell board: every step's reasons and warnings folded under one line, which says it in
    full in its title too (a narrow window cuts the line's end, the count of warnings first)."""
    step = row.step_label
    if not (blockers or warnings):
        said = _waits(step) if row.shared_blockers else _ready(row)
        tone = "" if row.shared_blockers else _ready_tone(row)
        return f'<span class="small{tone}" title="{said}">{said}</span>'
    if blockers:
        summary = escape(
            ngettext("%(step)s — %(n)s thing blocks it", "%(step)s — %(n)s things block it", len(blockers))
            % {"step": step, "n": len(blockers)}
        )
    else:
        summary = _waits(step) if row.shared_blockers else _ready(row)
    if warnings:
        counted = ngettext("%(n)s warning", "%(n)s warnings", len(warnings)) % {"n": len(warnings)}
        summary += " · " + escape(counted)
    shown = (_list(blockers, "danger", reasons=True) if blockers else "") + (
        _list(warnings, "warning", reasons=False) if warnings else ""
    )
    return (
        f'<details class="small board-step"><summary title="{summary}">{summary}</summary>{shown}</details>'
    )


def _said_in_full(row, blockers, warnings, fold_submit: bool, here: str) -> str:
    step = row.step_label
    if blockers and fold_submit and row.step == "submit":
        summary = ngettext(
            "Next: %(step)s — not possible yet (%(n)s reason)",
            "Next: %(step)s — not possible yet (%(n)s reasons)",
            len(blockers),
        ) % {"step": step, "n": len(blockers)}
        said = f"<details><summary>{escape(summary)}</summary>{_list(blockers, 'danger', reasons=True, here=here)}</details>"
    elif blockers:
        heading = escape(_("Next: %(step)s — blocked by:") % {"step": step})
        said = (
            f'<span class="fw-semibold">{heading}</span>{_list(blockers, "danger", reasons=True, here=here)}'
        )
    elif row.shared_blockers:
        said = f"<span>{_waits(step)}</span>"
    else:
        said = f'<span class="{_ready_tone(row).strip()}">{_ready(row)}</span>'
    if warnings:
        said += _list(warnings, "warning", reasons=False)
    return f'<div class="small">{said}</div>'


@register.simple_tag
def next_step(row, fold_all: bool = False, fold_submit: bool = False, here: str = "") -> SafeString:
    """What blocks the subject's next step, as the engine says it. `fold_all`: one line, every
    step's reasons and warnings folded (the cell board, where reasons shared by several rows are
    said once above the table); `fold_submit`: the reasons of an unsubmitted form folded, on pages
    where they are not the work at hand (the meeting page); `here`: the page's own address, which
    a reason does not link to (the meeting page's rows)."""
    if row.step:
        blockers = row.verdict.blockers if row.verdict else []
        warnings = row.verdict.warnings if row.verdict else []
        if fold_all:
            return mark_safe(_folded_on_one_line(row, blockers, warnings))
        return mark_safe(_said_in_full(row, blockers, warnings, fold_submit, here))
    if row.subject.state == "decided":
        decided = _("Decided: %(level)s") % {"level": row.subject.decided_level}
        return format_html('<div class="small text-success-emphasis">{}</div>', decided)
    return mark_safe("")
