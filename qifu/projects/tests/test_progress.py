"""The board's figures and status rules (docs/PROJECTS.md) at their thresholds, in SQL.

The cast's project A: 签约 planned 2026-01-10, done 01-12 (2 days late); 开工 planned 03-01, not
done. Project B has no milestones. Defaults: late after 30 days, risk window 30 days, investment
below 0.6 of the pro-rata plan.
"""

from datetime import date
from decimal import Decimal

import pytest

from qifu.projects.models import Project
from qifu.projects.progress import BoardFilters, Thresholds, YearClock, project_board, with_progress
from qifu.projects.services import milestone_set
from qifu.projects.tests.helpers import invest, plan


def _row(code: str, today: date) -> Project:
    return with_progress(Project.objects.filter(code=code), today=today).get()


def _status(code: str, today: date) -> str:
    return str(_row(code, today).board_status)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 29), "on_schedule"),  # 开工 due in 31 days: outside the window
        (date(2026, 1, 30), "at_risk"),  # due in 30 days after 签约 was done late: inside the window
        (date(2026, 3, 1), "at_risk"),  # due today, still inside the window
        (date(2026, 3, 2), "at_risk"),  # one day late
        (date(2026, 3, 31), "at_risk"),  # 30 days late: the threshold itself
        (date(2026, 4, 1), "late"),  # 31 days late
    ],
    ids=str,
)
def test_open_milestone_thresholds_case(cast, today, expected):
    assert _status("XM-2026-001", today) == expected


def test_the_window_needs_a_late_predecessor(cast):
    # given 签约 recorded on time: 开工 due within 30 days is then no risk by itself
    desk = cast.actor(cast.desk)
    milestone_set(
        actor=desk, project=cast.project_a, kind="signing", planned_on=date(2026, 1, 10), actual_on=date(2026, 1, 10)
    )
    assert _status("XM-2026-001", date(2026, 2, 15)) == "on_schedule"
    assert _status("XM-2026-001", date(2026, 3, 2)) == "at_risk"  # one day late all the same


@pytest.mark.parametrize(
    ("done_on", "expected"),
    [(date(2026, 3, 31), "on_schedule"), (date(2026, 4, 1), "late")],
    ids=["30-days-late", "31-days-late"],
)
def test_a_critical_milestone_done_late_case(cast, done_on, expected):
    # given 开工 done 30 / 31 days after its plan and 竣工 still ahead (not in the window)
    desk = cast.actor(cast.desk)
    milestone_set(actor=desk, project=cast.project_a, kind="start", planned_on=date(2026, 3, 1), actual_on=done_on)
    milestone_set(actor=desk, project=cast.project_a, kind="completion", planned_on=date(2027, 6, 1))
    assert _status("XM-2026-001", date(2026, 6, 1)) == expected


def test_a_project_that_caught_up_is_judged_by_its_latest_critical_milestone(cast):
    # given 开工 done 60 days late, then 竣工 on time, 投产 still ahead
    desk = cast.actor(cast.desk)
    milestone_set(
        actor=desk, project=cast.project_a, kind="start", planned_on=date(2026, 3, 1), actual_on=date(2026, 4, 30)
    )
    milestone_set(actor=desk, project=cast.project_a, kind="production", planned_on=date(2027, 3, 1))
    assert _status("XM-2026-001", date(2026, 10, 1)) == "late"
    milestone_set(
        actor=desk, project=cast.project_a, kind="completion", planned_on=date(2026, 10, 1), actual_on=date(2026, 10, 1)
    )
    assert _status("XM-2026-001", date(2026, 10, 2)) == "on_schedule"


def test_a_finished_project_is_not_late_for_its_history(cast):
    # given every milestone done, 开工 two months late
    desk = cast.actor(cast.desk)
    milestone_set(
        actor=desk, project=cast.project_a, kind="start", planned_on=date(2026, 3, 1), actual_on=date(2026, 5, 1)
    )
    row = _row("XM-2026-001", date(2026, 6, 1))
    assert row.board_status == "on_schedule"
    assert row.late_milestones == 2  # 签约 and 开工 both done late
    assert row.next_kind is None


def test_a_non_critical_milestone_done_late_does_not_make_it_late(cast):
    # 签约 (not critical) done 40 days late, 开工 far ahead
    desk = cast.actor(cast.desk)
    milestone_set(
        actor=desk, project=cast.project_a, kind="signing", planned_on=date(2026, 1, 10), actual_on=date(2026, 2, 19)
    )
    milestone_set(actor=desk, project=cast.project_a, kind="start", planned_on=date(2026, 9, 1))
    assert _status("XM-2026-001", date(2026, 5, 1)) == "on_schedule"


