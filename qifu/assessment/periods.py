"""Assessment periods: a month `YYYY-MM` or an inclusive date range, in Beijing time.

A case belongs to the period in which it was filed: its `submitted_at`, read as a date in
Asia/Shanghai, falls between the first and the last day of the period. A case filed on 31 October
at 23:30 Beijing time is an October case, whenever it is later signed, resolved or rated.
The default is the current month in Asia/Shanghai.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from qifu.assessment.errors import AssessmentErrorCode
from qifu.core.errors import RuleViolation

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2099


@dataclass(frozen=True)
class Period:
    since: date  # first day, inclusive
    until: date  # last day, inclusive

    @property
    def month(self) -> str:
        """`YYYY-MM` when the period is exactly one month, else ""."""
        months = self.months
        return f"{self.since:%Y-%m}" if months is not None and len(months) == 1 else ""

    @property
    def label(self) -> str:
        """`2026-11` for a whole month, `2026-11-03..2026-11-20` otherwise."""
        return self.month or f"{self.since.isoformat()}..{self.until.isoformat()}"

    @property
    def months(self) -> tuple[date, ...] | None:
        """The first days of the months the period covers exactly, or None when it does not
        start on a first and end on a last day of a month (the rollup is kept per month)."""
        if self.since.day != 1 or self.until != month_end(self.until):
            return None
        firsts, day = [], self.since
        while day <= self.until:
            firsts.append(day)
            day = month_end(day) + timedelta(days=1)
        return tuple(firsts)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: Beijing midnight of `since` and of the day after `until`."""
        return _midnight(self.since), _midnight(self.until + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return Period(first, month_end(first))


def _bad(message: str, field: str) -> RuleViolation:
    return RuleViolation(message, code=AssessmentErrorCode.BAD_PERIOD, data={"field": field})


def _day(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _bad(f"{field} must be a date YYYY-MM-DD, not {value!r}", field) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR or len(value) != 10:
        raise _bad(f"{field} must be a date YYYY-MM-DD between {FIRST_YEAR} and {LAST_YEAR}", field)
    return day


def period_parse(*, period: str = "", since: str = "", until: str = "", today: date | None = None) -> Period:
    """`period=YYYY-MM`, or `since` and `until` (YYYY-MM-DD, inclusive, at most 366 days), or
    neither (the current month). Anything else is RuleViolation `assessment_bad_period` (422)."""
    period, since, until = period.strip(), since.strip(), until.strip()
    if period and (since or until):
        raise _bad("give either period or since/until, not both", "period")
    if period:
        match = MONTH.match(period)
        if not match or not 1 <= int(match[2]) <= 12 or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            raise _bad(f"period must be a month YYYY-MM, not {period!r}", "period")
        return month_of(date(int(match[1]), int(match[2]), 1))
    if since or until:
        if not (since and until):
            raise _bad("since and until go together", "since" if not since else "until")
        first, last = _day(since, "since"), _day(until, "until")
        if last < first:
            raise _bad("until is before since", "until")
        if (last - first).days >= MAX_DAYS:
            raise _bad(f"a range covers at most {MAX_DAYS} days", "until")
        return Period(first, last)
    return month_of(today or timezone.localdate())
