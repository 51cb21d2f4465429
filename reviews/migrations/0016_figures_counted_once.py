"""The figure triggers stand aside inside `kept_figures.counted_once` (the opening of a season)."""

from django.db import migrations

from reviews import kept_figures


def reinstall(apps, schema_editor):
    kept_figures.uninstall(schema_editor)
    kept_figures.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0015_event_sealing_key")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
