"""The self-review's answer posted without JavaScript and refused (the form submitted meanwhile, a
value the form does not offer, a text too long): kept for the form's page (typed_back), which puts
it back in its item's fields while the form is editable, else shows its text to be copied. With
JavaScript the answer never leaves its field: only the item's status is swapped."""

from itertools import zip_longest

from reviews.views.form_points import BLANK_TASK_ROWS
from reviews.views.typed_back import TypedBack, keep_typed

# What an item's form posts besides its key (form_parts, form_cards, form_part_b): a written
# item's text, grade and level; a commitment's fulfilment and assessment; an explanation; the
# task list's rows; and the points, one field per criterion.
ANSWER_FIELDS = (
    *("text", "grade", "level", "fulfilment", "assessment", "answer"),
    *("task_text", "task_status", "task_products", "units_led"),
)
POINTS = "points-"


def suggestion_action(pk: int) -> str:
    """The kept answer of a suggestion's explanation (an item's is kept under the item's key)."""
    return f"suggestion:{pk}"


def keep_answer(request, form_url: str, action: str) -> None:
    """Keep the answer posted for `action` (an item's key, or suggestion_action) for the form."""
    names = [name for name in request.POST if name in ANSWER_FIELDS or name.startswith(POINTS)]
    keep_typed(request, form_url, action, names)


def put_back_answer(context: dict, kept: TypedBack) -> list[str]:
    """The kept answer put back in the fields of the form page's `context` (member._form_context)
    while the form is editable and still holds its item; else its text, returned to be copied."""
    if not kept.action or (context["editable"] and _put_back(context, kept.action, kept.typed)):
        return []
    return kept.texts()


def _put_back(context: dict, action: str, typed: dict) -> bool:
    for suggestion in context["suggestions"]:
        if suggestion_action(suggestion.pk) == action:
            suggestion.answer = typed.get("answer", "")
            return True
    for row in context["pledge_rows"]:
        if row["key"] == action:
            row["answer"] = {**row["answer"], **_fields(typed, ("fulfilment", "assessment"))}
            return True
    for row in (row for section in context["sections"] for row in section["rows"]):
        if row["key"] != action:
            continue
        if row["type"] == "tasks":
            _tasks_as_typed(context["part_b"], typed)
        elif row["type"] == "scores":
            for entry in context["part_b"]["items"]:
                entry["typed"] = typed.get(f"{POINTS}{entry['item'].key}", "")
        else:
            row["answer"] = {**row["answer"], **_fields(typed, ("text", "grade", "level"))}
        return True
    return False


def _fields(typed: dict, names: tuple[str, ...]) -> dict[str, str]:
    return {name: typed[name] for name in names if isinstance(typed.get(name), str)}


def _listed(typed: dict, name: str) -> list[str]:
    value = typed.get(name, [])
    return [value] if isinstance(value, str) else value


def _tasks_as_typed(part_b: dict, typed: dict) -> None:
    """The task list's rows as typed (the blank ones dropped), then blank rows to add more."""
    rows = [
        {"text": text, "status": status, "products": products}
        for text, status, products in zip_longest(
            *(_listed(typed, f"task_{name}") for name in ("text", "status", "products")), fillvalue=""
        )
        if (text + status + products).strip()
    ]
    part_b["task_rows"] = rows + [{"text": "", "status": "", "products": ""}] * BLANK_TASK_ROWS
    part_b["units_led"] = typed.get("units_led") == "on"
