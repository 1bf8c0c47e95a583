"""Background jobs of the case ledger (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qifu.cases.sla import SlaResult, sla_run


@db_periodic_task(crontab(minute="*/15"))
def sla_periodic() -> SlaResult:
    """The deadline job every quarter hour; idempotent, so overlapping workers are harmless."""
    return sla_run()
