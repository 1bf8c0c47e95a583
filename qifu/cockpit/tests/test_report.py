"""The monthly work report (issue 6 item 6): a Word document built from the cockpit's figures.

It opens with python-docx, carries the title line and the seven section headings, every number in
it is the figures object's, a month without data still gives a complete report, and only leaders
and the service desk may download it (others: 403, as on the cockpit).

November 2026 has no holiday: a utilities case (10 working days) signed on Monday 2 Nov is due on
Monday 16 Nov; on 25 Nov the deadline job has marked it overdue.
"""

from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from qifu.cases.sla import sla_run
from qifu.cockpit.figures import CockpitFigures, CoverageItem, cockpit_figures
from qifu.cockpit.report import SECTIONS, monthly_report, pct, report_docx, score, suggestions
from qifu.conftest import Cast
from qifu.core.errors import PermissionDenied

from .conftest import act, at, filed, handled

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
NOVEMBER = date(2026, 11, 1)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the cockpit keeps some figures for the day: none from another test's zone


@pytest.fixture
def months(cast: Cast) -> Cast:
    """October: two cases, both resolved and rated 已解决/满意. November: five cases of enterprise
    A at JFJ — one resolved and rated, one rated 未解决/不满意 (reopened), one overdue in progress,
    one supervised, one not yet dispatched."""
    for day in (12, 13):
        handled(
            cast,
            accept=at(10, day),
            sign=at(10, day),
            resolve=at(10, day + 2),
            rate=("solved", "satisfied"),
            filed_at=at(10, day),
        )
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4), rate=("solved", "satisfied"))
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 3), rate=("not_solved", "dissatisfied"))
    handled(cast, accept=at(11, 2), sign=at(11, 2))  # due 16 Nov: overdue
    supervised = handled(cast, accept=at(11, 20), sign=at(11, 20), filed_at=at(11, 20))
    act(cast, "leader", "supervise", supervised, at(11, 23), note="请加快办理。")
    filed(cast, at(11, 24))
    sla_run(now=at(11, 25, 9))
    return cast


def _doc(content: bytes) -> DocxDocument:
    return Document(BytesIO(content))


def _headings(doc: DocxDocument, level: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name == level]


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _text(doc: DocxDocument) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _find(doc: DocxDocument, header: str) -> list[list[str]]:
    """The rows (header first) of the table whose header row starts with HEADER."""
    return next(_rows(t) for t in doc.tables if t.rows[0].cells[0].text == header)


@time_machine.travel(TODAY, tick=False)
@override_settings(ASSESS_MIN_CASES=1, ZONE_NAME="昆山高新区")
def test_the_report_opens_and_has_the_title_and_seven_sections(months):
    # when
    report = monthly_report(actor=months.actor(months.leader), month=NOVEMBER)
    doc = _doc(report_docx(report))
    # then
    assert _headings(doc, "Title") == ["昆山高新区企业挂钩服务月度工作报告"]
    assert "2026年11月" in [p.text for p in doc.paragraphs]
    assert _headings(doc, "Heading 1") == [str(s) for s in SECTIONS]
    assert all(len(t.rows) >= 1 for t in doc.tables)  # every table has its header row


