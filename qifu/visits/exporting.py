"""The visit ledger as xlsx (走访台账) with the month's coverage (走访覆盖率) on two more sheets.

Like the case ledger export (qifu.cases.exporting): the rows are what the filtered ledger shows
(scope first), streamed from one query with one more query per chunk for the participants;
formula-looking cells are neutralised by `core.excel`; at most EXPORT_MAX_ROWS rows (a last row
says so); audited. The pages helper wires a URL to `visit_export`.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import IO, Any

from django.utils import timezone, translation

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.visits.models import Feedback, VisitKind, VisitParticipant
from qifu.visits.selectors import (
    CoverageRow,
    VisitFilters,
    coverage_by_department,
    coverage_by_liaison,
    coverage_total,
    local_month,
    visit_list,
)

EXPORT_MAX_ROWS = 100_000
CHUNK = 2_000
COLUMNS = (
    Column("序号", 7),
    Column("走访时间", 18),
    Column("企业名称", 30),
    Column("信用代码", 22),
    Column("走访类型", 10),
    Column("记录人", 10),
    Column("参加人员", 30),
    Column("联合走访", 8),
    Column("企业邀请", 8),
    Column("生产经营", 30),
    Column("订单情况", 30),
    Column("用工情况", 30),
    Column("投资计划", 30),
    Column("困难问题", 30),
    Column("走访记录", 40),
    Column("意见建议", 30),
    Column("超额走访理由", 24),
    Column("企业评价", 10),
)
COVERAGE_COLUMNS = (
    Column("挂钩干部", 14),
    Column("部门", 20),
    Column("挂钩企业数", 12),
    Column("已走访企业数", 12),
    Column("走访覆盖率", 12),
)
DEPARTMENT_COLUMNS = (
    Column("部门", 24),
    Column("挂钩企业数(人次)", 16),
    Column("已走访企业数(人次)", 18),
    Column("走访覆盖率", 12),
)
FIELDS = (
    "id",
    "visited_at",
    "enterprise__name",
    "enterprise__uscc",
    "kind",
    "author__display_name",
    "author__username",
    "joint",
    "requested",
    "production",
    "orders",
    "staffing",
    "investment",
    "difficulties",
    "notes",
    "suggestions",
    "over_budget_reason",
    "feedback",
)


def _rate(row: CoverageRow) -> str:
    return f"{row.rate * 100:.1f}%" if row.rate is not None else "—"


def _participants(ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    rows = VisitParticipant.objects.filter(visit_id__in=ids).order_by("visit_id", "id")
    for visit_id, display, username in rows.values_list("visit_id", "user__display_name", "user__username"):
        names.setdefault(visit_id, []).append(display or username)
    return {k: "、".join(v) for k, v in names.items()}


def visit_rows(qs: Any, *, limit: int = EXPORT_MAX_ROWS, chunk: int = CHUNK) -> Iterator[list[Value]]:
    kinds = {str(k): str(v) for k, v in VisitKind.choices}
    feedback = {str(k): str(v) for k, v in Feedback.choices}
    it = iter(qs[:limit].iterator(chunk_size=chunk))
    number = 0
    while records := list(islice(it, chunk)):
        who = _participants([r[0] for r in records])
        for r in records:
            number += 1
            (vid, at, name, uscc, kind, author, username, joint, requested, *texts, reason, fb) = r
            yield [
                number,
                timezone.localtime(at).replace(tzinfo=None),
                name,
                uscc,
                kinds.get(kind, kind),
                author or username,
                who.get(vid, ""),
                "是" if joint else "",
                "是" if requested else "",
                *texts,
                reason,
                feedback.get(fb, ""),
            ]


def _coverage_rows(rows: Iterable[CoverageRow], total: CoverageRow) -> Iterator[list[Value]]:
    for r in rows:
        yield [r.name, r.department, r.linked, r.visited, _rate(r)]
    yield ["合计", "", total.linked, total.visited, _rate(total)]


def _department_rows(rows: Iterable[CoverageRow], total: CoverageRow) -> Iterator[list[Value]]:
    for r in rows:
        yield [r.name, r.linked, r.visited, _rate(r)]
    yield ["合计", total.linked, total.visited, _rate(total)]


def visit_export(
    *, actor: Actor, filters: VisitFilters, month: date | None = None, limit: int = EXPORT_MAX_ROWS
) -> tuple[IO[bytes], int, bool]:
    """The actor's filtered visit ledger (newest first, at most `limit` rows) and the coverage of
    `month` (the filter's month, else this month) per liaison and per department, in the actor's
    scope. Audited `visit_export`. Returns (xlsx temp file, ledger rows, truncated)."""
    month = month or filters.month or local_month()
    qs = visit_list(actor=actor, filters=filters).select_related(None).values_list(*FIELDS)
    truncated = qs[limit : limit + 1].exists()
    with translation.override("zh-hans"):
        rows: Iterable[list[Value]] = visit_rows(qs, limit=limit)
        if truncated:
            rows = _with_note(rows, f"仅导出前{limit}条，请缩小筛选范围后分批导出。")
        total = coverage_total(actor=actor, month=month)
        by_liaison = coverage_by_liaison(actor=actor, month=month)
        by_department = coverage_by_department(actor=actor, month=month)
        file, (count, _l, _d) = xlsx_tempfile(
            Sheet(title="走访台账", columns=COLUMNS, rows=rows),
            Sheet(
                title=f"覆盖率-挂钩干部-{month:%Y%m}", columns=COVERAGE_COLUMNS, rows=_coverage_rows(by_liaison, total)
            ),
            Sheet(
                title=f"覆盖率-部门-{month:%Y%m}",
                columns=DEPARTMENT_COLUMNS,
                rows=_department_rows(by_department, total),
            ),
        )
    count -= 1 if truncated else 0
    audited: dict[str, Any] = {
        "enterprise": filters.enterprise,
        "liaison": filters.liaison,
        "month": filters.month.isoformat() if filters.month else "",
        "kind": filters.kind,
    }
    if filters.liaison_name:  # the page's filters (the liaison by name, a department), when set
        audited["liaison_name"] = filters.liaison_name
    if filters.department:
        audited["department"] = filters.department
    audit_record(
        actor=actor,
        action="visit_export",
        object_type="visit",
        changes={
            "filters": audited,
            "coverage_month": month.isoformat(),
            "rows": count,
            "truncated": truncated,
        },
    )
    return file, count, truncated


def _with_note(rows: Iterable[list[Value]], note: str) -> Iterator[list[Value]]:
    yield from rows
    yield ["", note]


def export_filename() -> str:
    return f"走访台账-{timezone.localdate():%Y%m%d}.xlsx"
