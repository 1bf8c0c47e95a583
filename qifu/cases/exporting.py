"""Ledger export: exactly what the filtered ledger shows, as xlsx in the 台账 layout (PRODUCT.md
§2.2, UX.md §6). Formula-looking cells neutralised (formats.md; `core.excel.neutralise`), at most
EXPORT_MAX_ROWS rows (the cap is stated in the last row when reached), audited.

Fast at 10,000 rows and more: the rows stream from one query (`iterator`), and per chunk of
CHUNK cases two more queries bring the assisting departments and the latest public progress — no
per-row queries. The workbook is written in openpyxl's write-only mode into an anonymous temporary
file (no name on disk, gone when the response closes it).
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone, translation

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.cases.forms import filters_for_audit
from qifu.cases.models import Case, CaseEvent, CasePart, Satisfaction, Solved
from qifu.cases.selectors import CaseFilters, case_list, plain_status
from qifu.cases.services import local_today
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile

EXPORT_MAX_ROWS = 100_000
CHUNK = 2_000
# Events whose public text tells the enterprise where its request stands (办理进度).
PROGRESS_ACTIONS = ("progress", "answer", "resolve", "reject")
COLUMNS = (
    Column("序号", 7),
    Column("企业名称", 30),
    Column("信用代码", 22),
    Column("挂钩干部", 10),
    Column("类别", 14),
    Column("诉求内容", 50),
    Column("提出时间", 18),
    Column("责任部门", 16),
    Column("协办部门", 20),
    Column("办理时限", 12),
    Column("办理进度", 40),
    Column("状态", 10),
    Column("办结时间", 18),
    Column("企业评价", 16),
)
EXPORT_FIELDS = (
    "id",
    "number",
    "text",
    "state",
    "paused",
    "submitted_at",
    "respond_by",
    "resolve_by",
    "resolved_at",
    "solved",
    "satisfaction",
    "enterprise__name",
    "enterprise__uscc",
    "liaison__display_name",
    "liaison__username",
    "category__name",
    "lead_department__name",
)


def export_queryset(*, actor: Actor, filters: CaseFilters) -> QuerySet[Case]:
    """The ledger selector (scope first, the same filters and order), only the exported columns."""
    return (
        case_list(actor=actor, filters=filters)
        .select_related(None)
        .select_related("enterprise", "liaison", "category", "lead_department")
        .only(*EXPORT_FIELDS)
    )


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def _rating(case: Case) -> str:
    if not case.solved and not case.satisfaction:
        return ""
    parts = [
        str(Solved(case.solved).label) if case.solved else "",
        str(Satisfaction(case.satisfaction).label) if case.satisfaction else "",
    ]
    return "/".join(p for p in parts if p)


def export_row(number: int, case: Case, *, assists: str, progress: str, today: date) -> list[Value]:
    """One case in the 台账 columns; 办理进度 is the latest public progress or answer, else the
    plain status the enterprise reads."""
    liaison = case.liaison
    return [
        number,
        case.enterprise.name,
        case.enterprise.uscc,
        (liaison.display_name or liaison.username) if liaison else "",
        case.category.name if case.category else "",
        case.text,
        _local(case.submitted_at),
        case.lead_department.name if case.lead_department else "",
        assists,
        case.resolve_by,
        progress or plain_status(case, today=today),
        str(case.get_state_display()),
        _local(case.resolved_at),
        _rating(case),
    ]


def _assists(ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    parts = CasePart.objects.filter(case_id__in=ids, active=True).order_by("case_id", "department__sort", "id")
    for case_id, name in parts.values_list("case_id", "department__name"):
        names.setdefault(case_id, []).append(name)
    return {k: "、".join(v) for k, v in names.items()}


def _progress(ids: list[int]) -> dict[int, str]:
    latest: dict[int, str] = {}
    events = CaseEvent.objects.filter(case_id__in=ids, public=True, action__in=PROGRESS_ACTIONS).order_by(
        "case_id", "id"
    )
    for case_id, text in events.values_list("case_id", "text"):
        if text:
            latest[case_id] = text  # ordered by id: the last one wins
    return latest


def _chunks(cases: Iterable[Case], size: int) -> Iterator[list[Case]]:
    it = iter(cases)
    while chunk := list(islice(it, size)):
        yield chunk


def export_rows(qs: QuerySet[Case], *, limit: int = EXPORT_MAX_ROWS, chunk: int = CHUNK) -> Iterator[list[Value]]:
    today = local_today()
    number = 0
    with translation.override("zh-hans"):  # the workbook is in Chinese whatever the UI language
        for cases in _chunks(qs[:limit].iterator(chunk_size=chunk), chunk):
            ids = [c.pk for c in cases]
            assists, progress = _assists(ids), _progress(ids)
            for case in cases:
                number += 1
                yield export_row(
                    number, case, assists=assists.get(case.pk, ""), progress=progress.get(case.pk, ""), today=today
                )


def case_export(*, actor: Actor, filters: CaseFilters, limit: int = EXPORT_MAX_ROWS) -> tuple[IO[bytes], int, bool]:
    """UX.md §6 "导出Excel": the actor's filtered ledger, newest first, at most `limit` rows (a
    last row says so when more matched); audited as `case_export` with the filters and row count.
    Returns (xlsx temp file, rows, truncated)."""
    qs = export_queryset(actor=actor, filters=filters)
    truncated = qs[limit : limit + 1].exists()
    rows: Iterable[list[Value]] = export_rows(qs, limit=limit)
    if truncated:
        note = f"仅导出前{limit}条，请缩小筛选范围后分批导出。"
        rows = _with_note(rows, note)
    file, (count,) = xlsx_tempfile(Sheet(title="诉求台账", columns=COLUMNS, rows=rows))
    count -= 1 if truncated else 0
    audit_record(
        actor=actor,
        action="case_export",
        object_type="case",
        changes={"filters": filters_for_audit(filters), "rows": count, "truncated": truncated},
    )
    return file, count, truncated


def _with_note(rows: Iterable[list[Value]], note: str) -> Iterator[list[Value]]:
    yield from rows
    yield ["", note]


def export_filename() -> str:
    return f"诉求台账-{timezone.localdate():%Y%m%d}.xlsx"
