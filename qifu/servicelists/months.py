"""Month arithmetic of the snapshot (a month is its first day; Asia/Shanghai decides "now")."""

import calendar
from datetime import date, timedelta

from django.utils import timezone


def first_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of MONTH's month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_back(month: date, n: int) -> date:
    """The first day of the month N months before MONTH's."""
    key = month.year * 12 + month.month - 1 - n
    return date(key // 12, key % 12 + 1, 1)


def current_month() -> date:
    return first_of(timezone.localdate())


def last_month() -> date:
    """The month just ended (what the monthly job evaluates)."""
    return first_of(current_month() - timedelta(days=1))


def parse_month(text: str | None) -> date | None:
    """`YYYY-MM` → its first day; None for anything else."""
    try:
        year, month = (text or "").strip().split("-")
        if len(year) != 4 or not 1 <= len(month) <= 2:
            return None
        return date(int(year), int(month), 1)
    except ValueError:
        return None
