"""Huey tasks of the policy package (the notices of notices.py). Tasks take codes or ids, call the
idempotent functions of notices.py / services_grants.py, and are enqueued only after a commit."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def policy_publish_notices(codes: list[str]) -> int:
    """Just published: tell the newly eligible enterprises and list them for 免申即享 policies."""
    from qifu.policies.notices import notify_newly_eligible
    from qifu.policies.services_grants import grant_list_refresh

    told = notify_newly_eligible(codes)
    grant_list_refresh(codes)
    return told


@db_task()
def policy_enterprise_notices(enterprise_ids: list[int]) -> int:
    """Enterprises created or changed: tell them of the current policies they now qualify for."""
    from qifu.policies.notices import notify_enterprises_changed

    return notify_enterprises_changed(enterprise_ids)


@db_periodic_task(crontab(hour="18", minute="20"))  # 02:20 Beijing time (Huey's crontab is UTC)
def policies_nightly_periodic() -> dict[str, object]:
    """Expire, tell the enterprises the calendar made eligible, refresh the grant lists (idempotent)."""
    from qifu.policies.notices import policies_nightly

    return policies_nightly().as_json()
