"""The quarters' figures kept by triggers on the quarterly evaluations (reviews/quarters/kept.py),
counted for each open season's quarters."""

import django.db.models.deletion
from django.db import migrations, models

from reviews.quarters import kept


def install_and_count(apps, schema_editor):
    kept.install_and_count(schema_editor)


def uninstall(apps, schema_editor):
    kept.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0020_meeting_of_one_collective"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuarterFigure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("state", models.CharField(max_length=16)),
                ("level", models.CharField(help_text="The decided level; '' for none.", max_length=16)),
                ("n", models.IntegerField(default=0)),
                (
                    "quarter",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="figures",
                        to="reviews.quarter",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reviews.seasonunit",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("quarter", "unit", "state", "level"), name="quarter_figure_key")
                ],
            },
        ),
        migrations.RunPython(install_and_count, uninstall),
    ]
