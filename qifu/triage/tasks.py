"""Huey tasks of triage: the weekly retrain (the zone's history grows every day) and a retrain
asked for from the admin page. Training writes a new version; the old ones stay for the record."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qifu.core.errors import RuleViolation
from qifu.triage.services import triage_train


def _train() -> dict[str, Any]:
    try:
        row = triage_train(actor=None)
    except RuleViolation as exc:  # thin history: the keywords keep answering
        return {"trained": False, "code": exc.code, **exc.data}
    return {"trained": True, "version": row.pk, "samples": row.n_samples, "top1": row.top1, "top3": row.top3}


# Sundays 02:30 Beijing time (18:30 UTC on Saturday): a quiet hour.
@db_periodic_task(crontab(day_of_week="6", hour="18", minute="30"))
def triage_retrain_periodic() -> dict[str, Any]:
    return _train()


@db_task()
def triage_train_task() -> dict[str, Any]:
    return _train()
