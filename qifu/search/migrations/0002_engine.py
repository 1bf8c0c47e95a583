"""The vendor's full-text index over the doc tables: FTS5 on SQLite, tsvector + GIN on PostgreSQL
(the statements and why: qifu/search/ddl.py)."""

from django.db import migrations

from qifu.search import ddl


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    ddl.run(schema_editor, ddl.create(schema_editor.connection.vendor))


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    ddl.run(schema_editor, ddl.drop(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
