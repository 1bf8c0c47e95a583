from datetime import date, timedelta

import pytest
from django.utils import timezone

from qifu.core.errors import RuleViolation
from qifu.projects.selectors import ProjectFilters, project_get, project_list
from qifu.projects.services import milestone_set


def test_delay_is_computed_from_milestones(cast):
    # project A's "start" was planned for 2026-03-01 and has not happened: late
    leader = cast.actor(cast.leader)
    delayed = project_list(actor=leader, filters=ProjectFilters(delayed=True))
    assert list(delayed) == [cast.project_a]
    assert project_get(actor=leader, code="XM-2026-002").delayed is False


def test_recording_the_actual_date_on_time_clears_the_delay(cast):
    desk = cast.actor(cast.desk)
    milestone_set(
        actor=desk, project=cast.project_a, kind="start", planned_on=date(2026, 3, 1), actual_on=date(2026, 3, 1)
    )
    assert project_get(actor=cast.actor(cast.leader), code="XM-2026-001").delayed is False


def test_actual_date_in_the_future_is_refused(cast):
    with pytest.raises(RuleViolation) as exc:
        milestone_set(
            actor=cast.actor(cast.desk),
            project=cast.project_b,
            kind="start",
            planned_on=date(2026, 3, 1),
            actual_on=timezone.localdate() + timedelta(days=3),
        )
    assert exc.value.code == "milestone_actual_in_future"
