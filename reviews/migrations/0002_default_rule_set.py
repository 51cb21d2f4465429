import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "rulesets"


def load(apps, schema_editor):
    RuleSet = apps.get_model("reviews", "RuleSet")
    ReferenceItem = apps.get_model("reviews", "ReferenceItem")
    data = json.loads((DATA / "qd124-hd25-2023.json").read_text(encoding="utf-8"))
    RuleSet.objects.update_or_create(code=data.pop("code"), defaults={**data, "is_default": True})
    for item in json.loads((DATA / "reference_lists.json").read_text(encoding="utf-8")):
        ReferenceItem.objects.update_or_create(
            list=item["list"], number=item["number"],
            defaults={"group": item["group"], "label": item["label"], "verified": item["verified"]},
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
