"""The shipped data: the QĐ 124 / HD 25 (2023) rule set and the R-FORM-7 reference lists.

A data migration loads them; `default_rule_set()` loads them again if they are gone (a `flush`
empties every table, migrations' rows included)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "rulesets"


def load_defaults(RuleSet, ReferenceItem) -> None:
    """Works with the real models and with a migration's historical ones."""
    data = json.loads((DATA / "qd124-hd25-2023.json").read_text(encoding="utf-8"))
    code = data.pop("code")
    if not RuleSet.objects.filter(code=code).exists():
        RuleSet.objects.create(
            code=code, is_default=not RuleSet.objects.filter(is_default=True).exists(), **data
        )
    for item in json.loads((DATA / "reference_lists.json").read_text(encoding="utf-8")):
        ReferenceItem.objects.get_or_create(
            list=item["list"],
            number=item["number"],
            defaults={"group": item["group"], "label": item["label"], "verified": item["verified"]},
        )


def default_rule_set():
    from reviews.models import ReferenceItem, RuleSet

    rule_set = RuleSet.objects.filter(is_default=True).first()
    if rule_set is None:
        load_defaults(RuleSet, ReferenceItem)
        rule_set = RuleSet.objects.get(is_default=True)
    return rule_set