@time_machine.travel(TODAY, tick=False)
@override_settings(ASSESS_MIN_CASES=1)
def test_every_number_is_the_figures_objects(months):
    leader = months.actor(months.leader)
    # given the cockpit's figures for November and October, read independently of the report
    f: CockpitFigures = cockpit_figures(actor=leader, month=NOVEMBER)
    p: CockpitFigures = cockpit_figures(actor=leader, month=date(2026, 10, 1))
    assert (f.totals.filed, p.totals.filed) == (5, 2)  # the fixture, as the cockpit counts it
    # when
    doc = _doc(report_docx(monthly_report(actor=leader, month=NOVEMBER)))
    text = _text(doc)
    # then 一、总体情况: the comparison table and the sentences
    overview = {row[0]: row[1:] for row in _find(doc, "指标")}
    assert overview["收到诉求（件）"] == [str(f.totals.filed), str(p.totals.filed), "增加3"]
    assert overview["已办结（件）"][:2] == [str(f.totals.done), str(p.totals.done)]
    assert overview["在办（件）"][:2] == [str(f.totals.open), str(p.totals.open)]
    assert overview["解决率"][:2] == [pct(f.assessment.solve_rate), pct(p.assessment.solve_rate)]
    assert overview["满意率"][:2] == [pct(f.assessment.satisfaction_rate), pct(p.assessment.satisfaction_rate)]
    assert overview["综合得分"][:2] == [score(f.assessment.composite), score(p.assessment.composite)]
    assert overview["综合得分"][2].endswith("分") and "百分点" in overview["解决率"][2]
    assert f"本月共收到企业诉求{f.totals.filed}件，较上月增加3件（上月{p.totals.filed}件）" in text
    assert f"其中超期{f.backlog.overdue}件、督办{f.backlog.supervised}件" in text
    assert f.backlog.overdue >= 1 and f.backlog.supervised >= 1
    # 二、诉求办理: by category and by department, the figures' rows in their order
    categories = _find(doc, "序号")
    assert [(r[1], r[2]) for r in categories[1:-1]] == [(c.name, str(c.value)) for c in f.by_category]
    assert categories[-1][1:3] == ["合计", str(f.totals.filed)]
    departments = next(_rows(t) for t in doc.tables if t.rows[0].cells[1].text == "责任部门")
    assert [(r[1], r[2]) for r in departments[1:-1]] == [(d.name, str(d.value)) for d in f.by_department]
    assert departments[-1][1:] == ["合计", str(f.totals.filed), str(f.backlog.overdue), str(f.backlog.supervised)]
    jfj = next(r for r in departments if r[1] == "经济发展局")
    assert jfj[3] == str(next(d.overdue for d in f.backlog.departments if d.key == "JFJ"))
    states = _find(doc, "状态")
    assert [(r[0], r[1]) for r in states[1:]] == [(s.name, str(s.value)) for s in f.by_state]
    # 三、考核排名: the 红黑榜 names and scores
    board = _find(doc, "榜单")
    assert [(r[2], r[3]) for r in board[1:] if r[0] == "红榜"] == [
        (x.name, score(x.composite)) for x in f.assessment.red
    ]
    assert [r[2] for r in board[1:] if r[0] == "黑榜"] == [x.name for x in f.assessment.black]
    # 五、四张清单 and 六、项目推进
    if f.lists.month:
        lists = _find(doc, "清单")
        assert [(r[0], r[1]) for r in lists[1:]] == [(x.name, str(x.members)) for x in f.lists.lists]
    progress = _find(doc, "进度")
    assert [(r[0], r[1]) for r in progress[1:]] == [(s.name, str(s.value)) for s in f.projects.statuses]
    assert f"在库项目{f.projects.total}个" in text
    # 七、下月工作建议: generated from the same figures — the overdue department is to be supervised
    advice = _text(doc).split(str(SECTIONS[-1]))[-1]
    assert "重点督促经济发展局" in advice
    for i, line in enumerate(suggestions(monthly_report(actor=leader, month=NOVEMBER)), 1):
        assert f"{i}. {line}" in advice


@time_machine.travel(TODAY, tick=False)
def test_a_month_without_data_still_gives_a_complete_report(cast):
    # given no case, no visit and no list evaluation at all
    report = monthly_report(actor=cast.actor(cast.desk), month=date(2026, 3, 1))
    # when
    doc = _doc(report_docx(report))
    # then
    text = _text(doc)
    assert _headings(doc, "Heading 1") == [str(s) for s in SECTIONS]
    assert "本月未收到企业诉求（上月0件）。" in text
    assert "本月尚无有效评价，三率暂不计算。" in text
    assert "本月有效评价样本不足，暂不排名。" in text
    assert "四张清单尚未评定。" in text
    # the only suggestion: the cast's project A, whose start was planned for 1 March, is late
    advice = text.split(str(SECTIONS[-1]))[-1].strip().splitlines()
    assert advice == ["1. 1个项目进度滞后，要逐个召开协调会，明确节点和责任部门。"]
    overview = {row[0]: row[1:] for row in _find(doc, "指标")}
    assert overview["解决率"] == ["—", "—", "—"]  # no denominator: never 0%


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("who", ["leader", "desk"])
def test_leader_and_desk_download_the_report_case(months, client, who):
    client.force_login(getattr(months, who))
    # when
    response = client.get(reverse("cockpit_report:download", args=["2026-11"]))
    # then
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert 'filename="monthly-report-2026-11.docx"' in response["Content-Disposition"]
    doc = _doc(response.content)
    assert _headings(doc, "Heading 1") == [str(s) for s in SECTIONS]


