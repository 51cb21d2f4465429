"""`{% checklist_html checklist heading_id compact %}`: a cell's ordered next steps
(reviews/next_steps.py), built in Python: each step's state, a link to where it is done and,
while it waits, whose move it is.

As an included template it took 1.3 ms of each cell board (eleven steps), built here 0.24 ms
(bench/README.md, "2026-12-07, later"); the home page's panels show it too.
`compact`: smaller type, and a step whose turn has not come on one line from 992 px, what it
waits for in full on hover (the cell board). Such a step carries a neutral badge: it is not a
blocker. Every value is escaped here.
"""

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.escaping import escape
from reviews.next_steps import DONE, LATER, WAITING

register = template.Library()


def _badge(state: str) -> str:
    if state == DONE:
        return '<span class="badge text-bg-success">✓ ' + escape(_("Done")) + "</span>"
    if state == WAITING:
        return '<span class="badge text-bg-warning">' + escape(_("Waiting")) + "</span>"
    return '<span class="badge text-bg-light border">' + escape(_("Waits for an earlier step")) + "</span>"


def _step(step, compact: bool) -> str:
    one_line = compact and step.state == LATER
    shape = " checklist-one-line" if one_line else ""
    title = f' title="{escape(" ".join(str(m) for m in step.moves))}"' if one_line else ""
    link_class = "link-secondary" if step.state == DONE else "fw-semibold"
    count = (
        f'<span class="small text-body-secondary text-nowrap">· {escape(localize(step.done))}/'
        f"{escape(localize(step.total))}</span>"
        if step.total > 1
        else ""
    )
    move_class = "small text-body-secondary" if step.state == LATER else "small"
    moves = "".join(
        f'<span class="{move_class}">{" — " if n == 0 else " "}{escape(move)}</span>'
        for n, move in enumerate(step.moves)
    )
    return (
        f'<li class="list-group-item d-flex gap-2 align-items-start py-1 checklist-{escape(step.state)}"'
        f' data-step="{escape(step.key)}" data-state="{escape(step.state)}">\n'
        f'<div class="flex-grow-1{shape}"{title}>\n'
        f'<a class="{link_class}" href="{escape(step.url)}">{escape(step.label)}</a>\n'
        f"{count}\n{moves}\n</div>\n{_badge(step.state)}\n</li>"
    )


@register.simple_tag
def checklist_html(checklist, heading_id: str, compact: bool = False) -> SafeString:
    shape = " checklist-compact" if compact else ""
    steps = "\n".join(_step(step, compact) for step in checklist.steps)
    return mark_safe(  # escaped here
        f'<ol class="list-group list-group-numbered checklist{shape} mb-0"'
        f' aria-labelledby="{escape(heading_id)}">\n{steps}\n</ol>'
    )
