"""The monthly work report (月度工作报告, issue 6 item 6, PRODUCT.md §2.8) as a Word document.

Built only from the cockpit's figures (`cockpit_figures`) for the month and the month before, so the
report, the cockpit page, its Excel workbook and the API can never disagree. Seven sections:

一、总体情况 (cases filed and resolved, the rates, against the previous month), 二、诉求办理 (by
category and by department), 三、考核排名 (红黑榜), 四、走访服务 (coverage, the most disturbed
enterprises), 五、四张清单 (members and this month's movements), 六、项目推进 (late, at risk, on
schedule), 七、下月工作建议 (bullet points drawn from the figures).

Sentences are generated in Chinese from the numbers; every table has a header row. A month with no
data still gives a complete report ("本月无……"). Who: leaders and the service desk, as for the
cockpit (`cockpit_figures` raises PermissionDenied for anyone else).
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from qifu.access.actor import Actor
from qifu.cockpit.figures import CockpitFigures, cockpit_figures, months_back
from qifu.projects.progress import BoardStatus

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DASH = "—"
LOW_COVERAGE = 0.5  # a department that visited fewer than half of its linked enterprises is named
TOP_SUGGESTED = 3  # departments named in one suggestion at most
DECLINING = "declining"  # the 显著下滑 list's code (reference taxonomy)

SECTIONS = (
    gettext_lazy("一、总体情况"),
    gettext_lazy("二、诉求办理"),
    gettext_lazy("三、考核排名"),
    gettext_lazy("四、走访服务"),
    gettext_lazy("五、四张清单"),
    gettext_lazy("六、项目推进"),
    gettext_lazy("七、下月工作建议"),
)


def _list_sep() -> str:
    """Between names in a sentence (顿号); a translation gives its own (", ")."""
    return _("、")


def _clause_sep() -> str:
    """Between clauses in a sentence (分号)."""
    return _("；")


@dataclass(frozen=True)
class MonthlyReport:
    """The figures of the month and of the month before it (for the comparisons)."""

    zone: str
    first: date
    figures: CockpitFigures
    previous: CockpitFigures

    @property
    def title(self) -> str:
        return _("%(zone)s企业挂钩服务月度工作报告") % {"zone": self.zone}

    @property
    def month_label(self) -> str:
        return month_label(self.first)


def monthly_report(*, actor: Actor, month: date) -> MonthlyReport:
    """The month's report figures: the cockpit's, twice (PermissionDenied outside leaders and desk)."""
    first = month.replace(day=1)
    figures = cockpit_figures(actor=actor, month=first)
    previous = cockpit_figures(actor=actor, month=months_back(first, 1))
    return MonthlyReport(zone=str(settings.ZONE_NAME), first=first, figures=figures, previous=previous)


# ---------------------------------------------------------------------------------------------
# Words from numbers


def month_label(first: date) -> str:
    return _("%(y)d年%(m)d月") % {"y": first.year, "m": first.month}


def day_label(day: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def pct(rate: float | None) -> str:
    """0.8765 → "87.7%"; None (nothing to divide by) → "—", never 0%."""
    return DASH if rate is None else f"{rate * 100:.1f}%"


def score(value: float | None) -> str:
    """The composite 0-1 as points out of 100."""
    return DASH if value is None else f"{value * 100:.1f}"


def change(now: int, before: int, unit: str) -> str:
    """ "增加3件" / "减少2件" / "持平"."""
    if now > before:
        return _("增加%(n)d%(unit)s") % {"n": now - before, "unit": unit}
    if now < before:
        return _("减少%(n)d%(unit)s") % {"n": before - now, "unit": unit}
    return _("持平")


def rate_change(now: float | None, before: float | None) -> str:
    """ "上升2.5个百分点" / "下降1.0个百分点" / "持平"; "—" when either month has no rate."""
    if now is None or before is None:
        return DASH
    points = round((now - before) * 100, 1)
    if points > 0:
        return _("上升%(p).1f个百分点") % {"p": points}
    if points < 0:
        return _("下降%(p).1f个百分点") % {"p": -points}
    return _("持平")


def score_change(now: float | None, before: float | None) -> str:
    """The composite's change in points out of 100: "上升2.5分" / "下降1.0分" / "持平"."""
    if now is None or before is None:
        return DASH
    points = round((now - before) * 100, 1)
    if points > 0:
        return _("上升%(p).1f分") % {"p": points}
    if points < 0:
        return _("下降%(p).1f分") % {"p": -points}
    return _("持平")


