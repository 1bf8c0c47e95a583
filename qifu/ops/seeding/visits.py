"""The demo visits (走访, issue 4): 24 months of them by the linked liaisons, with participants,
the disturbance ledger (Contact + ContactMonth) and the coverage rollups (CoverageCell +
CoverageTotal), as `qifu.visits.services.visit_log` and `coverage_rebuild` would have left them.

Rules kept: every visit lies before `as_of` (never in the future), on a day its author was linked
to the enterprise (a link's liaison visits during the link); joint visits have a handler of another
department (one contact all the same); visits the enterprise asked for are not counted; a counted
visit beyond the month's budget (the zone default, 2) carries a written reason; some older visits
have the enterprise's feedback. The coverage rollups are computed here with the same rules as
`coverage_rebuild` (a test compares them at small scale).

Deterministic: one random stream per seed; each link gets a number of visits per month from the
scale's target and a per-liaison diligence. Month by month, so memory stays at one month's
visits (~85,000 at city scale, 2,000,000 in all). Rows go in through the writer's batched INSERT.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from qifu.ops.seeding.people import People
from qifu.ops.seeding.registry import LinkRow, RegistryPlanner
from qifu.reference.models import Department
from qifu.visits.models import (
    Contact,
    ContactMonth,
    CoverageCell,
    CoverageTotal,
    Visit,
    VisitParticipant,
)

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

CST = dt_timezone(timedelta(hours=8))  # Asia/Shanghai
MONTHS = 24
BUDGET = 2  # the zone default (settings.VISIT_BUDGET); the seed sets no enterprise budgets
BATCH = 5_000

KINDS = (
    ("routine", 0.58),
    ("follow_up", 0.14),
    ("policy", 0.1),
    ("safety", 0.08),
    ("coordination", 0.05),
    ("joint", 0.05),
)
FEEDBACK = (("helped", 0.62), ("ok", 0.3), ("disturbed", 0.08))
PRODUCTION = [
    "生产经营正常，订单饱满",
    "满负荷生产，两班倒",
    "开工率约八成",
    "受原材料涨价影响，利润下滑",
    "新产线试生产中",
]
ORDERS = ["在手订单可排产至下季度", "海外订单有所减少", "新增两家国内大客户", "订单平稳"]
STAFFING = ["一线普工缺口约50人", "技术人员招聘困难", "用工稳定", "计划年内扩招100人"]
INVESTMENT = ["计划投资技改项目，购置自动化设备", "拟扩建二期厂房", "暂无新增投资计划", "研发中心建设中"]
DIFFICULTIES = ["融资成本偏高", "用电增容审批慢", "员工通勤不便", "人才住房紧张", "环评手续推进慢"]
NOTES = [
    "了解企业近期生产经营情况",
    "宣讲最新惠企政策",
    "回访前期诉求办理情况",
    "检查安全生产责任落实",
    "协调解决企业用工问题",
]
REASONS = ["企业突发停电，需现场协调", "协调会议纪要事项跟进", "上级交办事项需当面核实", "企业安全隐患整改复查"]
SUGGESTIONS = ["建议简化政策申报材料", "建议增开园区通勤公交", "建议加大技改补贴力度"]


@dataclass(frozen=True)
class Span:
    liaison: int  # user id
    enterprise: int  # enterprise id
    project: int | None  # project id
    started: date
    ended: date | None
    weight: float


@cache
def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_back(as_of: date, n: int = MONTHS) -> list[date]:
    """The `n` calendar months up to and including the month of the day before `as_of`."""
    last = (as_of - timedelta(days=1)).replace(day=1)
    out = [last]
    while len(out) < n:
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return out[::-1]


def overlaps(span: Span, month: date) -> bool:
    """`qifu.visits.coverage.links_in_month`: open at some day of the month."""
    return span.started <= month_end(month) and (span.ended is None or span.ended > month)


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


class VisitPlanner:
    def __init__(self, *, writer: Writer, people: People, links: list[LinkRow], total: int) -> None:
        self.w = writer
        self.rng = random.Random(f"{writer.seed}:visits")  # noqa: S311 - demo data, deterministic on purpose
        self.rich = writer.scale.rich_timelines
        self.as_of = writer.as_of
        self.months = months_back(self.as_of)
        self.first_day = self.months[0]
        departments = {d.code: d.pk for d in Department.objects.filter(active=True)}
        self.user_dept = {writer.uid[p.username]: departments.get(p.department or "") for p in people.everyone()}
        self.handlers = [
            (writer.uid[p.username], departments.get(code)) for code, ps in sorted(people.handlers.items()) for p in ps
        ]
        liaison_uid = [writer.uid[p.username] for p in people.liaisons]
        diligence = [0.5 + self.rng.random() for _ in liaison_uid]
        self.spans: list[Span] = []
        for link in links:
            weight = diligence[link.liaison] * (1.0 if link.role == "primary" else 0.3)
            if link.project is not None:
                weight *= 0.4
            self.spans.append(
                Span(
                    liaison=liaison_uid[link.liaison],
                    enterprise=writer.enterprise_ids[link.enterprise],
                    project=writer.project_ids[link.project] if link.project is not None else None,
                    started=link.started_on,
                    ended=link.ended_on,
                    weight=weight,
                )
            )
        self.by_enterprise: dict[int, list[Span]] = defaultdict(list)
        for span in self.spans:
            self.by_enterprise[span.enterprise].append(span)
        mass = sum(s.weight * share for m in self.months for s, _days, share in self.open_in(m))
        self.rate = total / mass if mass else 0.0
        # Systematic sampling: a running sum of the expected visits, one visit per integer crossed,
        # spans in a shuffled order each month. Each link gets the floor or the ceiling of its
        # expectation, and the total is exactly `total` (the start lies well inside [0, 1)).
        self.carry = 0.25 + 0.5 * self.rng.random()

    def open_in(self, month: date) -> list[tuple[Span, tuple[date, date] | None, float]]:
        """The spans open at some day of the month, with the days their liaison can have visited
        (computed per month, not kept for all 24: millions of tuples at city scale)."""
        return [(s, self._days(s, month), self._share(s, month)) for s in self.spans if overlaps(s, month)]

    def _days(self, span: Span, month: date) -> tuple[date, date] | None:
        """The days of `month` the span's liaison can have visited: linked, in the window, before as_of."""
        lo = max(month, span.started, self.first_day)
        hi = min(month_end(month), self.as_of - timedelta(days=1))
        if span.ended is not None:
            hi = min(hi, span.ended - timedelta(days=1))
        return (lo, hi) if lo <= hi else None

    def _share(self, span: Span, month: date) -> float:
        days = self._days(span, month)
        return 0.0 if days is None else ((days[1] - days[0]).days + 1) / (month_end(month).day)

    def month(self, month: date, spans: list[tuple[Span, tuple[date, date] | None, float]]) -> list[dict[str, Any]]:
        """The month's visits (as planned rows, in time order)."""
        rng = self.rng
        planned: list[dict[str, Any]] = []
        order = [(span, days, share) for span, days, share in spans if days is not None]
        rng.shuffle(order)
        carry = self.carry
        for span, days, share in order:
            x = self.rate * span.weight * share
            k = int(carry + x) - int(carry)
            carry += x
            for _ in range(k):
                day = days[0] + timedelta(days=rng.randint(0, (days[1] - days[0]).days))
                minute = rng.randint(8 * 60 + 30, 17 * 60)
                at = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=CST).astimezone(UTC)
                planned.append({"span": span, "day": day, "at": at})
        self.carry = carry - int(carry)
        planned.sort(key=lambda p: (p["at"], p["span"].enterprise))
        return planned

    def visit_row(self, p: dict[str, Any], counted_before: int) -> tuple[dict[str, Any], list[tuple[int, int | None]]]:
        rng = self.rng
        span: Span = p["span"]
        kind = pick(rng, KINDS)
        participants: list[tuple[int, int | None]] = [(span.liaison, self.user_dept.get(span.liaison))]
        if (kind == "joint" or rng.random() < 0.06) and self.handlers:
            mine = participants[0][1]
            others = [h for h in self.handlers if h[1] != mine] or self.handlers
            participants.append(others[rng.randrange(len(others))])
        departments = {d for _u, d in participants if d}
        requested = rng.random() < 0.12
        over = not requested and counted_before >= BUDGET
        at: datetime = p["at"]
        feedback, feedback_at = "", None
        if at < datetime.combine(self.as_of - timedelta(days=3), time(0), tzinfo=CST) and rng.random() < 0.3:
            feedback = pick(rng, FEEDBACK)
            feedback_at = at + timedelta(hours=rng.randint(4, 60))
        row: dict[str, Any] = {
            "enterprise_id": span.enterprise,
            "project_id": span.project,
            "author_id": span.liaison,
            "visited_at": at,
            "kind": kind,
            "requested": requested,
            "joint": kind == "joint" or len(departments) > 1,
            "notes": NOTES[rng.randrange(len(NOTES))],
            "production": PRODUCTION[rng.randrange(len(PRODUCTION))] if rng.random() < 0.7 else "",
            "over_budget": over,
            "over_budget_reason": REASONS[rng.randrange(len(REASONS))] if over else "",
            "feedback": feedback,
            "feedback_at": feedback_at,
        }
        if self.rich:
            row["orders"] = ORDERS[rng.randrange(len(ORDERS))] if rng.random() < 0.5 else ""
            row["staffing"] = STAFFING[rng.randrange(len(STAFFING))] if rng.random() < 0.4 else ""
            row["investment"] = INVESTMENT[rng.randrange(len(INVESTMENT))] if rng.random() < 0.2 else ""
            row["difficulties"] = DIFFICULTIES[rng.randrange(len(DIFFICULTIES))] if rng.random() < 0.3 else ""
            row["suggestions"] = SUGGESTIONS[rng.randrange(len(SUGGESTIONS))] if rng.random() < 0.05 else ""
        return row, participants


