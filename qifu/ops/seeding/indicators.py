"""Demo monthly indicators and project investment (PRODUCT.md §2.5, formats.md 月度指标).

24 months ending the month before ANCHOR for a share of the enterprises (every one at zone scale;
at city scale half of them — 50,000 × 24 ≈ 1,200,000 rows, PRODUCT.md §4). Each enterprise's
monthly figures follow its registry facts (last year's revenue, tax, output, R&D, employees),
a trend drawn per enterprise and the calendar (the Spring Festival dip in February, the year-end
push in December), with noise:

- ~8% grow fast (+30% … +80% a year), ~6% decline sharply (−20% … −45%), ~10% decline mildly,
  the rest move between −5% and +15% — so the four service lists have members to find;
- an enterprise founded inside the window reports from its founding month (new growth points
  with no year-before base: their ratios are unknown);
- ~3% skipped a month or two, ~2% stopped reporting one to three months ago;
- ~1.5% all but stopped producing in the window's last three months (a lost customer, a fire):
  their year-to-date revenue falls past −20% in the second-to-last month, so they enter 显著下滑
  (two consecutive months) in the latest snapshot and the early warning has something to raise.

The derived figures are computed from the same rows in memory with the product's own function
(indicators.derived), chunk by chunk, and written with the writer's batched INSERT: no re-read.
Project investment: every project that has started gets a monthly amount from its start (or the
window's start) to its completion (or the last month), spread from its completed investment.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from qifu.enterprises.models import Enterprise
from qifu.indicators.derived import derive_all
from qifu.indicators.models import IndicatorDerived, MonthlyIndicator, ProjectInvestment
from qifu.ops.seeding.scales import ANCHOR
from qifu.projects.models import Milestone, MilestoneKind, Project
from qifu.projects.services import project_completed_sync

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

MONTHS = 24
CHUNK = 2_000  # enterprises per chunk (about 48,000 rows)
CENT = Decimal("0.01")
SEASON = {1: 0.95, 2: 0.72, 3: 1.02, 4: 1.0, 5: 1.0, 6: 1.06, 7: 0.97, 8: 0.96, 9: 1.04, 10: 0.98, 11: 1.05, 12: 1.18}


def window() -> list[date]:
    """The 24 first-of-month dates ending the month before ANCHOR, oldest first."""
    last = ANCHOR.year * 12 + ANCHOR.month - 2
    return [date(k // 12, k % 12 + 1, 1) for k in range(last - MONTHS + 1, last + 1)]


def _dec(value: float, places: int = 2) -> Decimal:
    return Decimal(f"{max(value, 0.0):.{places}f}")


def _annual_growth(rng: random.Random) -> float:
    draw = rng.random()
    if draw < 0.08:
        return rng.uniform(0.30, 0.80)
    if draw < 0.14:
        return rng.uniform(-0.45, -0.20)
    if draw < 0.24:
        return rng.uniform(-0.15, -0.05)
    return rng.uniform(-0.05, 0.15)


SHOCK_SHARE = 0.015
SHOCK_MONTHS = 3
SHOCK_LEVEL = 0.02


def plan_enterprise(
    rng: random.Random, facts: tuple[Any, ...], months: list[date], *, shock: bool = False
) -> list[dict[str, Any]]:
    """The monthly rows of one enterprise (dicts by attname, without ids); `shock`: production all
    but stops in the last SHOCK_MONTHS months."""
    pk, founded, industry, employees, revenue, tax, output, rd = facts
    industrial = str(industry or "").startswith("C")
    yearly = float(revenue or 0) or rng.uniform(300, 3_000)
    tax_rate = float(tax) / yearly if tax and yearly else rng.uniform(0.02, 0.06)
    output_rate = float(output) / yearly if output and yearly else rng.uniform(0.9, 1.1)
    rd_rate = float(rd) / yearly if rd and yearly else 0.0
    kwh_per_wan = rng.uniform(0.004, 0.02) if industrial else rng.uniform(0.0004, 0.002)  # 万千瓦时 per 万元
    monthly_growth = (1 + _annual_growth(rng)) ** (1 / 12)
    if shock:  # steady until the shock, so the year-to-date fall crosses −20% in the second-to-last month
        monthly_growth = 1.0
    start = 0
    if founded is not None and founded > months[0]:
        start = next((i for i, m in enumerate(months) if m >= founded.replace(day=1)), len(months))
    skipped: set[int] = set()
    draw = rng.random()
    if draw < 0.03:
        skipped = (
            {rng.randrange(start, len(months)) for _ in range(rng.randint(1, 2))} if start < len(months) else set()
        )
    elif draw < 0.05:
        skipped = set(range(len(months) - rng.randint(1, 3), len(months)))
    people = employees or rng.randint(5, 200)
    base = yearly / 12 / monthly_growth ** (len(months) / 2)  # last year's revenue sits mid-window
    rows = []
    for i, month in enumerate(months):
        if i < start or i in skipped:
            continue
        level = base * monthly_growth**i * SEASON[month.month] * rng.uniform(0.94, 1.06)
        if start and i - start < 6:  # a new enterprise ramps up over its first half year
            level *= (i - start + 1) / 6
        if shock and i >= len(months) - SHOCK_MONTHS:
            level *= SHOCK_LEVEL
        rows.append(
            {
                "enterprise_id": pk,
                "month": month,
                "output": _dec(level * output_rate * rng.uniform(0.97, 1.03)) if industrial else None,
                "revenue": _dec(level),
                "tax": _dec(level * tax_rate * rng.uniform(0.8, 1.2)),
                "electricity": _dec(level * kwh_per_wan * rng.uniform(0.95, 1.05), 4),
                "employees": max(1, round(people * (monthly_growth ** (i / 2)) * rng.uniform(0.98, 1.02))),
                "rd": _dec(level * rd_rate * rng.uniform(0.7, 1.3)) if rd_rate else None,
            }
        )
    return rows


def seed_indicators(writer: Writer) -> None:
    """One phase of the writer's run: the indicators, their derived figures, project investment."""
    months = window()
    rng = random.Random(f"{writer.seed}:indicators")  # noqa: S311 - demo data, deterministic on purpose
    share = writer.scale.indicator_share
    facts = list(
        Enterprise.objects.order_by("id").values_list(
            "id", "founded_on", "industry", "employees", "revenue_last_year", "tax_last_year",
            "output_last_year", "rd_last_year",
        )
    )  # fmt: skip
    chosen = [f for f in facts if share >= 1 or rng.random() < share]
    # drawn from a stream of its own, so the other figures stay what they were
    shocks = random.Random(f"{writer.seed}:indicators:shock")  # noqa: S311 - demo data, deterministic on purpose
    shocked = {f[0] for f in chosen if shocks.random() < SHOCK_SHARE}
    started = writer._phase("indicators", len(chosen) * MONTHS)
    measures = ("output", "revenue", "tax", "electricity")
    total = 0
    for start in range(0, len(chosen), CHUNK):
        rows = [
            row for f in chosen[start : start + CHUNK] for row in plan_enterprise(rng, f, months, shock=f[0] in shocked)
        ]
        ids = writer._insert(MonthlyIndicator, rows)
        source = [
            (pk, r["enterprise_id"], r["month"], *(r[m] for m in measures)) for pk, r in zip(ids, rows, strict=True)
        ]
        out = list(derive_all(source))
        writer._insert(IndicatorDerived, out, count=False)
        total += len(rows)
    writer.result.counts["indicator_rows"] = total
    writer.result.counts["indicator_enterprises"] = len(chosen)
    writer._done("indicators", started)
    _seed_investment(writer, rng, months)


