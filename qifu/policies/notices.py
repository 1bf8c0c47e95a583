"""Telling enterprises about policies they newly qualify for — once per (enterprise, policy),
through the notification batching (qifu.notify): on publishing, when an enterprise's data
changes, and nightly (ages and service lists move with the calendar).

Interface used by services.py: `schedule_publish_notices(codes)` (called after the commit).
"""


def schedule_publish_notices(codes: list[str]) -> None:
    from qifu.policies.tasks import policy_publish_notices

    policy_publish_notices(codes)


def notify_newly_eligible(codes: list[str]) -> int:
    """Notify the enterprises eligible for the policies CODES that were not told before; the count."""
    raise NotImplementedError("notify_newly_eligible: being written (issue 5, notices)")
