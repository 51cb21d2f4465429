"""One answer of a self-review form, as the autosave receives it: which items apply to the subject,
and the answer checked and cleaned (a clear message naming what is wrong, nothing saved otherwise)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.row_ids import row_id, row_ids
from members.models import PledgeItem
from reviews.models import ReferenceItem, Subject
from reviews.rules import form_items
from reviews.views import form_points

# How a pledge item was fulfilled (stored as "assessment" under "pledge:<item id>").
ASSESSMENTS = [
    ("done", gettext_lazy("Fulfilled")),
    ("partly", gettext_lazy("Partly fulfilled")),
    ("not", gettext_lazy("Not fulfilled")),
]
TEXT_TYPES = ("text", "graded_text", "remediation")
SAVED_TYPES = (*TEXT_TYPES, "self_rating", "tasks", "scores")
MAX_TEXT = 20_000


# -- small pure helpers ---------------------------------------------------------------------------


def dom_id(key: str) -> str:
    """An HTML id fragment for a form key ("I.1" → "I-1", "pledge:12" → "pledge-12")."""
    return "".join(c if c.isalnum() else "-" for c in key)


def applies(item: dict, subject: Subject) -> bool:
    """The civil-service self-rating is only for cadres, civil servants and public employees."""
    return not (item.get("only_for") == "civil_servant" and not subject.is_civil_servant)


def clean_text(data, name: str) -> tuple[str, str | None]:
    value = data.get(name, "").replace("\r\n", "\n")
    if len(value) > MAX_TEXT:
        return "", _("This text is too long: at most %(n)d characters.") % {"n": MAX_TEXT}
    return value, None


def _choice(data, name: str, codes) -> tuple[str, str | None]:
    value = data.get(name, "")
    if value and value not in codes:
        return "", _("Choose one of the options offered.")
    return value, None


def clean_answer(data, subject: Subject, key: str) -> tuple[dict | None, str | None]:
    """The value to merge under `key`, from the posted fields the key's item may hold; or the
    reason it cannot be saved. Only posted fields are merged, so saving the text of an item
    leaves its grade alone."""
    rule_set = subject.season.rule_set
    items = {i["key"]: i for i in form_items(rule_set.template(subject.form_code)) if applies(i, subject)}
    if key == "refs" and any(i.get("references") for i in items.values()):
        posted = data.getlist("ticked")
        ticked = sorted(set(row_ids(posted)))
        unknown = len(row_ids(posted)) != len(posted)  # a value that is no id names no item
        if unknown or ReferenceItem.objects.filter(pk__in=ticked).count() != len(ticked):
            return None, _("Unknown reference item.")
        return {"ticked": ticked}, None
    fields: list[tuple[str, tuple[str, str | None]]] = []
    if key.startswith("pledge:"):
        item_id = key.partition(":")[2]
        if not (
            subject.is_member
            and (item_pk := row_id(item_id)) is not None
            and PledgeItem.objects.filter(
                pk=item_pk, pledge__member_id=subject.member_id, pledge__year=subject.season.year
            ).exists()
        ):
            return None, _("This item is not part of the pledge for %(year)s.") % {
                "year": subject.season.year
            }
        if "fulfilment" in data:
            fields.append(("fulfilment", clean_text(data, "fulfilment")))
        if "assessment" in data:
            fields.append(("assessment", _choice(data, "assessment", [code for code, _label in ASSESSMENTS])))
    else:
        item = items.get(key)
        if item is None or item["type"] not in SAVED_TYPES:
            return None, _("This item is not part of the form.")
        if item["type"] == "tasks":
            return form_points.clean_tasks(data)
        if item["type"] == "scores":
            return form_points.clean_points_typed(data, subject)
        if item["type"] in TEXT_TYPES and "text" in data:
            fields.append(("text", clean_text(data, "text")))
        if item.get("criterion") and "grade" in data:
            fields.append(("grade", _choice(data, "grade", [g["code"] for g in rule_set.grades])))
        if item["type"] == "self_rating" and "level" in data:
            fields.append(("level", _choice(data, "level", rule_set.level_codes())))
    errors = [error for _name, (_value, error) in fields if error]
    if errors:
        return None, errors[0]
    if not fields:
        return None, _("Nothing to save.")
    return {name: value for name, (value, _error) in fields}, None
