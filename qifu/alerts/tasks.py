"""Huey tasks of the early warnings: the daily scan, and a scan after the list evaluation and an
indicator import (scheduled by `services.alerts_scan_after_commit`). The scan is idempotent, so a
second run (or a run racing another) raises nothing twice."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qifu.alerts.services import alerts_scan


# 06:20 Beijing time (22:20 UTC the day before): milestones that slipped yesterday are on the
# liaisons' lists when they start work.
@db_periodic_task(crontab(hour="22", minute="20"))
def alerts_daily_periodic() -> dict[str, Any]:
    """The daily scan (the system as actor)."""
    return alerts_scan().as_json()


@db_task()
def alerts_scan_task() -> dict[str, Any]:
    return alerts_scan().as_json()
