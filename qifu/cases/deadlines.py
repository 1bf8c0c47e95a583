"""The clocks of a case, in working days (PRODUCT.md §2.2).

Pure functions over a WorkCalendar: response (accept) within 1 working day of filing, sign within
1 working day of dispatch, resolve within the category's days; urgency and the green channel
shorten every clock (never below one working day), approved extensions and the enterprise's
answer to a request for information lengthen the resolve clock. A deadline is a date: the work is
on time when done on or before the end of that working day (Asia/Shanghai).
"""

import math
from dataclasses import dataclass
from datetime import date

from qifu.workcal.calendar import WorkCalendar

RESPOND_DAYS = 1
SIGN_DAYS = 1
ASSIST_DAYS = 3
DEFAULT_RESOLVE_DAYS = 10
REMIND_AT = 0.8  # 催办 when 80% of the time has gone
REPORT_AFTER = 5  # 通报 to the leaders when more than 5 working days late

# Shortening factors: 紧急 halves, 特急 quarters; the green channel (特事特办) halves again.
URGENCY_FACTOR = {"normal": 1.0, "urgent": 0.5, "critical": 0.25}
GREEN_FACTOR = 0.5


def shortened(days: int, *, urgency: str, green_channel: bool) -> int:
    factor = URGENCY_FACTOR.get(urgency, 1.0) * (GREEN_FACTOR if green_channel else 1.0)
    return max(1, math.ceil(days * factor))


@dataclass(frozen=True)
class Clock:
    """A running clock: started on `start`, `days` working days long, due on `due`."""

    start: date
    days: int
    due: date
    remind_on: date


def clock(cal: WorkCalendar, start: date, days: int) -> Clock:
    due = cal.add_workdays(start, days)
    remind_on = cal.add_workdays(start, max(1, math.floor(days * REMIND_AT))) if days > 1 else due
    return Clock(start=start, days=days, due=due, remind_on=remind_on)


def respond_by(cal: WorkCalendar, filed_on: date, *, urgency: str, green_channel: bool) -> date:
    return cal.add_workdays(filed_on, shortened(RESPOND_DAYS, urgency=urgency, green_channel=green_channel))


def sign_by(cal: WorkCalendar, dispatched_on: date, *, urgency: str, green_channel: bool) -> date:
    return cal.add_workdays(dispatched_on, shortened(SIGN_DAYS, urgency=urgency, green_channel=green_channel))


def resolve_clock(
    cal: WorkCalendar, dispatched_on: date, category_days: int, *, urgency: str, green_channel: bool
) -> Clock:
    return clock(cal, dispatched_on, shortened(category_days, urgency=urgency, green_channel=green_channel))


def extended(cal: WorkCalendar, due: date, days: int) -> date:
    """The resolve deadline after `days` more working days (an approved extension or a pause)."""
    return cal.add_workdays(due, days)


def paused_workdays(cal: WorkCalendar, asked_on: date, answered_on: date) -> int:
    """Working days the clock stood still: asked Monday, answered Wednesday → 2."""
    return max(0, cal.workdays_between(asked_on, answered_on))


def remaining_workdays(cal: WorkCalendar, today: date, due: date) -> int:
    """Working days left until `due` (0 on the due day, negative when late)."""
    return cal.workdays_between(today, due)


def is_late(today: date, due: date | None) -> bool:
    return due is not None and today > due


def days_late(cal: WorkCalendar, today: date, due: date) -> int:
    return max(0, cal.workdays_between(due, today))


def cn_date(day: date | None, today: date | None = None) -> str:
    """12月5日, or 2026年12月5日 when `day` is not in `today`'s year (UX.md §3)."""
    if day is None:
        return ""
    if today is None or day.year == today.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
