"""The rollup's refresh: `qifu assessment refresh` and the Huey jobs."""

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from qifu.assessment.models import AssessmentMonth, AssessmentTally
from qifu.assessment.tallies import window
from qifu.assessment.tasks import assessment_recent_periodic, assessment_window_periodic
from qifu.assessment.tests.conftest import at, bulk_cases
from qifu.conftest import Cast


def test_the_command_counts_the_months_asked(cast: Cast, departments) -> None:
    bulk_cases(enterprise=cast.a, filed_by=cast.ent_a, lead_department=departments["JFJ"], liaison=cast.liaison_a)
    out = StringIO()
    call_command("assessment", "refresh", "--month", "2026-11", "--now", "2026-12-01T08:00", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"today": "2026-12-01", "months": ["2026-11"], "rows": 2}
    tally = AssessmentTally.objects.get(month="2026-11-01", dimension="department")
    assert (tally.department_id, tally.total) == (departments["JFJ"].pk, 1)


def test_the_command_refuses_a_bad_month(db) -> None:
    with pytest.raises(CommandError):
        call_command("assessment", "refresh", "--month", "2026-13")


def test_the_window_is_thirteen_months_newest_first() -> None:
    months = window(at(1, 15, year=2027).date())
    assert len(months) == 13 and months[0].isoformat() == "2027-01-01" and months[-1].isoformat() == "2026-01-01"


def test_the_jobs(cast: Cast) -> None:
    with time_machine.travel(at(12, 1, 0, 10), tick=False):
        assert [m.isoformat() for m in assessment_recent_periodic.call_local().months] == ["2026-12-01", "2026-11-01"]
        # the hourly job counts the rest of the window, once a day
        assert len(assessment_window_periodic.call_local().months) == 11
        assert assessment_window_periodic.call_local().months == []
    assert AssessmentMonth.objects.count() == 13
    with time_machine.travel(at(12, 2, 0, 5), tick=False):
        assert len(assessment_window_periodic.call_local().months) == 13
