"""The shipped alarm thresholds (docs/ALERTS.md); the desk edits them on /alerts/rules/.

Ratios: -0.3 is -30%. Revenue and tax year-to-date down 30% or more, electricity this month down
40% or more against the same month last year.
"""

from decimal import Decimal

from django.db import migrations

DEFAULTS = (
    ("revenue_ytd_yoy", "lte", Decimal("-0.300000")),
    ("tax_ytd_yoy", "lte", Decimal("-0.300000")),
    ("electricity_yoy", "lte", Decimal("-0.400000")),
)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule = apps.get_model("alerts", "AlarmRule")
    for field, comparison, threshold in DEFAULTS:
        rule.objects.get_or_create(field=field, defaults={"comparison": comparison, "threshold": threshold})


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("alerts", "AlarmRule").objects.filter(field__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
