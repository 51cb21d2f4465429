"""The shipped data: the rule sets (QĐ 124 / HD 25 (2023), QĐ 366 / HD 43 (2025)) and the R-FORM-7
reference lists.

Data migrations load them; `default_rule_set()` loads them again if they are gone (a `flush`
empties every table, migrations' rows included)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "rulesets"
RULE_SETS = ("qd124-hd25-2023.json", "qd366-hd43-2025.json")


def rule_set_data(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_defaults(RuleSet, ReferenceItem) -> None:
    """Works with the real models and with a migration's historical ones (which may not have
    every field of the files yet: those are left out, and a later migration fills them)."""
    fields = {f.name for f in RuleSet._meta.get_fields()}
    for name in RULE_SETS:
        data = rule_set_data(name)
        code = data.pop("code")
        if not RuleSet.objects.filter(code=code).exists():
            RuleSet.objects.create(
                code=code,
                is_default=not RuleSet.objects.filter(is_default=True).exists(),
                **{key: value for key, value in data.items() if key in fields},
            )
    for item in json.loads((DATA / "reference_lists.json").read_text(encoding="utf-8")):
        ReferenceItem.objects.get_or_create(
            list=item["list"],
            number=item["number"],
            defaults={"group": item["group"], "label": item["label"], "verified": item["verified"]},
        )


def default_rule_set():
    """The fallback rule set (QĐ 124 / HD 25), for a year no rule set claims."""
    from reviews.models import ReferenceItem, RuleSet

    rule_set = RuleSet.objects.filter(is_default=True).first()
    if rule_set is None:
        load_defaults(RuleSet, ReferenceItem)
        rule_set = RuleSet.objects.get(is_default=True)
    return rule_set


def rule_set_for_year(year: int, among: list | None = None):
    """R-SET-1, R366-SET-1: the rule set a season of `year` opens under unless another is chosen:
    QĐ 124 / HD 25 for 2023 and 2024, QĐ 366 / HD 43 from 2025 on. `among`: every rule set,
    loaded already by a page that lists them, to choose from without a query."""
    from django.db.models import Q

    if among:
        claimed = sorted(
            (r for r in among if r.first_year is not None and r.first_year <= year <= (r.last_year or year)),
            key=lambda r: (-r.first_year, r.pk),
        )
        chosen = claimed[0] if claimed else next((r for r in among if r.is_default), None)
        if chosen is not None:
            return chosen

    from reviews.models import RuleSet

    fallback = default_rule_set()
    claimed = (
        RuleSet.objects.filter(first_year__lte=year)
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
        .order_by("-first_year", "pk")
        .first()
    )
    return claimed or fallback


def shipped_rule_set(code: str):
    """One of the shipped rule sets by its code (loading them if a flush emptied the table)."""
    from reviews.models import RuleSet

    default_rule_set()
    return RuleSet.objects.get(code=code)
