"""Working-day clocks across 2026's Spring Festival and National Day (with their 调休 Saturday and
Sunday working days), shortened by urgency and the green channel, and a year the holiday package
does not cover. Expected dates are worked out by hand from the State Council's 2026 notice."""

import logging
from datetime import date

import pytest

from qifu.cases import deadlines as d
from qifu.workcal.calendar import WorkCalendar

CAL = WorkCalendar()


def test_response_due_on_the_adjusted_saturday_before_spring_festival() -> None:
    # Friday 13 February 2026: the next working day is Saturday the 14th (调休), not the 24th.
    assert d.respond_by(CAL, date(2026, 2, 13), urgency="normal", green_channel=False) == date(2026, 2, 14)


def test_sign_deadline_jumps_the_spring_festival_holiday() -> None:
    assert d.sign_by(CAL, date(2026, 2, 14), urgency="normal", green_channel=False) == date(2026, 2, 24)


def test_ten_working_days_across_spring_festival() -> None:
    # 13, 14 (Sat, worked), 24, 25, 26, 27, 28 (Sat, worked), 2 Mar, 3, 4
    clock = d.resolve_clock(CAL, date(2026, 2, 12), 10, urgency="normal", green_channel=False)
    assert clock.due == date(2026, 3, 4)
    assert clock.days == 10
    # the reminder at 80%: the 8th working day
    assert clock.remind_on == date(2026, 3, 2)


def test_consultation_across_national_day_lands_on_the_adjusted_saturday() -> None:
    # Wed 30 Sep: 8 Oct (1), 9 Oct (2), Sat 10 Oct worked (3)
    clock = d.resolve_clock(CAL, date(2026, 9, 30), 3, urgency="normal", green_channel=False)
    assert clock.due == date(2026, 10, 10)
    assert d.sign_by(CAL, date(2026, 9, 30), urgency="normal", green_channel=False) == date(2026, 10, 8)


def test_the_adjusted_sunday_before_national_day_counts() -> None:
    # Saturday 19 Sep is a rest day; Sunday 20 Sep is worked (调休).
    assert d.respond_by(CAL, date(2026, 9, 19), urgency="normal", green_channel=False) == date(2026, 9, 20)


def test_mid_autumn_and_national_day_in_one_clock() -> None:
    # From Thu 24 Sep, 5 working days: 28, 29, 30 Sep, 8, 9 Oct
    assert d.resolve_clock(CAL, date(2026, 9, 24), 5, urgency="normal", green_channel=False).due == date(2026, 10, 9)


@pytest.mark.parametrize(
    ("days", "urgency", "green", "expected"),
    [
        (10, "normal", False, 10),
        (10, "normal", True, 5),
        (10, "urgent", False, 5),
        (10, "urgent", True, 3),
        (10, "critical", False, 3),
        (10, "critical", True, 2),
        (3, "critical", True, 1),
        (20, "urgent", True, 5),
        (1, "urgent", True, 1),
    ],
)
def test_urgency_and_green_channel_shorten_but_never_below_one_day(days, urgency, green, expected) -> None:
    assert d.shortened(days, urgency=urgency, green_channel=green) == expected


def test_extension_and_pause_lengthen_in_working_days() -> None:
    assert d.extended(CAL, date(2026, 2, 13), 2) == date(2026, 2, 24)
    # asked Friday 13 Feb, answered Tuesday 24 Feb: the clock stood still on the 14th and 24th
    assert d.paused_workdays(CAL, date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert d.paused_workdays(CAL, date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_remaining_and_late_days() -> None:
    assert d.remaining_workdays(CAL, date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert d.days_late(CAL, date(2026, 10, 12), date(2026, 9, 30)) == 4  # 8, 9, 10 (Sat, worked) and 12 Oct
    assert d.is_late(date(2026, 3, 5), date(2026, 3, 4))
    assert not d.is_late(date(2026, 3, 4), date(2026, 3, 4))


def test_a_year_the_package_does_not_know_falls_back_to_weekends_and_warns(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        # Friday 5 March 2027 + 1 working day → Monday 8 March (weekends only)
        assert d.respond_by(WorkCalendar(), date(2027, 3, 5), urgency="normal", green_channel=False) == date(2027, 3, 8)
    cal = WorkCalendar(overrides={date(2027, 3, 8): False, date(2027, 3, 6): True})
    assert d.respond_by(cal, date(2027, 3, 5), urgency="normal", green_channel=False) == date(2027, 3, 6)
    assert d.resolve_clock(cal, date(2027, 3, 5), 2, urgency="normal", green_channel=False).due == date(2027, 3, 9)
