"""Background jobs of the assessment (Huey): keep the monthly rollup counted today (models.py)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.assessment.tallies import RefreshResult, assessment_refresh, window


@db_periodic_task(crontab(minute="*/10"))
def assessment_recent_periodic() -> RefreshResult:
    """Every 10 minutes: the current and the previous month, where filing and rating happen."""
    return assessment_refresh(months=window(timezone.localdate(), size=2))


@db_periodic_task(crontab(minute="5"))
def assessment_window_periodic() -> RefreshResult:
    """Hourly, counting only months not yet counted today: after midnight (Beijing) the first run
    recounts the 13-month window, the others do nothing. Hourly rather than at a fixed hour, so
    the job needs no time-zone setting and a worker that was down catches up within the hour."""
    return assessment_refresh(stale_only=True)
