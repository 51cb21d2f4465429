from django.db import migrations

DEFAULT = "02-01"  # R366-SCOPE-7: 1 February of the year after the rated year (HD 43 §4.2)


def add_deadline_records(apps, schema_editor):
    """Every stored QĐ 366 rule set, its copies and frozen ones included, gets `deadline_records`
    where it has none: the day is the guidance's, it only informs (nothing is blocked by it), so
    adding it to a frozen rule set changes no rating (docs/decisions.md, "The records' deadline")."""
    RuleSet = apps.get_model("reviews", "RuleSet")
    for rule_set in RuleSet.objects.filter(regime="qd366"):
        if "deadline_records" not in rule_set.switches:
            rule_set.switches = {**rule_set.switches, "deadline_records": DEFAULT}
            rule_set.save(update_fields=["switches"])


def remove_deadline_records(apps, schema_editor):
    RuleSet = apps.get_model("reviews", "RuleSet")
    for rule_set in RuleSet.objects.filter(regime="qd366"):
        if rule_set.switches.get("deadline_records") == DEFAULT:
            rule_set.switches = {k: v for k, v in rule_set.switches.items() if k != "deadline_records"}
            rule_set.save(update_fields=["switches"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0025_rule_set_empty_documents")]
    operations = [migrations.RunPython(add_deadline_records, remove_deadline_records)]
