"""Seed: the safety checks of the seeded safety-kind visits (§2.4), their results and rectifications.

Deterministic (a seeded random per visit id) and relative to the seed's day: hazards found long
ago are mostly verified, recent ones open or reported fixed, a few overdue. Rows go in through the
writer's batched INSERTs like the rest of the seed (the services would audit and notify each row).
"""

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from qifu.safety.defaults import DEFAULT_NAME
from qifu.safety.models import (
    Outcome,
    Rectification,
    RectificationEvent,
    RectificationNotice,
    RectState,
    SafetyCheck,
    SafetyChecklist,
    SafetyItem,
    SafetyResult,
)
from qifu.visits.models import Visit, VisitKind
from qifu.workcal.calendar import WorkCalendar, zone_calendar

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

Insert = Callable[[type[models.Model], list[dict[str, Any]]], list[int]]
BATCH = 2000
MAX_CHECKS = 20_000
OLD = timedelta(days=60)  # hazards due longer ago than this are mostly closed
FAILS = (0, 0, 0, 1, 1, 1, 2, 2, 3)  # failed items per check
FIX_NOTES = (
    "已更换过期灭火器并张贴检查标签",
    "已清理疏散通道堆放物品，设置禁止占用标识",
    "已重新敷设临时线路并加装漏电保护器",
    "已补充岗位安全培训并留存签到记录",
    "已修订应急预案并组织全员演练",
    "已完成危化品仓库分区存放和台账登记",
)


def _visits() -> Iterator[list[dict[str, Any]]]:
    """The seeded safety visits, the newest MAX_CHECKS of them (the city has ~160,000: their 2
    million result rows would add minutes to the seed and nothing to the demo)."""
    last = 0
    fields = ("id", "enterprise_id", "author_id", "visited_at")
    qs = Visit.objects.filter(kind=VisitKind.SAFETY, recheck_of__isnull=True)
    cutoff = qs.order_by("-visited_at").values_list("visited_at", flat=True)[MAX_CHECKS : MAX_CHECKS + 1].first()
    if cutoff is not None:
        qs = qs.filter(visited_at__gt=cutoff)
    qs = qs.order_by("id").values(*fields)
    while chunk := list(qs.filter(id__gt=last)[:BATCH]):
        yield chunk
        last = chunk[-1]["id"]


def seed_safety_phase(writer: "Writer") -> None:
    """One phase of the writer's run, after the visits."""
    started = writer._phase("safety", 0)
    added = seed_safety(insert=writer._insert, seed=writer.seed, as_of=writer.as_of, now=writer.now)
    writer.result.counts.update(added)
    writer._done("safety", started)


def seed_safety(*, insert: Insert, seed: int, as_of: date, now: datetime) -> dict[str, int]:
    """Checks for every seeded safety visit (re-check visits are left to the visits seed's own
    story). Returns the counts added."""
    checklist = SafetyChecklist.objects.filter(name=DEFAULT_NAME, active=True).order_by("-version").first()
    if checklist is None:
        return {}
    items = list(SafetyItem.objects.filter(checklist=checklist, active=True).order_by("order", "id"))
    cal = zone_calendar()
    counts = {"safety_checks": 0, "safety_rectifications": 0}
    for chunk in _visits():
        checks, results, rects = _plan(chunk, checklist, items, cal, seed=seed, as_of=as_of, now=now)
        check_ids = insert(SafetyCheck, checks)
        rows: list[dict[str, Any]] = []
        failed_at: list[tuple[int, int]] = []  # (result index, check index) of failed items
        for i, (check_index, per_check) in enumerate(results):
            for item, outcome in per_check:
                if outcome == Outcome.FAIL:
                    failed_at.append((len(rows), i))
                rows.append(
                    {
                        "check_record_id": check_ids[check_index],
                        "enterprise_id": checks[check_index]["enterprise_id"],
                        "item_id": item.pk,
                        "outcome": outcome,
                        "note": "现场发现问题" if outcome == Outcome.FAIL else "",
                    }
                )
        result_ids = insert(SafetyResult, rows)
        for rect, (row_index, check_index) in zip(rects, failed_at, strict=True):
            rect["result_id"] = result_ids[row_index]
            rect["check_record_id"] = check_ids[check_index]
        rect_ids = insert(Rectification, rects)
        insert(
            RectificationEvent,
            [
                {
                    "rectification_id": pk,
                    "enterprise_id": r["enterprise_id"],
                    "at": r["created_at"],
                    "actor_id": r["created_by_id"],
                    "action": "create",
                    "text": r["hazard"],
                }
                for pk, r in zip(rect_ids, rects, strict=True)
            ],
        )
        # the overdue notices already "sent", so the first job run does not notify years of backlog
        late = [(pk, r) for pk, r in zip(rect_ids, rects, strict=True) if r.get("overdue")]
        insert(
            RectificationNotice,
            [
                {"rectification_id": pk, "enterprise_id": r["enterprise_id"], "due": r["due"], "sent_at": now}
                for pk, r in late
            ],
        )
        counts["safety_checks"] += len(checks)
        counts["safety_rectifications"] += len(rects)
    return counts


