"""Superseded by 0003 (the cube split in two, then filled once): nothing to do here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cockpit", "0001_initial"), ("cases", "0001_initial"), ("enterprises", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
