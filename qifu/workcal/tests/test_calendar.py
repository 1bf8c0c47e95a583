"""Working-day arithmetic across 2026's Spring Festival and National Day, with 调休 Saturdays."""

from datetime import date

import pytest

from qifu.workcal.calendar import WorkCalendar, unsupported_years, zone_calendar
from qifu.workcal.models import CalendarOverride

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 2, 14), True),  # Saturday, 调休 working day before the Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival holiday
        (date(2026, 2, 23), False),  # last day of the holiday (a Monday)
        (date(2026, 2, 28), True),  # Saturday, 调休 working day after it
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 10), True),  # Saturday, 调休 working day
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
    ids=lambda v: str(v),
)
def test_national_calendar_case(day, workday):
    assert CAL.is_workday(day) is workday


def test_ten_working_days_across_the_spring_festival():
    # filed on Friday 13 Feb: 14 (Sat, 调休) is day 1, 15-23 are holidays, 24-27 are days 2-5,
    # 28 (Sat, 调休) is day 6, then 2-5 March are days 7-10
    assert CAL.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CAL.add_workdays(date(2026, 2, 13), 10) == date(2026, 3, 5)
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 3, 5)) == 10


def test_three_working_days_across_national_day():
    # filed on Wednesday 30 Sep: 1-7 Oct are holidays, 8, 9 and 10 (Sat, 调休) are the three days
    assert CAL.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_year_the_package_does_not_cover_falls_back_to_weekends(caplog):
    assert 2099 in unsupported_years(range(2098, 2100))
    assert CAL.is_workday(date(2099, 3, 2)) is True  # a Monday
    assert CAL.is_workday(date(2099, 3, 7)) is False  # a Saturday
    assert CAL.add_workdays(date(2099, 3, 6), 1) == date(2099, 3, 9)  # Friday → Monday


@pytest.mark.django_db
def test_zone_overrides_win():
    # given the zone declares Monday 2 March 2026 a local holiday and a Sunday a working day
    CalendarOverride.objects.create(day=date(2026, 3, 2), is_workday=False, note="园区活动")
    CalendarOverride.objects.create(day=date(2026, 3, 8), is_workday=True)
    cal = zone_calendar()
    assert cal.is_workday(date(2026, 3, 2)) is False
    assert cal.is_workday(date(2026, 3, 8)) is True
    assert cal.add_workdays(date(2026, 2, 27), 2) == date(2026, 3, 3)  # 28 (调休), then 3 March


@pytest.mark.django_db
def test_only_the_system_admin_edits_the_zone_calendar(client, cast):
    for who, status in (("sysadmin", 200), ("secadmin", 403), ("auditor", 403)):
        client.force_login(getattr(cast, who))
        assert client.get("/admin/workcal/calendaroverride/").status_code == status, who