def fast_dates(writer: Writer, *tables: type[models.Model]) -> None:
    """Date and datetime values go to the database through the backend's adapter directly (what the
    fields' get_db_prep_save ends in for the aware datetimes and dates the seed makes): at city
    scale the field path costs minutes for ~13 million values."""
    from qifu.ops.seeding.writer import Table

    conn = connections[DEFAULT_DB_ALIAS]
    for model in tables:
        table = writer.tables.get(model)
        if table is None:
            table = writer.tables[model] = Table(model, now=writer.now)
        table.convert = [_adapter(f, conn, c) for f, c in zip(table.fields, table.convert, strict=True)]


def _adapter(
    field: models.Field[Any, Any], conn: Any, current: Callable[[Any], Any] | None
) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        adapt = conn.ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        adapt = conn.ops.adapt_datefield_value
    else:
        return current
    return lambda value: None if value is None else adapt(value)


def seed_visits(writer: Writer, *, registry: RegistryPlanner, people: People, links: list[LinkRow]) -> None:
    """Plan and insert the demo visits, their contacts and the rollups (one phase of the writer's run)."""
    total = writer.scale.visits
    if not total or not writer.enterprise_ids or not links:
        return
    planner = VisitPlanner(writer=writer, people=people, links=links, total=total)
    fast_dates(writer, Visit, Contact, ContactMonth, CoverageCell, CoverageTotal)
    started = writer._phase("visits", total)
    n = dict.fromkeys(("visits", "visit_participants", "contacts", "coverage_cells"), 0)
    for month in planner.months:
        spans = planner.open_in(month)
        planned = planner.month(month, spans)
        counted: dict[int, int] = defaultdict(int)
        month_totals: dict[int, list[int]] = {}
        cells: dict[tuple[int, int], list[Any]] = {}
        for span, _days, _share in spans:
            cells.setdefault((span.liaison, span.enterprise), [None, 0])
        for start in range(0, len(planned), BATCH):
            chunk = planned[start : start + BATCH]
            rows, people_of = [], []
            for p in chunk:
                enterprise = p["span"].enterprise
                row, participants = planner.visit_row(p, counted[enterprise])
                if not row["requested"]:
                    counted[enterprise] += 1
                pair = month_totals.setdefault(enterprise, [0, 0])
                pair[0] += 1
                pair[1] += 0 if row["requested"] else 1
                day: date = p["day"]
                credited = set()
                for other in planner.by_enterprise[enterprise]:
                    if (
                        other.liaison not in credited
                        and other.started <= day
                        and (other.ended is None or other.ended > day)
                    ):
                        credited.add(other.liaison)
                        cell = cells[(other.liaison, enterprise)]
                        cell[0] = day if cell[0] is None or day < cell[0] else cell[0]
                        cell[1] += 1
                rows.append(row)
                people_of.append(participants)
            ids = writer._insert(Visit, rows)
            participant_rows = [
                {"visit_id": pk, "user_id": uid, "department_id": dept, "enterprise_id": row["enterprise_id"]}
                for pk, row, participants in zip(ids, rows, people_of, strict=True)
                for uid, dept in participants
            ]
            writer._insert(VisitParticipant, participant_rows, count=False)
            contacts = [
                {
                    "enterprise_id": row["enterprise_id"],
                    "on": p["day"],
                    "month": month,
                    "kind": "inspection" if row["kind"] == "safety" else "visit",
                    "source": "visit",
                    "source_id": pk,
                    "requested": row["requested"],
                    "counted": not row["requested"],
                }
                for pk, row, p in zip(ids, rows, chunk, strict=True)
            ]
            writer._insert(Contact, contacts, count=False)
            n["visits"] += len(ids)
            n["visit_participants"] += len(participant_rows)
            n["contacts"] += len(contacts)
        writer._insert(
            ContactMonth,
            [
                {"enterprise_id": e, "month": month, "total": t, "counted": c}
                for e, (t, c) in sorted(month_totals.items())
            ],
            count=False,
        )
        n["coverage_cells"] += _rollups(writer, planner, month, cells)
    writer.result.counts.update(n)
    writer._done("visits", started)


def _rollups(writer: Writer, planner: VisitPlanner, month: date, cells: dict[tuple[int, int], list[Any]]) -> int:
    totals: dict[int, list[int]] = {}
    rows = []
    for (liaison, enterprise), (visited_on, visits) in sorted(cells.items()):
        department = planner.user_dept.get(liaison)
        rows.append(
            {
                "month": month,
                "liaison_id": liaison,
                "enterprise_id": enterprise,
                "department_id": department,
                "visited_on": visited_on,
                "visits": visits,
            }
        )
        total = totals.setdefault(liaison, [0, 0])
        total[0] += 1
        total[1] += visited_on is not None
    for start in range(0, len(rows), BATCH):
        writer._insert(CoverageCell, rows[start : start + BATCH], count=False)
    writer._insert(
        CoverageTotal,
        [
            {
                "month": month,
                "liaison_id": liaison,
                "department_id": planner.user_dept.get(liaison),
                "linked": linked,
                "visited": visited,
            }
            for liaison, (linked, visited) in sorted(totals.items())
        ],
        count=False,
    )
    return len(rows)