def _plan(
    chunk: list[dict[str, Any]],
    checklist: SafetyChecklist,
    items: list[SafetyItem],
    cal: WorkCalendar,
    *,
    seed: int,
    as_of: date,
    now: datetime,
) -> tuple[list[dict[str, Any]], list[tuple[int, list[tuple[SafetyItem, str]]]], list[dict[str, Any]]]:
    checks: list[dict[str, Any]] = []
    results: list[tuple[int, list[tuple[SafetyItem, str]]]] = []
    rects: list[dict[str, Any]] = []
    for visit in chunk:
        rng = random.Random(seed * 1_000_003 + visit["id"])  # noqa: S311 - demo data, not security
        on = timezone.localdate(visit["visited_at"])
        failed = set(rng.sample(range(len(items)), min(rng.choice(FAILS), len(items))))
        per_check: list[tuple[SafetyItem, str]] = []
        for n, item in enumerate(items):
            outcome = Outcome.FAIL if n in failed else (Outcome.NA if rng.random() < 0.08 else Outcome.PASS)
            per_check.append((item, outcome))
        checks.append(
            {
                "visit_id": visit["id"],
                "enterprise_id": visit["enterprise_id"],
                "checklist_id": checklist.pk,
                "checked_by_id": visit["author_id"],
                "checked_on": on,
                "failed": len(failed),
                "created_at": visit["visited_at"],
                "updated_at": visit["visited_at"],
            }
        )
        results.append((len(checks) - 1, per_check))
        for n in sorted(failed):
            rects.append(_rect(rng, items[n], visit, on, cal, as_of=as_of, now=now))
    return checks, results, rects


def _rect(
    rng: random.Random,
    item: SafetyItem,
    visit: dict[str, Any],
    on: date,
    cal: WorkCalendar,
    *,
    as_of: date,
    now: datetime,
) -> dict[str, Any]:
    due = cal.add_workdays(on, item.days)
    row: dict[str, Any] = {
        "enterprise_id": visit["enterprise_id"],
        "hazard": f"{item.text}：现场发现问题",
        "severity": item.severity,
        "days": item.days,
        "due": due,
        "created_by_id": visit["author_id"],
        "created_at": visit["visited_at"],
        "updated_at": visit["visited_at"],
    }
    roll = rng.random()
    fixed_at = visit["visited_at"] + timedelta(days=rng.randint(1, max(2, item.days)))
    if due < as_of - OLD:
        roll = 0.99 if roll < 0.02 else 0.0  # long past: verified, but for a rare one still open
    if (due < as_of and roll < 0.85) or (due >= as_of and roll < 0.25):
        state = RectState.VERIFIED if due < as_of else RectState.SUBMITTED
        row |= {"state": state, "fix_note": rng.choice(FIX_NOTES), "submitted_at": min(fixed_at, now)}
        if state == RectState.VERIFIED:
            verified = {"verified_at": min(fixed_at + timedelta(days=2), now), "verified_by_id": visit["author_id"]}
            row |= verified | {"verify_note": "现场核实，整改到位"}
    elif due < as_of and roll < 0.92:
        row |= {"state": RectState.SUBMITTED, "fix_note": rng.choice(FIX_NOTES), "submitted_at": min(fixed_at, now)}
    else:
        row |= {"state": RectState.OPEN, "overdue": due < as_of}
    return row
