"""Telling enterprises about policies they newly qualify for — once per (enterprise, policy),
through the notification batching (qifu.notify): on publishing, when an enterprise's data
changes, and nightly (ages and service lists move with the calendar).

"Once" is a row: `PolicyNotice(enterprise, policy)` is unique, inserted with ignore-conflicts, and
the notification itself carries the dedup key `policy:{code}:{enterprise_id}` (unique per
recipient in qifu.notify), so two workers racing on the same pair never tell anyone twice.
Notices are non-urgent: they wait for the recipient's digest and are held through the
enterprise's quiet periods (无事不扰, done by `notify_flush`).

Interface:
- `schedule_publish_notices(codes)`: services.py, after the commit of a publish.
- `enterprise_changed(enterprise_id)` / `enterprise_changes_batched()`: qifu.enterprises' services
  and import, inside their transaction; the check runs after the commit, once per transaction.
- `notify_newly_eligible(codes)`, `notify_enterprises_changed(ids)`, `policies_nightly()`: the work,
  called by the Huey tasks in tasks.py and by `qifu policies nightly`.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.notify.addresses import addressable_users
from qifu.notify.services import notify
from qifu.policies import engine
from qifu.policies.models import Policy, PolicyNotice
from qifu.policies.selectors import current_policies, policy_tree
from qifu.policies.wording import day_text

KIND = "policy"
FOR_US_URL = "/policies/for-us/"  # the enterprise's 适合我们的政策 page
CHUNK = 500  # enterprises per transaction when telling many
EXPLAIN_AT_MOST = 20  # changed enterprises explained one by one; more are matched over columns


# --- scheduling (called inside the callers' transactions) ----------------------------------------


def schedule_publish_notices(codes: list[str]) -> None:
    from qifu.policies.tasks import policy_publish_notices

    policy_publish_notices(codes)


_batch: ContextVar[set[int] | None] = ContextVar("policy_enterprise_batch", default=None)


def enterprise_changed(enterprise_id: int) -> None:
    """An enterprise was created or changed in the caller's transaction: after the commit, check it
    against every current policy. Inside `enterprise_changes_batched()` the ids are collected and
    checked together (an import of a thousand rows is one job, not a thousand)."""
    batch = _batch.get()
    if batch is not None:
        batch.add(enterprise_id)
        return
    transaction.on_commit(lambda: _enqueue([enterprise_id]), robust=True)


@contextmanager
def enterprise_changes_batched() -> Iterator[None]:
    """Collect `enterprise_changed` calls; schedule one check for all of them when the block ends
    without an error (use inside the transaction: the check runs after its commit)."""
    if _batch.get() is not None:  # nested: the outer block schedules
        yield
        return
    batch: set[int] = set()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch:
        ids = sorted(batch)
        transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(ids: list[int]) -> None:
    from qifu.policies.tasks import policy_enterprise_notices

    policy_enterprise_notices(ids)


# --- the work ------------------------------------------------------------------------------------


def notify_newly_eligible(codes: Sequence[str], *, on: date | None = None) -> int:
    """§2.6 push: the enterprises eligible (SQL) for each published policy of CODES in force on ON
    that were never told about it are told now; the number of (enterprise, policy) notices."""
    day = on or timezone.localdate()
    wanted = set(codes)
    policies = [p for p in current_policies(day) if p.code in wanted]
    if not policies:
        return 0
    ctx = engine.context(day)
    told = 0
    for policy in policies:
        untold = ~Exists(PolicyNotice.objects.filter(policy_id=policy.pk, enterprise_id=OuterRef("pk")))
        ids = list(engine.matching(policy_tree(policy), ctx).filter(untold).values_list("id", flat=True))
        told += _tell(policy, ids)
    return told


def notify_enterprises_changed(enterprise_ids: Iterable[int], *, on: date | None = None) -> int:
    """§2.6 push after an enterprise's data changed: the current policies each of ENTERPRISE_IDS
    (still in business) now qualifies for and was never told about; the number of notices.
    A few enterprises are explained one by one (the explanation's evaluator); many (an import)
    are matched over one column load (the numpy evaluator) — both mean the same (property test)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return 0
    day = on or timezone.localdate()
    policies = current_policies(day)
    if not policies:
        return 0
    ctx = engine.context(day)
    eligible: dict[int, list[int]] = defaultdict(list)  # policy id -> enterprise ids
    if len(ids) <= EXPLAIN_AT_MOST:
        for enterprise in engine.active_enterprises().filter(pk__in=ids):
            facts = engine.facts_of(enterprise, ctx)
            for policy in policies:
                if engine.explain(policy_tree(policy), facts, ctx).eligible:
                    eligible[policy.pk].append(enterprise.pk)
    else:
        cols = engine.load_columns(ctx)
        found = engine.match_all(((str(p.pk), policy_tree(p)) for p in policies), cols)
        wanted = np.asarray(ids, dtype=np.int64)
        for key, hits in found.items():
            mine = np.intersect1d(hits, wanted)
            if mine.size:
                eligible[int(key)] = [int(i) for i in mine]
    told = 0
    for policy in policies:
        candidates = eligible.get(policy.pk)
        if candidates:
            told += _tell(policy, _untold(policy, candidates))
    return told


@dataclass(frozen=True)
class NightlyResult:
    today: date
    expired: int
    notified: int
    granted: int

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "expired": self.expired,
            "notified": self.notified,
            "granted": self.granted,
        }


