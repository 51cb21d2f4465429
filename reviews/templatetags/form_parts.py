"""The self-review form's long repeated parts, built in Python: the reference lists' tick boxes
(`{% reference_boxes references %}`, 46 items) and the rows of the task list
(`{% task_rows part_b %}`, with the blank row the page's script copies to add a task).

As template loops they were most of an editable form's rendering: the tick boxes about 2 ms and
the task rows 0.6 ms of 5 ms (bench/README.md, "2026-12-06, night"). The markup is the one
static/js/member.js and the browser tests rely on (`#refs-form` boxes named `ticked`,
`[data-task-row]` with `task_text`, `task_status`, `task_products`). Every value is escaped here.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.escaping import escape

register = template.Library()


@register.simple_tag
def reference_boxes(references: list[dict]) -> SafeString:
    """One fieldset per list (manifestations, prohibitions), its groups' names and a tick box per
    item, ticked as saved; an item not yet checked against the official text says so."""
    unchecked, short = _("summary, not yet checked against the official text"), _("summary")
    summary = (
        f' <span class="text-body-secondary fst-italic" title="{escape(unchecked)}">({escape(short)})</span>'
    )
    parts = []
    for listed in references:
        parts.append(f'<fieldset class="mb-3">\n<legend class="h6">{escape(listed["label"])}</legend>')
        for group in listed["groups"]:
            if group["name"]:
                parts.append(f'<p class="small fw-semibold mt-2 mb-1">{escape(group["name"])}</p>')
            for ref in group["items"]:
                pk = int(ref.pk)
                parts.append(
                    f'<div class="form-check">\n'
                    f'<input class="form-check-input" type="checkbox" name="ticked" value="{pk}" '
                    f'id="ref-{pk}"{" checked" if ref.is_ticked else ""}>\n'
                    f'<label class="form-check-label small" for="ref-{pk}">{escape(ref.number)}. '
                    f"{escape(ref.label)}{'' if ref.verified else summary}</label>\n</div>"
                )
        parts.append("</fieldset>")
    return mark_safe("\n".join(parts))  # escaped here


def _task_row(task: dict | None, n: int, options: list[tuple[str, str]], words: dict) -> str:
    task = task or {}
    status = task.get("status") or ""
    chosen = "".join(
        f'<option value="{code}"{" selected" if code == status else ""}>{label}</option>'
        for code, label in options
    )
    return (
        f'<li class="border rounded p-2 mb-2" data-task-row>\n<div class="row g-2">\n'
        f'<div class="col-12 col-md-6">\n'
        f'<label class="form-label small mb-0" for="f-task-{n}-text">{escape(words["task"] % {"n": n})}</label>\n'
        f'<textarea class="form-control" name="task_text" id="f-task-{n}-text" rows="2">'
        f"{escape(task.get('text') or '')}</textarea>\n</div>\n"
        f'<div class="col-12 col-sm-5 col-md-3">\n'
        f'<label class="form-label small mb-0" for="f-task-{n}-status">{words["ended"]}</label>\n'
        f'<select class="form-select" name="task_status" id="f-task-{n}-status">\n'
        f'<option value="">—</option>\n{chosen}\n</select>\n</div>\n'
        f'<div class="col-12 col-sm-7 col-md-3">\n'
        f'<label class="form-label small mb-0" for="f-task-{n}-products">{words["products"]}</label>\n'
        f'<textarea class="form-control" name="task_products" id="f-task-{n}-products" rows="2">'
        f"{escape(task.get('products') or '')}</textarea>\n</div>\n</div>\n</li>"
    )


@register.simple_tag
def task_rows(part_b: dict) -> SafeString:
    """The task list's rows as typed (numbered from 1), then the `<template>` of a blank row
    (numbered 0: the script renumbers the copy it adds)."""
    options = [(escape(code), escape(label)) for code, label in part_b["statuses"]]
    words = {"task": _("Task %(n)s"), "ended": escape(_("How it ended")), "products": escape(_("Products"))}
    rows = "\n".join(_task_row(task, n, options, words) for n, task in enumerate(part_b["task_rows"], 1))
    blank = _task_row(None, 0, options, words)
    return mark_safe(  # escaped here
        f'<ol class="list-unstyled mb-2" data-task-rows>\n{rows}\n</ol>\n'
        f'<template id="task-row-template">{blank}</template>'
    )
