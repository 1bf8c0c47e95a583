"""Background jobs of the visits app (Huey): the nightly coverage rollup and the month-end reminder."""

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.visits.coverage import coverage_rebuild, month_start
from qifu.visits.services import ReminderResult, visit_reminders_send


@db_periodic_task(crontab(hour="17", minute="30"))  # 01:30 Beijing time (Huey's crontab is UTC)
def coverage_nightly() -> int:
    """Recompute this month and the last one from Linkage and Visit: links assigned or ended during
    the day, and visits logged for the previous month, are reflected by morning."""
    this = month_start(timezone.localdate())
    last = month_start(this.replace(day=1) - timedelta(days=1))
    return coverage_rebuild(last) + coverage_rebuild(this)


@db_periodic_task(crontab(hour="1", minute="0"))  # 09:00 Beijing time
def visit_reminders_periodic() -> ReminderResult:
    """Daily; sends only from QIFU_VISIT_REMINDER_DAYS before the month's end, once per liaison."""
    return visit_reminders_send()
