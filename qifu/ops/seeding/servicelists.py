"""The demo service-list snapshots (四张企业服务清单, PRODUCT.md §2.5): the shipped rules evaluated.

After the monthly indicators are seeded, the product's own evaluation (`servicelists.services.
evaluate_month`, the same service as the monthly job) runs for the last MONTHS months before
ANCHOR, oldest first — so the lists have a history, this month's movements (entered / left) and
members on every list, and the policy conditions' `service_lists` field reads the latest month.
Each month is one column load and a few numpy passes (the city's 100,000 enterprises included).
A no-op when a snapshot exists (`qifu seed_policies` may run it on a database seeded before).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qifu.ops.seeding.scales import ANCHOR
from qifu.servicelists.models import Membership
from qifu.servicelists.months import months_back
from qifu.servicelists.services import evaluate_month

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

MONTHS = 3


def snapshot_months() -> list[date]:
    """The MONTHS months ending the month before ANCHOR, oldest first."""
    last = months_back(ANCHOR.replace(day=1), 1)
    return [months_back(last, k) for k in range(MONTHS - 1, -1, -1)]


def seed_memberships(writer: Writer) -> None:
    """One phase of the writer's run; a no-op when a snapshot exists."""
    if Membership.objects.exists():
        return
    months = snapshot_months()
    started = writer._phase("service lists", len(months))
    total = 0
    for month in months:
        result = evaluate_month(month=month, check_month=False, audit=False)  # the seed audits once
        total += sum(s.members for s in result.lists.values())
        writer.progress.advance(1)
    writer.result.counts["list_memberships"] = total
    writer._done("service lists", started)
