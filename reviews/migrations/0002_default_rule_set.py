from django.db import migrations

from reviews.defaults import load_defaults


def load(apps, schema_editor):
    load_defaults(apps.get_model("reviews", "RuleSet"), apps.get_model("reviews", "ReferenceItem"))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