@pytest.mark.parametrize("who", ["jfj_head", "jfj_handler", "liaison_a", "deputy", "ent_a", "sysadmin", "auditor"])
def test_nobody_else_may_download_it_case(cast, client, who):
    client.force_login(getattr(cast, who))
    # refused as on the cockpit itself (403), before the month is even read
    assert client.get("/cockpit/report/2026-11.docx").status_code == 403
    assert client.get("/cockpit/report/2026-13.docx").status_code == 403
    with pytest.raises(PermissionDenied):
        monthly_report(actor=cast.actor(getattr(cast, who)), month=NOVEMBER)


def test_signed_out_is_sent_to_sign_in_and_a_bad_month_is_not_found(cast, client):
    assert client.get("/cockpit/report/2026-11.docx").status_code == 302
    client.force_login(cast.leader)
    assert client.get("/cockpit/report/2026-13.docx").status_code == 404
    assert client.get("/cockpit/report/2026-1.docx").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_command_writes_the_same_report(months, tmp_path: Path):
    out = tmp_path / "report.docx"
    # when
    call_command("report", "monthly", "--month", "2026-11", "--out", str(out), "--as", months.leader.username)
    # then
    doc = _doc(out.read_bytes())
    assert _headings(doc, "Heading 1") == [str(s) for s in SECTIONS]
    assert "本月共收到企业诉求5件" in _text(doc)
    with pytest.raises(CommandError):
        call_command("report", "monthly", "--month", "2026-11", "--out", str(out), "--as", months.liaison_a.username)
    with pytest.raises(CommandError):
        call_command("report", "monthly", "--month", "2026-13", "--out", str(out), "--as", months.leader.username)


@time_machine.travel(TODAY, tick=False)
def test_nothing_to_act_on_gives_one_keep_going_suggestion(cast):
    # given the empty March, with the late project set aside
    report = monthly_report(actor=cast.actor(cast.leader), month=date(2026, 3, 1))
    f = report.figures
    calm = replace(f, projects=replace(f.projects, statuses=[replace(s, value=0) for s in f.projects.statuses]))
    # when / then
    keep_going = "各项指标运行平稳，下月继续保持挂钩服务和诉求办理的工作节奏。"
    assert suggestions(replace(report, figures=calm)) == [keep_going]


@time_machine.travel(TODAY, tick=False)
def test_suggestions_name_the_lowest_coverage_first_and_projects_at_risk(cast):
    # given March's figures with four departments' coverage and two projects at risk
    report = monthly_report(actor=cast.actor(cast.leader), month=date(2026, 3, 1))
    f = report.figures
    coverage = [
        CoverageItem(key=k, name=n, linked=10, visited=v, rate=v / 10, url="/visits/coverage/")
        for k, n, v in (("A", "甲局", 8), ("B", "乙局", 4), ("C", "丙局", 0), ("D", "丁局", 2), ("E", "戊局", 3))
    ]
    statuses = [replace(s, value={"late": 0, "at_risk": 2}.get(s.key, 5)) for s in f.projects.statuses]
    visits, projects = replace(f.visits, departments=coverage), replace(f.projects, statuses=statuses)
    figures = replace(f, visits=visits, projects=projects)
    # when
    advice = suggestions(replace(report, figures=figures))
    # then the three lowest under 50%, lowest first, and the projects at risk
    assert advice == [
        "走访覆盖率偏低的丙局（0.0%）、丁局（20.0%）、戊局（30.0%）要加快走访挂钩企业。",
        "2个项目存在进度风险，要提前协调要素保障，防止节点逾期。",
    ]
