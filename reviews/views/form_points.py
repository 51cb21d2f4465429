"""Part B of a QĐ 366 form on the form page: the task list of the year and the points per criterion
(R366-SCORE-1, R366-SCORE-4), cleaned as they are autosaved, and the running totals with the level
they give (reviews/regimes/qd366/) shown beside them."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from reviews.facts import Facts
from reviews.models import Subject
from reviews.regimes.qd366.checks import form_standing
from reviews.regimes.qd366.levels import LEADERS
from reviews.scoring import (
    TASK_STATUSES,
    clean_points,
    criteria_items,
    groups,
    points_text,
    task_status_labels,
)

MAX_TASKS = 100
MAX_TASK_TEXT = 2_000
BLANK_TASK_ROWS = 3


def clean_tasks(data) -> tuple[dict | None, str | None]:
    """The task list posted by the form: rows of text, how the task ended and its products. Rows
    left empty are dropped; a row with text needs nothing else to be saved (the submission checks
    that every task says how it ended)."""
    texts, statuses, products = (
        data.getlist("task_text"),
        data.getlist("task_status"),
        data.getlist("task_products"),
    )
    if not (len(texts) == len(statuses) == len(products)):
        return None, _("The task list was sent incomplete; reload the page and try again.")
    rows = []
    for n, (text, status, product) in enumerate(zip(texts, statuses, products, strict=True), 1):
        text, product = text.replace("\r\n", "\n").strip(), product.replace("\r\n", "\n").strip()
        if not (text or product):
            continue
        if status and status not in TASK_STATUSES:
            return None, _("Task %(n)d: choose how it ended from the list.") % {"n": n}
        if len(text) > MAX_TASK_TEXT or len(product) > MAX_TASK_TEXT:
            return None, _("Task %(n)d: at most %(max)d characters.") % {"n": n, "max": MAX_TASK_TEXT}
        rows.append({"text": text, "status": status, "products": product})
    if len(rows) > MAX_TASKS:
        return None, _("At most %(n)d tasks.") % {"n": MAX_TASKS}
    return {"tasks": rows, "units_led": data.get("units_led") == "on"}, None


def clean_points_typed(data, subject: Subject) -> tuple[dict | None, str | None]:
    """The points typed for the criteria items: each one empty (not scored yet) or valid for its
    item; the first problem is named with its item and nothing is saved."""
    rule_set = subject.season.rule_set
    typed = {}
    for item in criteria_items(rule_set.scoring, subject.season.criteria, subject.profile):
        raw = data.get(f"points-{item.key}", "").strip()
        if raw:
            _value, error = clean_points(raw, item, rule_set.scoring)
            if error:
                return None, _("%(item)s: %(error)s") % {"item": item.title, "error": error}
        typed[item.key] = raw
    return {"points": typed}, None


def item_wording(item) -> dict:
    """An item's hint and its maximum as the form writes them (here, not in the template: its
    three translations per item and its loop over every item for every group were most of part
    B's time)."""
    most = floatformat(item.max, "-1")
    if item.method == "percent":
        hint = _("Type the percentage achieved; worth up to %(max)s points.") % {"max": most}
    elif item.method == "checklist":
        hint = _("Met: %(max)s points; not met: 0.") % {"max": most}
    else:
        hint = _("Up to %(max)s points.") % {"max": most}
    return {"hint": hint, "max_text": most}


def part_b(subject: Subject, facts: Facts, answers: dict) -> dict:
    """What part B shows: the task rows (and blank ones to write in), the items with their typed
    points, the totals per group and overall, and the level those points and tasks give."""
    rule_set = subject.season.rule_set
    scoring = rule_set.scoring
    typed = (answers.get("B.II") or {}).get("points") or {}
    rows = list((answers.get("B.I") or {}).get("tasks") or [])
    items, by_group = [], {g["key"]: None for g in groups(scoring)}
    for item in criteria_items(scoring, facts.season.criteria, subject.profile):
        value, error = (
            clean_points(typed.get(item.key, ""), item, scoring) if typed.get(item.key) else (None, "")
        )
        if value is not None:
            by_group[item.group] = (by_group[item.group] or 0) + value
        items.append(
            {
                "item": item,
                "typed": typed.get(item.key, ""),
                "points": value,
                "error": error,
                **item_wording(item),
            }
        )
    found = form_standing(subject, facts, answers)
    standing, result = found if found else (None, None)
    return {
        "groups": [
            {
                **g,
                "total": points_text(by_group[g["key"]]) if by_group[g["key"]] is not None else "…",
                "entries": [entry for entry in items if entry["item"].group == g["key"]],
            }
            for g in groups(scoring)
        ],
        "items": items,
        "total": points_text(standing.points) if standing and standing.points is not None else "…",
        "outcome": result,
        "level_label": rule_set.level_label(result.level) if result and result.level else "",
        "task_rows": rows + [{"text": "", "status": "", "products": ""}] * BLANK_TASK_ROWS,
        "task_count": len(rows),
        "statuses": list(task_status_labels().items()),
        "units_led": bool((answers.get("B.I") or {}).get("units_led")),
        "is_leader": subject.profile in LEADERS,
        "percent_items": any(i["item"].method == "percent" for i in items),
    }
