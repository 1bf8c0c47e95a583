"""Huey tasks of qifu.commons: the nightly cluster snapshot and the desk's 重新计算.

At city scale (some 50,000 open cases in 90 days) the clusters take tens of seconds — too slow for
a page view, so the pages read the latest snapshot and these tasks write it."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.commons.services import DEFAULT_DAYS, DEFAULT_MIN_ENTERPRISES, clusters_snapshot


def _summary(snapshot: Any) -> dict[str, Any]:
    return {"id": snapshot.pk, "clusters": len(snapshot.clusters), "open_cases": snapshot.open_cases}


# 05:40 Beijing time (21:40 UTC the day before): fresh clusters when the desk starts work.
@db_periodic_task(crontab(hour="21", minute="40"))
def commons_cluster_periodic() -> dict[str, Any]:
    return _summary(clusters_snapshot())


@db_task()
def commons_cluster_task(
    user_id: int | None = None, days: int = DEFAULT_DAYS, min_enterprises: int = DEFAULT_MIN_ENTERPRISES
) -> dict[str, Any]:
    """The desk's 重新计算 (audited as that user)."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    actor = Actor.of(user) if user is not None else None
    return _summary(clusters_snapshot(actor=actor, days=days, min_enterprises=min_enterprises))
