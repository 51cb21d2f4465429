from django.db import migrations

# R366-RATE-5's case "more than 50 % of the units led rated KHTNV" became a case the engine finds
# from the units' decisions ("auto") after a database could have loaded the shipped QĐ 366 file
# (the data migrations load it once): a rule set stored before it left the case to be ticked by
# hand. Every stored QĐ 366 rule set gets it, frozen ones too, as 0026 and 0028 did: a season that
# opened froze its rule set, and the case is the regulation's in either form. Nothing decided
# changes: a decided subject keeps its level; the case is found for the steps still to come.
CASE = "units_led_khtnv"
COMPUTED = {"auto": "units_led_over", "percent": 50}


def _cases_without_rule(rule_set):
    for profile in (rule_set.scoring or {}).get("profiles", {}).values():
        for case in profile.get("cases", []):
            if case.get("code") == CASE and "auto" not in case:
                yield case


def add_rule(apps, schema_editor):
    RuleSet = apps.get_model("reviews", "RuleSet")
    for rule_set in RuleSet.objects.filter(regime="qd366"):
        cases = list(_cases_without_rule(rule_set))
        for case in cases:
            case.update(COMPUTED)
        if cases:
            rule_set.save(update_fields=["scoring"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0028_rule_set_switches_added_later")]
    operations = [migrations.RunPython(add_rule, migrations.RunPython.noop)]
