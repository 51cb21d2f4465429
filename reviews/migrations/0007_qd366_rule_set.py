from django.db import migrations

from reviews.defaults import RULE_SETS, load_defaults, rule_set_data


def load(apps, schema_editor):
    """Ship QĐ 366 / HD 43 (2025) and say which rating years each shipped rule set is for."""
    RuleSet = apps.get_model("reviews", "RuleSet")
    load_defaults(RuleSet, apps.get_model("reviews", "ReferenceItem"))
    for name in RULE_SETS:
        data = rule_set_data(name)
        RuleSet.objects.filter(code=data["code"]).update(
            first_year=data.get("first_year"), last_year=data.get("last_year")
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_qd366")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