def policies_nightly(*, on: date | None = None) -> NightlyResult:
    """The nightly job (idempotent): expire the policies past their validity; tell the enterprises
    that became eligible with the calendar (ages, a new service-list month) — every current policy
    over one column load; refresh the 免申即享 grant lists."""
    from qifu.policies.services import policies_expire
    from qifu.policies.services_grants import grant_list_refresh

    day = on or timezone.localdate()
    expired = policies_expire(today=day)
    policies = current_policies(day)
    notified = 0
    if policies:
        cols = engine.load_columns(engine.context(day))
        found = engine.match_all(((str(p.pk), policy_tree(p)) for p in policies), cols)
        for policy in policies:
            hits = found[str(policy.pk)]
            if hits.size:
                notified += _tell(policy, _untold(policy, [int(i) for i in hits]))
    granted = grant_list_refresh(on=day)
    return NightlyResult(today=day, expired=expired, notified=notified, granted=granted)


def _untold(policy: Policy, candidates: list[int]) -> list[int]:
    """CANDIDATES minus the enterprises already told about POLICY (one query per policy)."""
    told = np.fromiter(
        PolicyNotice.objects.filter(policy_id=policy.pk).values_list("enterprise_id", flat=True).iterator(), np.int64
    )
    fresh = np.setdiff1d(np.asarray(candidates, dtype=np.int64), told, assume_unique=False)
    return [int(i) for i in fresh]


def _tell(policy: Policy, enterprise_ids: list[int]) -> int:
    """Record the notices and tell each enterprise's portal users, CHUNK enterprises per transaction."""
    count = 0
    for start in range(0, len(enterprise_ids), CHUNK):
        chunk = enterprise_ids[start : start + CHUNK]
        with transaction.atomic():
            now = timezone.now()
            PolicyNotice.objects.bulk_create(
                [PolicyNotice(enterprise_id=e, policy_id=policy.pk, notified_at=now) for e in chunk],
                ignore_conflicts=True,  # a concurrent worker inserted it: its notify (same dedup key) wins
            )
            users = addressable_users(
                User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=chunk, is_active=True).only(
                    "id", "email", "username", "enterprise_id"
                ),
                settings.NOTIFY_CHANNELS,
            )
            by_enterprise: dict[int, list[User]] = defaultdict(list)
            for user in users:
                if user.enterprise_id is not None:
                    by_enterprise[user.enterprise_id].append(user)
            title, body = _message(policy)
            for enterprise_id, people in by_enterprise.items():
                notify(
                    recipients=people,
                    kind=KIND,
                    title=title,
                    body=body,
                    url=FOR_US_URL,
                    urgent=False,  # 无事不扰: the digest, held through quiet periods
                    enterprise_id=enterprise_id,
                    dedup_key=f"policy:{policy.code}:{enterprise_id}",
                    addressable=True,
                )
        count += len(chunk)
    return count


def _message(policy: Policy) -> tuple[str, str]:
    title = _("有一项政策适合贵企业：%(title)s") % {"title": policy.title}
    parts = [policy.benefit, policy.summary]
    if policy.apply_to is not None:
        parts.append(_("申报截止：%(day)s") % {"day": day_text(policy.apply_to)})
    body = "\n".join(p for p in parts if p)
    return title[:200], body[:500]
