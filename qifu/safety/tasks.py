"""Background jobs of the safety app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.safety.jobs import OverdueResult, overdue_run


@db_periodic_task(crontab(minute="7", hour="*"))
def safety_overdue_periodic() -> OverdueResult:
    """The rectification overdue job every hour; idempotent, so overlapping workers are harmless."""
    return overdue_run()
