"""Huey tasks of the policy package (the notices of notices.py)."""

from huey.contrib.djhuey import db_task


@db_task()
def policy_publish_notices(codes: list[str]) -> int:
    from qifu.policies.notices import notify_newly_eligible

    return notify_newly_eligible(codes)
