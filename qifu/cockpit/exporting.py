"""Every table of the cockpit as Excel (issue 6 item 6): one workbook with a sheet per table, or
one table alone (`/cockpit/export/<section>.xlsx`). The sheets hold exactly the figures the page
shows for the month (the same `cockpit_figures`), written through core.excel (neutralised cells,
bold frozen headers)."""

from collections.abc import Callable, Iterable, Sequence
from typing import IO

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.cockpit.errors import CockpitErrorCode
from qifu.cockpit.figures import CockpitFigures
from qifu.core.errors import NotFound
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 2)


def _items(title: str, head: str) -> Callable[[CockpitFigures], Sheet]:
    def build(f: CockpitFigures) -> Sheet:
        items = {"categories": f.by_category, "departments": f.by_department, "states": f.by_state}[head]
        label = {"categories": "诉求类别", "departments": "责任部门", "states": "状态"}[head]
        return Sheet(
            title=title,
            columns=(Column(label, 24), Column("代码", 16), Column("诉求件数", 12)),
            rows=([i.name, i.key, i.value] for i in items),
        )

    return build


def _trend(f: CockpitFigures) -> Sheet:
    t = f.trend
    rows: Iterable[Sequence[Value]] = (
        [m, filed, done] for m, filed, done in zip(t.months, t.filed, t.done, strict=True)
    )
    return Sheet(
        title="近12个月诉求",
        columns=(Column("月份", 10), Column("提出件数", 12), Column("其中已办结", 12)),
        rows=rows,
    )


def _assessment(f: CockpitFigures) -> Sheet:
    a = f.assessment
    rates = [_pct(a.response_rate), _pct(a.solve_rate), _pct(a.satisfaction_rate), _pct(a.composite)]
    rows: list[Sequence[Value]] = [["全区", "", None, a.valid, *rates]]
    rows += [["红榜", p.name, p.rank, p.valid, None, None, None, _pct(p.composite)] for p in a.red]
    rows += [["黑榜", p.name, p.rank, p.valid, None, None, None, _pct(p.composite)] for p in a.black]
    return Sheet(
        title="考核与红黑榜",
        columns=(
            Column("类别", 8),
            Column("部门", 24),
            Column("名次", 8),
            Column("有效评价件数", 14),
            Column("响应率(%)", 12),
            Column("解决率(%)", 12),
            Column("满意率(%)", 12),
            Column("综合得分(%)", 12),
        ),
        rows=rows,
    )


def _backlog(f: CockpitFigures) -> Sheet:
    b = f.backlog
    rows: list[Sequence[Value]] = [[d.name, d.key, d.overdue, d.supervised] for d in b.departments]
    rows.append(["合计", "", b.overdue, b.supervised])
    return Sheet(
        title="超期与督办",
        columns=(Column("责任部门", 24), Column("代码", 10), Column("超期在办", 12), Column("督办在办", 12)),
        rows=rows,
    )


def _visits(f: CockpitFigures) -> Sheet:
    v = f.visits
    rows: list[Sequence[Value]] = [[d.name, d.linked, d.visited, _pct(d.rate)] for d in v.departments]
    rows.append(["合计", v.linked, v.visited, _pct(v.rate)])
    return Sheet(
        title="走访覆盖率",
        columns=(Column("部门", 24), Column("挂钩企业数", 12), Column("已走访", 10), Column("覆盖率(%)", 12)),
        rows=rows,
    )


def _disturbed(f: CockpitFigures) -> Sheet:
    return Sheet(
        title="打扰最多的企业",
        columns=(
            Column("企业名称", 30),
            Column("统一社会信用代码", 22),
            Column("计入额度次数", 14),
            Column("接触总次数", 12),
            Column("每月额度", 10),
        ),
        rows=([d.name, d.uscc, d.counted, d.total, d.budget] for d in f.disturbed),
    )


def _lists(f: CockpitFigures) -> Sheet:
    return Sheet(
        title="四张清单",
        columns=(
            Column("清单", 16),
            Column("代码", 16),
            Column("快照月份", 10),
            Column("企业数", 10),
            Column("本月新进", 10),
            Column("本月退出", 10),
        ),
        rows=([x.name, x.key, f.lists.month, x.members, x.entered, x.left] for x in f.lists.lists),
    )


def _common(f: CockpitFigures) -> Sheet:
    basis = "共性问题" if f.common.basis == "common" else "全部诉求"
    return Sheet(
        title="分行业高频问题",
        columns=(
            Column("行业门类", 28),
            Column("诉求类别", 20),
            Column("件数", 10),
            Column("统计口径", 12),
        ),
        rows=([c.industry_name, c.category_name, c.value, basis] for c in f.common.items),
    )


def _problems(f: CockpitFigures) -> Sheet:
    rows: list[Sequence[Value]] = [["类别", x.name, x.value] for x in f.problems.by_category]
    rows += [["行业门类", x.name, x.value] for x in f.problems.by_industry]
    return Sheet(
        title="共性问题",
        columns=(Column("维度", 10), Column("名称", 28), Column("共性问题个数", 14)),
        rows=rows,
    )


def _projects(f: CockpitFigures) -> Sheet:
    p = f.projects
    rows: list[Sequence[Value]] = [[s.name, s.value] for s in p.statuses]
    rows += [["项目总数", p.total], ["年度计划投资(万元)", p.annual_planned], ["本年完成投资(万元)", p.ytd_invested]]
    return Sheet(title="项目进度", columns=(Column("项目", 22), Column("数值", 14)), rows=rows)


SECTIONS: dict[str, Callable[[CockpitFigures], Sheet]] = {
    "categories": _items("按类别", "categories"),
    "departments": _items("按责任部门", "departments"),
    "states": _items("按状态", "states"),
    "trend": _trend,
    "assessment": _assessment,
    "backlog": _backlog,
    "visits": _visits,
    "disturbed": _disturbed,
    "lists": _lists,
    "common": _common,
    "projects": _projects,
    "problems": _problems,
}


def cockpit_export(*, actor: Actor, figures: CockpitFigures, section: str = "") -> tuple[IO[bytes], str]:
    """(the workbook, its file name): every table, or SECTION alone (NotFound for an unknown one).
    Audited as `cockpit_export` with the month and the section."""
    if section and section not in SECTIONS:
        raise NotFound("no such table", code=CockpitErrorCode.BAD_SECTION)
    builders = [SECTIONS[section]] if section else list(SECTIONS.values())
    file, counts = xlsx_tempfile(*(build(figures) for build in builders))
    audit_record(
        actor=actor,
        action="cockpit_export",
        object_type="cockpit",
        object_id=figures.month,
        changes={"section": section or "all", "rows": sum(counts)},
    )
    name = f"驾驶舱-{figures.month}" + (f"-{section}" if section else "") + ".xlsx"
    return file, name
