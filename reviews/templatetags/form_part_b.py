"""Part B of a 2A/2B/2C form under QĐ 366, built in Python: the task list of the year (B.I) and
the points of each criterion (B.II) with the running total and the level they give (the summary,
reviews/member/_points_summary.html, which a save also sends back to replace).

As a template, part B's loops over the groups and their criteria took about 0.6 ms of an editable
form (bench/README.md, "2026-12-06, late"). The markup is the one static/js/member.js and the
browser tests rely on (`[data-task-list]` with its rows and `[data-task-add]`, the `points-` fields
and their `hint-points-` hints). Every value is escaped here.
"""

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.translation import gettext as _

from config.escaping import escape
from reviews.templatetags.form_parts import autosave_form, task_rows

POINTS_SUMMARY_TEMPLATE = "reviews/member/_points_summary.html"


def task_list(context, row: dict) -> str:
    """The year's tasks as typed: rows to write in on an editable form, else a table of the tasks
    written (numbered by their row)."""
    part_b = context["part_b"]
    if context["editable"]:
        hint = escape(
            _("List the tasks and targets of the year, how each ended and the products that show it.")
        )
        add = escape(_("Add a task"))
        body = [
            f'<input type="hidden" name="key" value="{escape(row["key"])}">\n'
            f'<p class="small text-body-secondary">{hint}</p>\n{task_rows(part_b)}\n'
            f'<button type="button" class="btn btn-sm btn-outline-secondary" data-task-add hidden>{add}</button>'
        ]
        if part_b["is_leader"]:
            led = escape(
                _(
                    "The fields, agencies and units I lead completed every task, at least 30% of them "
                    "beyond plan."
                )
            )
            ticked = " checked" if part_b["units_led"] else ""
            body.append(
                f'<div class="form-check mt-3">\n'
                f'<input class="form-check-input" type="checkbox" name="units_led" id="f-units-led"{ticked}>\n'
                f'<label class="form-check-label" for="f-units-led">{led}</label>\n</div>'
            )
        save = _("Save the task list")
        return autosave_form(
            context, context["save_url"], "\n".join(body), save, attributes=" data-task-list"
        )
    statuses = dict(part_b["statuses"])
    rows = [
        f"<tr><td>{n}</td><td>{linebreaksbr(task['text'], autoescape=True)}</td>"
        f"<td>{escape(statuses.get(task.get('status'), ''))}</td>"
        f"<td>{linebreaksbr(task.get('products') or '', autoescape=True)}</td></tr>"
        for n, task in enumerate(part_b["task_rows"], 1)
        if task.get("text")
    ]
    if not part_b["task_rows"]:
        rows = ['<tr><td colspan="4">—</td></tr>']
    heads = "".join(
        f'<th scope="col">{escape(head)}</th>' for head in ("#", _("Task"), _("How it ended"), _("Products"))
    )
    return (
        f'<table class="table table-sm">\n<thead><tr>{heads}</tr></thead>\n<tbody>\n'
        + "".join(rows)
        + "\n</tbody>\n</table>"
    )


def _criterion(entry: dict, editable: bool) -> str:
    item = entry["item"]
    key, title = escape(item.key), escape(item.title)
    unit = "%" if item.method == "percent" else f"/{escape(entry['max_text'])}"
    if editable:
        named = f'<label class="form-label mb-0" for="f-points-{key}">{title}</label>'
        value = (
            f'<div class="input-group">\n<input class="form-control text-end" type="text" inputmode="decimal" '
            f'name="points-{key}" id="f-points-{key}" value="{escape(entry["typed"])}" '
            f'aria-describedby="hint-points-{key}" autocomplete="off">\n'
            f'<span class="input-group-text">{unit}</span>\n</div>'
        )
    else:
        named = f'<span class="d-block">{title}</span>'
        value = (
            f"<strong>{escape(entry['typed'] or '…')}</strong>{' %' if item.method == 'percent' else unit}"
        )
    return (
        f'<div class="row g-2 align-items-center mb-2">\n<div class="col-12 col-md-8">{named}\n'
        f'<div class="form-text mt-0" id="hint-points-{key}">{escape(entry["hint"])}</div></div>\n'
        f'<div class="col-6 col-md-4">\n{value}\n</div>\n</div>'
    )


def points(context, row: dict, summary) -> str:
    """The summary (`summary`, its template), then each group of criteria with the points typed:
    fields that save themselves on an editable form, else the points as saved."""
    part_b, editable = context["part_b"], context["editable"]
    groups = []
    for group in part_b["groups"]:
        worth = escape(_("%(max)s points") % {"max": localize(group["max"])})
        criteria = "\n".join(_criterion(entry, editable) for entry in group["entries"])
        groups.append(
            f'<fieldset class="mb-3">\n<legend class="h6">{escape(group["label"])} '
            f'<span class="text-body-secondary">({worth})</span></legend>\n{criteria}\n</fieldset>'
        )
    fields = "\n".join(groups)
    if editable:
        body = f'<input type="hidden" name="key" value="{escape(row["key"])}">\n{fields}'
        fields = autosave_form(context, context["save_url"], body, _("Save the points"))
    return f"{summary.render(context)}\n{fields}"
