"""Huey tasks: the per-minute flush, and the immediate one `notify` enqueues (after commit) for urgent items.

Both call the same idempotent service: a delivery is marked sent in the transaction that sent it,
under a row lock, so overlapping runs never send it twice.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qifu.notify.services import notify_flush


@db_periodic_task(crontab(minute="*"))
def notify_flush_periodic() -> None:
    notify_flush()


@db_task()
def notify_flush_task() -> None:
    notify_flush()
