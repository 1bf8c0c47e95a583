"""Periods: a month or a date range in Beijing time; a case belongs to the month it was filed in."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from qifu.assessment.periods import Period, period_parse
from qifu.assessment.tests.conftest import at
from qifu.core.errors import RuleViolation


def test_a_month() -> None:
    p = period_parse(period="2026-02")
    assert (p.since, p.until, p.label, p.month) == (date(2026, 2, 1), date(2026, 2, 28), "2026-02", "2026-02")
    assert p.months == (date(2026, 2, 1),)


def test_the_bounds_are_beijing_midnights() -> None:
    start, end = period_parse(period="2026-11").bounds()
    assert start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, tzinfo=UTC)
    # filed 1 Nov 00:30 Beijing (still 31 Oct in UTC): a November case
    assert start <= at(11, 1, 0, 30) < end
    # filed 1 Dec 00:30 Beijing (30 Nov in UTC): a December case
    assert not at(12, 1, 0, 30) < end


def test_the_default_is_the_current_month_in_beijing() -> None:
    # 31 Oct 17:00 UTC is already 1 Nov in Beijing
    with time_machine.travel(datetime(2026, 10, 31, 17, tzinfo=UTC), tick=False):
        assert period_parse().label == "2026-11"


def test_a_range_and_whole_months() -> None:
    p = period_parse(since="2026-11-03", until="2026-11-20")
    assert p.label == "2026-11-03..2026-11-20" and p.month == "" and p.months is None
    q = period_parse(since="2026-01-01", until="2026-03-31")
    assert q.months == (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    assert q.label == "2026-01-01..2026-03-31"
    assert Period(date(2026, 12, 1), date(2026, 12, 31)).month == "2026-12"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"period": "2026-13"}, "period", id="month_13_case"),
        pytest.param({"period": "2026-1"}, "period", id="short_month_case"),
        pytest.param({"period": "26-11"}, "period", id="short_year_case"),
        pytest.param({"period": "1999-12"}, "period", id="too_early_case"),
        pytest.param({"period": "2026-11", "since": "2026-11-01"}, "period", id="both_case"),
        pytest.param({"since": "2026-11-01"}, "until", id="since_alone_case"),
        pytest.param({"until": "2026-11-01"}, "since", id="until_alone_case"),
        pytest.param({"since": "2026-11-31", "until": "2026-12-01"}, "since", id="no_such_day_case"),
        pytest.param({"since": "20261101", "until": "2026-12-01"}, "since", id="compact_date_case"),
        pytest.param({"since": "2026-11-02", "until": "2026-11-01"}, "until", id="backwards_case"),
        pytest.param({"since": "2026-01-01", "until": "2027-01-02"}, "until", id="367_days_case"),
    ],
)
def test_bad_periods_are_refused_with_a_code(params: dict[str, str], field: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        period_parse(period=params.get("period", ""), since=params.get("since", ""), until=params.get("until", ""))
    assert exc.value.code == "assessment_bad_period"
    assert exc.value.data == {"field": field}


def test_a_whole_year_is_allowed() -> None:
    assert len(period_parse(since="2024-01-01", until="2024-12-31").months or ()) == 12
