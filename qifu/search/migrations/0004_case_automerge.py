"""The case index merges in the background, not inside the writes (ddl.AUTOMERGE_OFF)."""

from django.db import migrations

from qifu.search import ddl


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        ddl.run(schema_editor, [sql for table in ddl.AUTOMERGE_OFF for sql in ddl.sqlite_settings(table)])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        ddl.run(schema_editor, [ddl.sqlite_automerge(table, 4) for table in ddl.AUTOMERGE_OFF])  # FTS5's default


class Migration(migrations.Migration):
    dependencies = [("search", "0003_fts_stats")]

    operations = [migrations.RunPython(forwards, backwards)]
