"""The progress board as Excel (UX.md §6 导出Excel: exactly what is filtered), through core.excel."""

from collections.abc import Iterator, Sequence
from datetime import date
from typing import IO

from django.utils import timezone

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.projects.models import MilestoneKind, Project, ProjectStatus
from qifu.projects.progress import BOARD_STATUS_LABELS, BoardFilters, BoardStatus, YearClock, project_board

EXPORT_MAX_ROWS = 100_000
COLUMNS = (
    Column("项目编号", 26),
    Column("项目名称", 36),
    Column("业主企业", 30),
    Column("所在园区", 18),
    Column("重大项目", 8),
    Column("项目状态", 10),
    Column("进度", 8),
    Column("总投资(万元)", 14),
    Column("年度计划投资(万元)", 16),
    Column("本年完成投资(万元)", 16),
    Column("完成年度计划(%)", 14),
    Column("时间进度(%)", 12),
    Column("累计完成投资(万元)", 16),
    Column("完成总投资(%)", 12),
    Column("最近填报月份", 12),
    Column("逾期天数", 10),
    Column("延误节点数", 10),
    Column("下一节点", 12),
    Column("下一节点计划日期", 14),
    Column("主挂钩人", 12),
)


def _pct(part: object, whole: object) -> float | None:
    if not whole:
        return None
    return round(float(part or 0) * 100 / float(whole), 1)  # type: ignore[arg-type]


def board_rows(projects: "Iterator[Project]", today: date) -> Iterator[Sequence[Value]]:
    elapsed = float(YearClock(today).elapsed) * 100
    for p in projects:
        overdue_on = getattr(p, "first_overdue_on", None)
        next_kind = getattr(p, "next_kind", None)
        yield [
            p.code,
            p.name,
            p.enterprise.name,
            p.park,
            "是" if p.major else "否",
            str(ProjectStatus(p.status).label),
            str(BOARD_STATUS_LABELS[BoardStatus(p.board_status)]),  # type: ignore[attr-defined]
            p.total_investment,
            p.annual_planned,
            p.ytd_invested,  # type: ignore[attr-defined]
            _pct(p.ytd_invested, p.annual_planned),  # type: ignore[attr-defined]
            round(elapsed, 1),
            p.completed_investment,
            _pct(p.completed_investment, p.total_investment),
            f"{p.last_month:%Y-%m}" if p.last_month else "",  # type: ignore[attr-defined]
            (today - overdue_on).days if overdue_on else 0,
            p.late_milestones,  # type: ignore[attr-defined]
            str(MilestoneKind(next_kind).label) if next_kind else "",
            p.next_on,  # type: ignore[attr-defined]
            p.primary_liaison.name if p.primary_liaison else "",
        ]


def project_board_export(*, actor: Actor, filters: BoardFilters) -> tuple[IO[bytes], int]:
    """The actor's filtered board in its order, audited as `project_board_export` with the filter."""
    today = timezone.localdate()
    qs = project_board(actor=actor, filters=filters, today=today)
    sheet = Sheet(
        title="项目进度",
        columns=COLUMNS,
        rows=board_rows(qs.iterator(chunk_size=2_000), today),
        max_rows=EXPORT_MAX_ROWS,
    )
    file, (count,) = xlsx_tempfile(sheet)
    audit_record(
        actor=actor,
        action="project_board_export",
        object_type="project",
        changes={"filters": {k: v for k, v in vars(filters).items() if v not in ("", None)}, "rows": count},
    )
    return file, count


def export_filename() -> str:
    return f"项目进度-{timezone.localdate():%Y%m%d}.xlsx"
