from django.db import migrations

# Switches the shipped QĐ 366 rule set gained after a database could have loaded it (the data
# migrations load the file once): R366-ORDER-5's warning on the related bodies' comments, and
# R366-SCOPE-5's leadership collective of fewer than 3 reviewed with its unit. Both only warn or
# apply when a season is opened, so giving them to a stored rule set, copies and frozen ones
# included, changes no season already open.
ADDED = {"draft_comments": "warn", "small_leadership_below": 3}


def add_switches(apps, schema_editor):
    RuleSet = apps.get_model("reviews", "RuleSet")
    for rule_set in RuleSet.objects.filter(regime="qd366"):
        missing = {key: value for key, value in ADDED.items() if key not in rule_set.switches}
        if missing:
            rule_set.switches = {**rule_set.switches, **missing}
            rule_set.save(update_fields=["switches"])


def remove_switches(apps, schema_editor):
    RuleSet = apps.get_model("reviews", "RuleSet")
    for rule_set in RuleSet.objects.filter(regime="qd366"):
        kept = {k: v for k, v in rule_set.switches.items() if ADDED.get(k, object()) != v}
        if kept != rule_set.switches:
            rule_set.switches = kept
            rule_set.save(update_fields=["switches"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0027_meeting_circulation_warning_text")]
    operations = [migrations.RunPython(add_switches, remove_switches)]
