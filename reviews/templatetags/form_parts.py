"""The self-review form's long repeated parts, built in Python: the reference lists' tick boxes
(`{% reference_boxes references %}`, 46 items), the rows of the task list (`{% task_rows part_b %}`,
with the blank row the page's script copies to add a task) and the answer of a written item
(`{% answer_fields row %}`: its text, self-assessed grade or self-rated level, as a form that saves
itself or as read). Every form on the page that saves itself as its author types is written by
`autosave_form`.

As template loops they were most of an editable form's rendering: the tick boxes about 2 ms, the
task rows 0.6 ms and the written items 1.3 ms of 5 ms (bench/README.md, "2026-12-06, night"). The
markup is the one static/js/member.js and the browser tests rely on (`#refs-form` boxes named
`ticked`, `[data-task-row]` with `task_text`, `task_status`, `task_products`, `[data-autosave]`
forms with their `.save-status`). Every value is escaped here.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.escaping import escape

register = template.Library()


AS_TYPED = "input changed delay:800ms, change"


def autosave_form(
    context, url: str, body: str, save: str, *, trigger=AS_TYPED, attributes="", status="small mt-1"
):
    """A form that posts itself as its fields change (`trigger`), with where it says it saved and,
    without JavaScript, its `save` button; `attributes` (written as given) mark it for the script."""
    url, save = escape(url), escape(save)
    return (
        f'<form method="post" action="{url}"\ndata-hx-post="{url}"\n'
        f'data-hx-trigger="{trigger}" data-hx-target="find .save-status" data-hx-swap="innerHTML"\n'
        f'data-hx-sync="this:queue last" data-autosave{attributes}>\n{CsrfTokenNode().render(context)}{body}\n'
        f'<div class="save-status {status}" aria-live="polite"></div>\n'
        f'<noscript><button type="submit" class="btn btn-sm btn-outline-primary mt-1">{save}</button></noscript>\n'
        f"</form>"
    )


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
        f'<textarea class="form-control" name="task_text" id="f-task-{n}-text" rows="2">\n'
        f"{escape(task.get('text') or '')}</textarea>\n</div>\n"
        f'<div class="col-12 col-sm-5 col-md-3">\n'
        f'<label class="form-label small mb-0" for="f-task-{n}-status">{words["ended"]}</label>\n'
        f'<select class="form-select" name="task_status" id="f-task-{n}-status">\n'
        f'<option value="">—</option>\n{chosen}\n</select>\n</div>\n'
        f'<div class="col-12 col-sm-7 col-md-3">\n'
        f'<label class="form-label small mb-0" for="f-task-{n}-products">{words["products"]}</label>\n'
        f'<textarea class="form-control" name="task_products" id="f-task-{n}-products" rows="2">\n'
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


def _choices(row: dict, name: str, options: list[dict], chosen: str, *, inline: bool, level: bool) -> str:
    dom, boxes = row["dom"], []
    for option in options:
        code = escape(option["code"])
        label = f"<strong>{code}</strong> – {escape(option['label'])}" if level else escape(option["label"])
        boxes.append(
            f'<div class="form-check{" form-check-inline" if inline else ""}">\n'
            f'<input class="form-check-input" type="radio" name="{name}" value="{code}" id="f-{dom}-{code}"'
            f"{' checked' if chosen == option['code'] else ''}>\n"
            f'<label class="form-check-label" for="f-{dom}-{code}">{label}</label>\n</div>'
        )
    return "\n".join(boxes)


def editable_answer(context, row: dict) -> str:
    dom, item, answer = row["dom"], row["item"], row["answer"]
    parts = [f'<input type="hidden" name="key" value="{escape(row["key"])}">']
    optional = item["required"] is False
    words = {
        "optional": _("Optional: write only if it applies."),
        "grade": _("Self-assessed grade"),
        "save": _("Save this item"),
    }
    if row["type"] != "self_rating":
        described = f' aria-describedby="opt-{dom}"' if optional else ""
        parts.append(
            f'<textarea class="form-control" name="text" id="f-{dom}-text" rows="5" '
            f'aria-labelledby="h-{dom}"{described}>\n{escape(answer["text"] or "")}</textarea>'
        )
        if optional:
            parts.append(f'<p class="form-text" id="opt-{dom}">{escape(words["optional"])}</p>')
    if item["criterion"]:
        grades = _choices(row, "grade", context["grades"], answer["grade"], inline=True, level=False)
        parts.append(
            f'<fieldset class="mt-2">\n<legend class="small fw-semibold mb-1">'
            f"{escape(words['grade'])}</legend>\n{grades}\n</fieldset>"
        )
    if row["type"] == "self_rating":
        levels = _choices(row, "level", context["levels"], answer["level"], inline=False, level=True)
        parts.append(f'<fieldset aria-labelledby="h-{dom}">\n{levels}\n</fieldset>')
    return autosave_form(context, context["save_url"], "\n".join(parts), words["save"])


def read_answer(row: dict) -> str:
    item, answer, parts = row["item"], row["answer"], []
    said_grade = _("Self-assessed grade:")
    if row["type"] != "self_rating":
        text = answer["text"]
        shown = linebreaks(text, autoescape=True) if text else '<p class="text-body-secondary">—</p>'
        parts.append(f'<div class="answer-text">{shown}</div>')
    if item["criterion"]:
        grade = escape(row["grade_label"] or "—")
        parts.append(f'<p class="small mb-0">{escape(said_grade)} <strong>{grade}</strong></p>')
    if row["type"] == "self_rating":
        level = answer["level"]
        said = f"<strong>{escape(level)}</strong> – {escape(row['level_label'])}" if level else "—"
        parts.append(f'<p class="mb-0">{said}</p>')
    return "\n".join(parts)


@register.simple_tag(takes_context=True)
def answer_fields(context, row: dict) -> SafeString:
    """A written item's answer (text, grade, level): a form saved as the author types on an editable
    form (its `save_url`, the rule set's `grades` and `levels`), else what was saved."""
    return mark_safe(
        editable_answer(context, row) if context["editable"] else read_answer(row)
    )  # escaped here
