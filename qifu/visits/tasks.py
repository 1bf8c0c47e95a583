"""Background jobs of the visits app (Huey): the nightly coverage rollup and the month-end reminder."""

from datetime import date, timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.visits.coverage import coverage_rebuild, month_start
from qifu.visits.services import ReminderResult, visit_reminders_send


@db_periodic_task(crontab(hour="17", minute="30"))  # 01:30 Beijing time (Huey's crontab is UTC)
def coverage_nightly() -> int:
    """Recompute this month and the last one from Linkage and Visit (links assigned or ended during
    the day, visits logged late for the previous month); on a month's last day build the next month
    too, so that its first visit finds its rows (`coverage_credit` would otherwise build the whole
    month inside that visit's transaction)."""
    return coverage_nightly_run()


def coverage_nightly_run(today: date | None = None) -> int:
    today = today or timezone.localdate()
    this = month_start(today)
    last = month_start(this - timedelta(days=1))
    cells = coverage_rebuild(last) + coverage_rebuild(this)
    tomorrow = today + timedelta(days=1)
    if tomorrow.day == 1:
        cells += coverage_rebuild(tomorrow)
    return cells


@db_periodic_task(crontab(hour="1", minute="0"))  # 09:00 Beijing time
def visit_reminders_periodic() -> ReminderResult:
    """Daily; sends only from QIFU_VISIT_REMINDER_DAYS before the month's end, once per liaison."""
    return visit_reminders_send()