def overview_sentences(report: MonthlyReport) -> list[str]:
    f, p = report.figures, report.previous
    t, a, pa = f.totals, f.assessment, p.assessment
    if not t.filed:
        first = _("本月未收到企业诉求（上月%(before)d件）。") % {"before": p.totals.filed}
    else:
        first = _(
            "本月共收到企业诉求%(filed)d件，较上月%(diff)s（上月%(before)d件）；其中已办结%(done)d件，"
            "仍在办理%(open)d件，办结率%(rate)s。"
        ) % {
            "filed": t.filed,
            "diff": change(t.filed, p.totals.filed, _("件")),
            "before": p.totals.filed,
            "done": t.done,
            "open": t.open,
            "rate": pct(t.done / t.filed),
        }
    backlog = _("截至%(day)s，全区在办诉求%(open)d件，其中超期%(overdue)d件、督办%(supervised)d件。") % {
        "day": day_label(date.fromisoformat(f.as_of)),
        "open": t.open_now,
        "overdue": f.backlog.overdue,
        "supervised": f.backlog.supervised,
    }
    if a.valid:
        rates = _(
            "本月有效评价%(valid)d件，响应率%(r)s、解决率%(s)s、满意率%(m)s，综合得分%(c)s；"
            "与上月相比，解决率%(ds)s，满意率%(dm)s。"
        ) % {
            "valid": a.valid,
            "r": pct(a.response_rate),
            "s": pct(a.solve_rate),
            "m": pct(a.satisfaction_rate),
            "c": score(a.composite),
            "ds": rate_change(a.solve_rate, pa.solve_rate),
            "dm": rate_change(a.satisfaction_rate, pa.satisfaction_rate),
        }
    else:
        rates = _("本月尚无有效评价，三率暂不计算。")
    return [first, backlog, rates]


def suggestions(report: MonthlyReport) -> list[str]:
    """七、下月工作建议: one bullet per thing the figures say needs attention, or a single
    "keep going" bullet when nothing does."""
    f = report.figures
    out: list[str] = []
    overdue = [d for d in f.backlog.departments if d.overdue and d.key][:TOP_SUGGESTED]
    if overdue:
        names = _list_sep().join(_("%(name)s（%(n)d件）") % {"name": d.name, "n": d.overdue} for d in overdue)
        out.append(_("加强对超期诉求的督办，重点督促%(names)s限期办结。") % {"names": names})
    if f.assessment.black:
        names = _list_sep().join(p.name for p in f.assessment.black)
        out.append(_("黑榜部门%(names)s要查找问题、制定整改措施，提升诉求解决率和满意率。") % {"names": names})
    low = sorted(
        (d for d in f.visits.departments if d.rate is not None and d.rate < LOW_COVERAGE),
        key=lambda d: (d.rate or 0, -d.linked, d.key),
    )[:TOP_SUGGESTED]  # the lowest coverage first
    if low:
        names = _list_sep().join(_("%(name)s（%(rate)s）") % {"name": d.name, "rate": pct(d.rate)} for d in low)
        out.append(_("走访覆盖率偏低的%(names)s要加快走访挂钩企业。") % {"names": names})
    over = [d for d in f.disturbed if d.counted > d.budget]
    if over:
        names = _list_sep().join(d.name for d in over[:TOP_SUGGESTED])
        out.append(
            _("%(n)d家企业本月到访次数超过额度（如%(names)s），下月要统筹安排、联合走访，做到无事不扰。")
            % {"n": len(over), "names": names}
        )
    declining = next((item for item in f.lists.lists if item.key == DECLINING), None)
    if declining and declining.entered:
        out.append(
            _("本月新增%(n)d家显著下滑企业，挂钩干部要上门了解原因，赶在企业受阻之前提供帮扶。")
            % {"n": declining.entered}
        )
    status = {s.key: s.value for s in f.projects.statuses}
    if status.get(BoardStatus.LATE):
        n = status[BoardStatus.LATE]
        out.append(_("%(n)d个项目进度滞后，要逐个召开协调会，明确节点和责任部门。") % {"n": n})
    if status.get(BoardStatus.AT_RISK):
        n = status[BoardStatus.AT_RISK]
        out.append(_("%(n)d个项目存在进度风险，要提前协调要素保障，防止节点逾期。") % {"n": n})
    if not out:
        out.append(_("各项指标运行平稳，下月继续保持挂钩服务和诉求办理的工作节奏。"))
    return out


