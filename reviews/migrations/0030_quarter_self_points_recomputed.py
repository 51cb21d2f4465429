"""R366-QTR-2: the self-assessed total of a quarter is general + tasks as they stand. Before
2026-12-08 a draft save did not update it, so a form returned and edited kept the total of its
first submission (the form, the summary table and Mẫu 05 read it). Recomputed once for every
evaluation; the saves keep it since (reviews/quarters/services.py, self_total)."""

from django.db import migrations
from django.db.models import F, Q


def recompute(apps, schema_editor):
    evaluations = apps.get_model("reviews", "QuarterlyEvaluation").objects
    both = Q(self_general__isnull=False, self_tasks__isnull=False)
    evaluations.filter(both).update(self_points=F("self_general") + F("self_tasks"))
    evaluations.exclude(both).exclude(self_points=None).update(self_points=None)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0029_rule_set_units_led_case_computed")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
