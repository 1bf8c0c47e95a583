"""The demo service-list snapshot (四张企业服务清单, PRODUCT.md §2.5) for the month before ANCHOR.

INTERIM: the real memberships come from the service lists' rules, evaluated month by month
(issue 6). Until those rules exist the seed fills one month with simple, deterministic criteria,
so that the policy conditions' `service_lists` field (formats.md) has something to read:

- key_core (重点核心企业): the top ~3% of active enterprises by last year's tax;
- fast_growing (快速成长企业): ~6%, enterprises of 2-10 years whose R&D intensity and size
  (a seeded score) rank highest — a stand-in for revenue growth, which the registry does not hold;
- new_growth (新增长点企业): founded in the last 3 years and recognised as high-tech;
- declining (显著下滑企业): ~4%, enterprises of 5+ years drawn by the seeded stream, never key_core.

Rows are read from the database (so `qifu seed_policies` can add them to a database seeded
before they existed) in USCC order, and written through the writer's batched INSERT.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.ops.seeding.scales import ANCHOR
from qifu.reference.models import ServiceList
from qifu.servicelists.models import Membership, MembershipSource

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

BATCH = 5_000
KEY_CORE_SHARE = 0.03
FAST_GROWING_SHARE = 0.06
DECLINING_SHARE = 0.04
REASONS = {
    "key_core": "上年税收位居全区前列",
    "fast_growing": "研发投入强度高、成长性好",
    "new_growth": "近三年新设立的高新技术企业",
    "declining": "主要经济指标同比明显下滑",
}


def snapshot_month() -> date:
    """The first day of the month before ANCHOR."""
    last = ANCHOR.replace(day=1) - timedelta(days=1)
    return last.replace(day=1)


@dataclass(frozen=True)
class Row:
    id: int
    uscc: str
    founded_on: date | None
    high_tech: bool
    revenue: Decimal | None
    tax: Decimal | None
    rd: Decimal | None


def _age(founded: date | None, on: date) -> float:
    return (on - founded).days / 365.25 if founded is not None else -1.0


def plan_memberships(rows: list[Row], seed: int, month: date) -> dict[str, list[int]]:
    """{list code: [enterprise id, …]} (pure; ROWS in USCC order)."""
    rng = random.Random(f"{seed}:servicelists")  # noqa: S311 - demo data, deterministic on purpose
    n = len(rows)
    on = ANCHOR
    by_tax = sorted((r for r in rows if r.tax is not None), key=lambda r: (-r.tax, r.uscc))  # type: ignore[operator]
    key_core = [r.id for r in by_tax[: round(n * KEY_CORE_SHARE)]]
    core = set(key_core)

    def score(r: Row) -> float:
        revenue = float(r.revenue or 0)
        ratio = float(r.rd or 0) / revenue if revenue > 0 else 0.0
        return ratio * 10 + min(revenue, 50_000) / 50_000 + rng.random() * 0.6

    growing = [(score(r), r.id) for r in rows if 2 <= _age(r.founded_on, on) <= 10]
    growing.sort(key=lambda x: (-x[0], x[1]))
    fast = [pk for _, pk in growing[: round(n * FAST_GROWING_SHARE)]]
    new_growth = [r.id for r in rows if r.high_tech and 0 <= _age(r.founded_on, on) <= 3]
    older = [r.id for r in rows if _age(r.founded_on, on) >= 5 and r.id not in core]
    declining = sorted(rng.sample(older, min(len(older), round(n * DECLINING_SHARE))))
    return {
        "key_core": sorted(key_core),
        "fast_growing": sorted(fast),
        "new_growth": sorted(new_growth),
        "declining": declining,
    }


def seed_memberships(writer: Writer) -> None:
    """Fill the snapshot month (one phase of the writer's run; a no-op when a snapshot exists)."""
    if Membership.objects.exists():
        return
    lists = dict(ServiceList.objects.values_list("code", "id"))
    rows = [
        Row(*values)
        for values in Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .order_by("uscc")
        .values_list("id", "uscc", "founded_on", "high_tech", "revenue_last_year", "tax_last_year", "rd_last_year")
        .iterator(chunk_size=20_000)
    ]
    month = snapshot_month()
    plan = plan_memberships(rows, writer.seed, month)
    members = [
        {
            "month": month,
            "service_list_id": lists[code],
            "enterprise_id": pk,
            "source": MembershipSource.RULE,
            "reason": REASONS[code],
        }
        for code, ids in plan.items()
        if code in lists
        for pk in ids
    ]
    started = writer._phase("service lists", len(members))
    for start in range(0, len(members), BATCH):
        writer._insert(Membership, members[start : start + BATCH])
    writer.result.counts["list_memberships"] = len(members)
    writer._done("service lists", started)