# ---------------------------------------------------------------------------------------------
# The document


def _table(doc: DocxDocument, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def _none(doc: DocxDocument, text: str) -> None:
    doc.add_paragraph(text)


def _overview(doc: DocxDocument, report: MonthlyReport) -> None:
    f, p = report.figures, report.previous
    for sentence in overview_sentences(report):
        doc.add_paragraph(sentence)
    a, pa = f.assessment, p.assessment
    rows = [
        [_("收到诉求（件）"), str(f.totals.filed), str(p.totals.filed), change(f.totals.filed, p.totals.filed, "")],
        [_("已办结（件）"), str(f.totals.done), str(p.totals.done), change(f.totals.done, p.totals.done, "")],
        [_("在办（件）"), str(f.totals.open), str(p.totals.open), change(f.totals.open, p.totals.open, "")],
        [_("有效评价（件）"), str(a.valid), str(pa.valid), change(a.valid, pa.valid, "")],
        [_("响应率"), pct(a.response_rate), pct(pa.response_rate), rate_change(a.response_rate, pa.response_rate)],
        [_("解决率"), pct(a.solve_rate), pct(pa.solve_rate), rate_change(a.solve_rate, pa.solve_rate)],
        [
            _("满意率"),
            pct(a.satisfaction_rate),
            pct(pa.satisfaction_rate),
            rate_change(a.satisfaction_rate, pa.satisfaction_rate),
        ],
        [
            _("按时办结率"),
            pct(a.resolve_on_time_rate),
            pct(pa.resolve_on_time_rate),
            rate_change(a.resolve_on_time_rate, pa.resolve_on_time_rate),
        ],
        [_("综合得分"), score(a.composite), score(pa.composite), score_change(a.composite, pa.composite)],
    ]
    _table(doc, [_("指标"), _("本月"), _("上月"), _("变化")], rows)


def _cases(doc: DocxDocument, report: MonthlyReport) -> None:
    f = report.figures
    total = f.totals.filed
    doc.add_heading(_("（一）按诉求类别"), level=2)
    if f.by_category:
        top = f.by_category[0]
        doc.add_paragraph(
            _("本月诉求涉及%(n)d个类别，最多的是“%(name)s”，共%(value)d件，占%(share)s。")
            % {"n": len(f.by_category), "name": top.name, "value": top.value, "share": pct(top.value / total)}
        )
        rows = [[str(i), c.name, str(c.value), pct(c.value / total)] for i, c in enumerate(f.by_category, 1)]
        rows.append(["", _("合计"), str(total), pct(1.0)])
        _table(doc, [_("序号"), _("诉求类别"), _("件数"), _("占比")], rows)
    else:
        _none(doc, _("本月无诉求。"))
    doc.add_heading(_("（二）按责任部门"), level=2)
    backlog = {d.key: d for d in f.backlog.departments}
    if f.by_department:
        rows = []
        for i, d in enumerate(f.by_department, 1):
            b = backlog.get(d.key)
            rows.append([str(i), d.name, str(d.value), str(b.overdue if b else 0), str(b.supervised if b else 0)])
        rows.append(["", _("合计"), str(total), str(f.backlog.overdue), str(f.backlog.supervised)])
        _table(doc, [_("序号"), _("责任部门"), _("本月诉求（件）"), _("当前超期（件）"), _("当前督办（件）")], rows)
    else:
        _none(doc, _("本月无诉求。"))
    doc.add_heading(_("（三）按办理状态"), level=2)
    if f.by_state:
        _table(doc, [_("状态"), _("件数")], [[s.name, str(s.value)] for s in f.by_state])
    else:
        _none(doc, _("本月无诉求。"))


def _ranking(doc: DocxDocument, report: MonthlyReport) -> None:
    a = report.figures.assessment
    if not a.red and not a.black:
        _none(doc, _("本月有效评价样本不足，暂不排名。"))
        return
    doc.add_paragraph(
        _("按综合得分（响应率、解决率、满意率加权）排名：红榜%(red)s；黑榜%(black)s。")
        % {
            "red": _list_sep().join(p.name for p in a.red) or DASH,
            "black": _list_sep().join(p.name for p in a.black) or DASH,
        }
    )
    rows = [[_("红榜"), str(p.rank or DASH), p.name, score(p.composite), str(p.valid or 0)] for p in a.red]
    rows += [[_("黑榜"), str(p.rank or DASH), p.name, score(p.composite), str(p.valid or 0)] for p in a.black]
    _table(doc, [_("榜单"), _("名次"), _("部门"), _("综合得分"), _("有效评价（件）")], rows)


def _visits(doc: DocxDocument, report: MonthlyReport) -> None:
    v, pv = report.figures.visits, report.previous.visits
    if v.linked:
        doc.add_paragraph(
            _("本月挂钩企业%(linked)d家，已走访%(visited)d家，走访覆盖率%(rate)s（上月%(before)s）。")
            % {"linked": v.linked, "visited": v.visited, "rate": pct(v.rate), "before": pct(pv.rate)}
        )
    else:
        _none(doc, _("本月无挂钩企业走访数据。"))
    if v.departments:
        rows = [[d.name, str(d.linked), str(d.visited), pct(d.rate)] for d in v.departments]
        _table(doc, [_("部门"), _("挂钩企业（家）"), _("已走访（家）"), _("覆盖率")], rows)
    doc.add_heading(_("受打扰较多的企业"), level=2)
    if report.figures.disturbed:
        rows = [[d.name, str(d.counted), str(d.total), str(d.budget)] for d in report.figures.disturbed]
        _table(doc, [_("企业"), _("计入额度的到访（次）"), _("到访合计（次）"), _("月度额度（次）")], rows)
    else:
        _none(doc, _("本月没有企业被多次到访。"))


def _lists(doc: DocxDocument, report: MonthlyReport) -> None:
    lists = report.figures.lists
    if not lists.month:
        _none(doc, _("四张清单尚未评定。"))
        return
    first = date.fromisoformat(f"{lists.month}-01")
    doc.add_paragraph(
        _("依据%(month)s的清单评定结果：%(parts)s。")
        % {
            "month": month_label(first),
            "parts": _clause_sep().join(
                _("%(name)s%(n)d家（新进%(entered)d家、退出%(left)d家）")
                % {"name": item.name, "n": item.members, "entered": item.entered, "left": item.left}
                for item in lists.lists
            ),
        }
    )
    rows = [[item.name, str(item.members), str(item.entered), str(item.left)] for item in lists.lists]
    _table(doc, [_("清单"), _("在册企业（家）"), _("本月新进（家）"), _("本月退出（家）")], rows)


def _projects(doc: DocxDocument, report: MonthlyReport) -> None:
    pr = report.figures.projects
    if not pr.total:
        _none(doc, _("暂无在库项目。"))
        return
    counts = _list_sep().join(_("%(name)s%(n)d个") % {"name": s.name, "n": s.value} for s in pr.statuses)
    share = pct(pr.ytd_invested / pr.annual_planned) if pr.annual_planned else DASH
    doc.add_paragraph(
        _(
            "在库项目%(total)d个，其中%(counts)s。年度计划投资%(plan).0f万元，累计完成%(done).0f万元，完成%(share)s（时序进度%(due)s）。"
        )
        % {
            "total": pr.total,
            "counts": counts,
            "plan": pr.annual_planned,
            "done": pr.ytd_invested,
            "share": share,
            "due": pct(pr.elapsed),
        }
    )
    rows = [[s.name, str(s.value), pct(s.value / pr.total)] for s in pr.statuses]
    _table(doc, [_("进度"), _("项目（个）"), _("占比")], rows)


def report_docx(report: MonthlyReport) -> bytes:
    """The report as a .docx file: a title line, then the seven sections."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(report.title, level=0)
    subtitle = doc.add_paragraph(report.month_label)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_("数据截至%(day)s。") % {"day": day_label(date.fromisoformat(report.figures.as_of))})
    writers = (_overview, _cases, _ranking, _visits, _lists, _projects)
    for heading, write in zip(SECTIONS, writers, strict=False):
        doc.add_heading(str(heading), level=1)
        write(doc, report)
    doc.add_heading(str(SECTIONS[-1]), level=1)
    for i, line in enumerate(suggestions(report), 1):
        doc.add_paragraph(f"{i}. {line}")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def report_filename(report: MonthlyReport) -> str:
    return f"monthly-report-{report.first:%Y-%m}.docx"
