"""Give the planner statistics for the redo demands from the start (issue 15, R-SUP-1).

The dashboard and the blockers board count each child's demands with correlated counts on the
query that reads the children. On a table never analyzed, PostgreSQL assumes some hundreds of rows,
the estimate of the children query passes the JIT threshold and compiling it costs ~0.4 s a page
(measured at the 500,000-member province: 792 ms against 76 ms). Analyzed (even empty), the
estimate is right and the counts cost about a millisecond; autovacuum keeps them right after."""

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE reviews_redodemand")
        schema_editor.execute("ANALYZE reviews_meetingentry")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0018_supervision_attendance_and_redo")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
