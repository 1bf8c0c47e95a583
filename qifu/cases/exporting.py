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
from typing import IO, Any, NamedTuple

from django.db.models import QuerySet
from django.utils import timezone, translation

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.cases.forms import filters_for_audit
from qifu.cases.models import Case, CaseEvent, CasePart, CaseState, Satisfaction, Solved
from qifu.cases.selectors import CaseFilters, case_list, plain_status
from qifu.cases.services import local_today
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.reference.models import Department

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


class Record(NamedTuple):
    """One case as the export reads it: plain values, no model instances (10,000 rows and more)."""

    id: int
    text: str
    state: str
    paused: bool
    submitted_at: datetime
    respond_by: date
    resolve_by: date | None
    resolved_at: datetime | None
    solved: str
    satisfaction: str
    lead_department_id: int | None
    enterprise_name: str
    enterprise_uscc: str
    liaison_name: str | None
    liaison_username: str | None
    category_name: str | None
    lead_department_name: str | None


EXPORT_FIELDS = (
    "id",
    "text",
    "state",
    "paused",
    "submitted_at",
    "respond_by",
    "resolve_by",
    "resolved_at",
    "solved",
    "satisfaction",
    "lead_department_id",
    "enterprise__name",
    "enterprise__uscc",
    "liaison__display_name",
    "liaison__username",
    "category__name",
    "lead_department__name",
)


def export_queryset(*, actor: Actor, filters: CaseFilters) -> "QuerySet[Case, tuple[Any, ...]]":
    """The ledger selector (scope first, the same filters and order), as rows of the exported values."""
    return case_list(actor=actor, filters=filters).select_related(None).values_list(*EXPORT_FIELDS)


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


class Labels:
    """Chinese labels and plain statuses, computed once per distinct value (not once per row)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.states = {str(k): str(v) for k, v in CaseState.choices}
        self.solved = {str(k): str(v) for k, v in Solved.choices}
        self.satisfaction = {str(k): str(v) for k, v in Satisfaction.choices}
        self._plain: dict[tuple[Any, ...], str] = {}

    def rating(self, r: Record) -> str:
        return "/".join(x for x in (self.solved.get(r.solved, ""), self.satisfaction.get(r.satisfaction, "")) if x)

    def plain(self, r: Record) -> str:
        """`selectors.plain_status`, the enterprise's words, for the few values it depends on."""
        key = (r.state, r.paused, r.lead_department_id, r.lead_department_name, r.respond_by, r.resolve_by)
        if key not in self._plain:
            case = Case(state=r.state, paused=r.paused, respond_by=r.respond_by, resolve_by=r.resolve_by)
            if r.lead_department_id:
                case.lead_department = Department(id=r.lead_department_id, name=r.lead_department_name or "")
            self._plain[key] = plain_status(case, today=self.today)
        return self._plain[key]


def export_row(number: int, r: Record, *, assists: str, progress: str, labels: Labels) -> list[Value]:
    """One case in the 台账 columns; 办理进度 is the latest public progress or answer, else the
    plain status the enterprise reads."""
    return [
        number,
        r.enterprise_name,
        r.enterprise_uscc,
        r.liaison_name or r.liaison_username or "",
        r.category_name or "",
        r.text,
        _local(r.submitted_at),
        r.lead_department_name or "",
        assists,
        r.resolve_by,
        progress or labels.plain(r),
        labels.states.get(r.state, r.state),
        _local(r.resolved_at),
        labels.rating(r),
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


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[Record]]:
    it = iter(rows)
    while chunk := [Record._make(row) for row in islice(it, size)]:
        yield chunk


def export_rows(
    qs: "QuerySet[Case, tuple[Any, ...]]", *, limit: int = EXPORT_MAX_ROWS, chunk: int | None = None
) -> Iterator[list[Value]]:
    """The rows, in chunks: one query streams the cases; per chunk, one query for the assisting
    departments and one for the latest public progress."""
    size = chunk or CHUNK
    number = 0
    with translation.override("zh-hans"):  # the workbook is in Chinese whatever the UI language
        labels = Labels(local_today())
        for records in _chunks(qs[:limit].iterator(chunk_size=size), size):
            ids = [r.id for r in records]
            assists, progress = _assists(ids), _progress(ids)
            for r in records:
                number += 1
                yield export_row(
                    number, r, assists=assists.get(r.id, ""), progress=progress.get(r.id, ""), labels=labels
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