def _seed_investment(writer: Writer, rng: random.Random, months: list[date]) -> None:
    begun = dict(
        Milestone.objects.filter(kind=MilestoneKind.START, actual_on__isnull=False).values_list(
            "project_id", "actual_on"
        )
    )
    finished = dict(
        Milestone.objects.filter(kind=MilestoneKind.COMPLETION, actual_on__isnull=False).values_list(
            "project_id", "actual_on"
        )
    )
    projects = Project.objects.order_by("id").values_list("id", "enterprise_id", "completed_investment")
    first_key = months[0].year * 12 + months[0].month - 1
    last_key = months[-1].year * 12 + months[-1].month - 1
    rows: list[dict[str, Any]] = []
    for pk, enterprise_id, completed in projects:
        started_on = begun.get(pk)
        if started_on is None or not completed:
            continue
        begin_key = started_on.year * 12 + started_on.month - 1
        end_on = finished.get(pk)
        end_key = min(last_key, end_on.year * 12 + end_on.month - 1 if end_on else last_key)
        span = max(1, end_key - begin_key + 1)
        per_month = float(completed) / span
        for key in range(max(begin_key, first_key), end_key + 1):
            rows.append(
                {
                    "project_id": pk,
                    "enterprise_id": enterprise_id,
                    "month": date(key // 12, key % 12 + 1, 1),
                    "invested": _dec(per_month * rng.uniform(0.6, 1.4)),
                }
            )
    started = writer._phase("investment", len(rows))
    for start in range(0, len(rows), 5_000):
        writer._insert(ProjectInvestment, rows[start : start + 5_000])
    writer.result.counts["investment_rows"] = len(rows)
    # 累计完成投资 is the sum of the months reported, as every investment write keeps it.
    project_completed_sync()
    writer._done("investment", started)
