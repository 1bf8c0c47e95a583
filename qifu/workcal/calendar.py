"""Working days of the Chinese calendar (PRODUCT.md §2.2): statutory holidays and the adjusted
working days (调休) from the maintained `chinesecalendar` package, then the zone's overrides.

Pure functions over a `WorkCalendar` value; the database is read only by `zone_calendar()`.
For a year the package does not know, weekends (plus overrides) decide and a warning is logged
once per year, so deadlines never crash; `unsupported_years()` lets the admin pages warn.
"""

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)
_warned_years: set[int] = set()


def package_is_workday(day: date) -> bool | None:
    """The national calendar's answer, or None when the package has no data for that year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning("no holiday data for %s: working days fall back to Monday-Friday plus overrides", day.year)
        return None


def unsupported_years(years: range) -> list[int]:
    """Years in `years` the holiday package does not cover (for a warning to the admins)."""
    return [y for y in years if package_is_workday(date(y, 1, 2)) is None]


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)
    # Per year, the running count of working days (index = day of the year - 1): counting the
    # working days between two dates is then two lookups per year, not one check per day (a list
    # of long-overdue cases counts years of days for every row).
    _running: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        national = package_is_workday(day)
        return day.weekday() < 5 if national is None else national

    def add_workdays(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current, left = start, days
        while left:
            current += timedelta(days=1)
            if self.is_workday(current):
                left -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.workdays_between(end, start)
        total = self._through(end) - self._through(start)
        for year in range(start.year, end.year):
            total += self._year(year)[-1]
        return total

    def _through(self, day: date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day`."""
        return self._year(day.year)[day.timetuple().tm_yday - 1]

    def _year(self, year: int) -> list[int]:
        running = self._running.get(year)
        if running is None:
            running, count, day = [], 0, date(year, 1, 1)
            while day.year == year:
                count += self.is_workday(day)
                running.append(count)
                day += timedelta(days=1)
            self._running[year] = running
        return running


_cached: tuple[float, WorkCalendar] | None = None
CACHE_SECONDS = 60.0


def zone_calendar() -> WorkCalendar:
    """The zone's calendar: the national one plus the overrides edited in the admin.

    Kept per process for a minute (filing a case must not read the override table each time);
    saving or deleting an override clears it here at once (see `apps.py`), other processes
    follow within the minute.
    """
    global _cached
    now = time.monotonic()
    if _cached is not None and now - _cached[0] < CACHE_SECONDS:
        return _cached[1]
    from qifu.workcal.models import CalendarOverride

    cal = WorkCalendar(overrides=dict(CalendarOverride.objects.values_list("day", "is_workday")))
    _cached = (now, cal)
    return cal


def zone_calendar_clear(**_: object) -> None:
    global _cached
    _cached = None