@pytest.mark.parametrize(
    ("ytd", "status", "expected"),
    [
        ("359.99", "construction", "at_risk"),  # below 0.6 × 1,200 × 6/12 = 360
        ("360", "construction", "on_schedule"),  # at the threshold
        ("0", "completed", "on_schedule"),  # the rule is for projects being prepared or built
        ("0", "planned", "at_risk"),
    ],
    ids=str,
)
def test_investment_below_the_pro_rata_plan_case(cast, ytd, status, expected):
    # given B plans 1,200 万元 this year; on 2026-07-10 the months due are January … June
    desk = cast.actor(cast.desk)
    plan(desk, cast.project_b, annual_planned=Decimal(1200), status=status)
    invest(desk, [("XM-2026-002", "2026-03", ytd), ("XM-2026-002", "2025-12", "5000")])
    row = _row("XM-2026-002", date(2026, 7, 10))
    assert row.ytd_invested == Decimal(ytd)
    assert row.board_status == expected


def test_no_investment_rule_in_january_and_none_without_a_plan(cast):
    desk = cast.actor(cast.desk)
    plan(desk, cast.project_b, annual_planned=Decimal(1200), status="construction")
    assert _status("XM-2026-002", date(2026, 1, 20)) == "on_schedule"  # nothing is due yet
    assert _status("XM-2026-002", date(2026, 2, 1)) == "at_risk"  # January is due, nothing reported
    plan(desk, cast.project_b, annual_planned=Decimal(0))
    assert _status("XM-2026-002", date(2026, 7, 1)) == "on_schedule"


def test_year_to_date_across_a_year_boundary(cast):
    # given November and December 2025 and January 2026 reported
    desk = cast.actor(cast.desk)
    invest(
        desk, [("XM-2026-002", "2025-11", "100"), ("XM-2026-002", "2025-12", "200"), ("XM-2026-002", "2026-01", "50")]
    )
    # then the year to date counts only the year of the day asked about; the total counts all
    december = _row("XM-2026-002", date(2025, 12, 20))
    assert (december.ytd_invested, december.last_month) == (Decimal(300), date(2025, 12, 1))
    january = _row("XM-2026-002", date(2026, 1, 15))
    assert (january.ytd_invested, january.last_month) == (Decimal(50), date(2026, 1, 1))
    assert _row("XM-2026-002", date(2026, 12, 31)).ytd_invested == Decimal(50)
    assert january.completed_investment == Decimal(350)


def test_year_clock():
    assert YearClock(date(2026, 1, 31)).elapsed == Decimal(0)
    assert YearClock(date(2026, 7, 1)).elapsed == Decimal("0.5")
    assert YearClock(date(2026, 12, 31)).elapsed == Decimal("0.916667")


def test_thresholds_are_settings(cast, settings):
    # given a tighter rule: late after 10 days
    settings.PROJECT_LATE_DAYS = 10
    assert Thresholds.from_settings().late_days == 10
    assert _status("XM-2026-001", date(2026, 3, 11)) == "at_risk"
    assert _status("XM-2026-001", date(2026, 3, 12)) == "late"


def test_board_sorts_by_lateness_and_filters_by_status(cast):
    # given on 2026-04-10: A late (40 days), B on schedule, C late by 10 days less, D at risk
    desk = cast.actor(cast.desk)
    from qifu.projects.services import ProjectData, project_create

    c = project_create(
        actor=desk, enterprise=cast.c, data=ProjectData(code="XM-2026-003", name="丙医药", total_investment=Decimal(9))
    )
    milestone_set(actor=desk, project=c, kind="start", planned_on=date(2026, 3, 1))
    milestone_set(actor=desk, project=c, kind="signing", planned_on=date(2026, 2, 1))  # 68 days: the latest
    d = project_create(
        actor=desk, enterprise=cast.c, data=ProjectData(code="XM-2026-004", name="丁医药", total_investment=Decimal(9))
    )
    milestone_set(actor=desk, project=d, kind="start", planned_on=date(2026, 4, 1))
    leader = cast.actor(cast.leader)
    board = project_board(actor=leader, today=date(2026, 4, 10))
    assert [p.code for p in board] == ["XM-2026-003", "XM-2026-001", "XM-2026-004", "XM-2026-002"]
    late = project_board(actor=leader, filters=BoardFilters(status="late"), today=date(2026, 4, 10))
    assert [p.code for p in late] == ["XM-2026-003", "XM-2026-001"]
    unknown = project_board(actor=leader, filters=BoardFilters(status="nonsense"), today=date(2026, 4, 10))
    assert unknown.count() == 4  # an unknown status narrows nothing (the page says it ignored it)
