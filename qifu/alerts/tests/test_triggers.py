"""The scan runs after the list evaluation and an indicator import (after their commit, as a Huey
job — immediate in tests), and daily."""

from datetime import date

import time_machine

from qifu.alerts.models import Alert, AlertKind
from qifu.alerts.tasks import alerts_daily_periodic
from qifu.alerts.tests.conftest import LAST_YEAR, M, set_rules, write_indicators
from qifu.servicelists.services import evaluate_month
from qifu.servicelists.tests.conftest import set_rule, write_revenue


@time_machine.travel(date(2026, 10, 12), tick=False)
def test_indicator_import_schedules_a_scan_after_commit(cast, django_capture_on_commit_callbacks):
    # given
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write_indicators(cast, [(cast.b, LAST_YEAR, {"revenue": 100}), (cast.b, M, {"revenue": 60})])

    # then
    assert callbacks
    alert = Alert.objects.get(kind=AlertKind.INDICATOR)
    assert alert.enterprise_id == cast.b.pk and alert.liaison_id == cast.liaison_b.pk


@time_machine.travel(date(2026, 10, 12), tick=False)
def test_list_evaluation_schedules_a_scan_after_commit(cast, django_capture_on_commit_callbacks):
    # given B down 40% in September, the declining rule
    write_revenue(cast, [(cast.b, date(2025, 9, 1), 100), (cast.b, date(2026, 9, 1), 60)])
    set_rule(cast, "declining", {"field": "revenue_yoy", "op": "le", "value": -0.2})

    # when
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_month(month=date(2026, 9, 1))

    # then
    assert Alert.objects.filter(kind=AlertKind.DECLINING, enterprise=cast.b).count() == 1


@time_machine.travel(date(2026, 10, 12), tick=False)
def test_daily_task_scans(cast):
    doc = alerts_daily_periodic.call_local()
    assert doc["today"] == "2026-10-12" and doc["created"]["milestone"] == 1
