"""Drop planner statistics of the FTS5 shadow tables that an earlier seed recorded while the index
was empty: with them every segment merge scanned the whole index (qifu/core/sqlite/stats.py)."""

from django.db import migrations

from qifu.core.sqlite.stats import forget_shadow_table_stats


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            forget_shadow_table_stats(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
