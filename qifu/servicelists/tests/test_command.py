"""`qifu lists evaluate`: the summary, --json, idempotence, bad months, and the monthly task's guard."""

import json
from collections.abc import Callable
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from qifu.conftest import Cast
from qifu.servicelists.models import Membership
from qifu.servicelists.tasks import lists_monthly_run
from qifu.servicelists.tests.conftest import M

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("lists", "evaluate", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_summary_then_json_of_a_second_run(declining_world: Callable[[int], Cast]):
    declining_world(1)
    text = run("--month", "2026-09")
    assert "2026-09" in text
    line = next(x for x in text.splitlines() if x.startswith("declining"))
    assert line.split() == ["declining", "2", "0", "2", "0"]
    doc = json.loads(run("--month", "2026-09", "--json"))
    assert doc["lists"]["declining"] == {"members": 2, "by_rule": 2, "by_hand": 0, "entered": 2, "left": 0}
    assert doc["written"] == {"created": 0, "updated": 0, "deleted": 0}
    assert isinstance(doc["seconds"], float)


def test_bad_and_future_months_exit_2_and_write_nothing(cast: Cast):
    for month in ("2026-9x", "2999-01"):
        with pytest.raises(CommandError) as failed:
            run("--month", month)
        assert failed.value.returncode == 2
    assert not Membership.objects.exists()


def test_the_monthly_task_evaluates_the_month_just_ended_on_the_first_only(declining_world: Callable[[int], Cast]):
    declining_world(1)
    with time_machine.travel("2026-09-30T19:10:00Z"):  # 03:10 on 1 October in Beijing
        doc = lists_monthly_run()
    assert doc is not None and doc["month"] == "2026-09"
    assert Membership.objects.filter(month=M).count() == 2
    with time_machine.travel("2026-09-28T19:10:00Z"):  # 29 September in Beijing: nothing to do
        assert lists_monthly_run() is None
