"""Huey task of the service lists: the monthly evaluation (PRODUCT.md §2.5)."""

from typing import Any

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.servicelists.months import last_month
from qifu.servicelists.services import evaluate_month


# 03:10 Beijing time on the 1st is 19:10 UTC on the last day of the month before (Huey's crontab
# is UTC and cannot say "last day"): it wakes on days 28-31 and acts only when Beijing's date is
# the 1st. The evaluation is idempotent, so a second wake-up the same night changes nothing.
@db_periodic_task(crontab(day="28-31", hour="19", minute="10"))
def lists_monthly_periodic() -> dict[str, Any] | None:
    """Evaluate the month just ended into the snapshot (the system as actor)."""
    return lists_monthly_run()


def lists_monthly_run() -> dict[str, Any] | None:
    if timezone.localdate().day != 1:
        return None
    return evaluate_month(month=last_month()).as_json()
