"""The project progress board: page (chart data, filters, table, HTMX fragment), Excel export and
GET /api/v1/projects/board — scope as the project list, filters, order, query counts, bad filters."""

import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from qifu.audit.models import AuditEntry
from qifu.linkage.services import linkage_assign
from qifu.projects.services import ProjectData, milestone_set, project_create
from qifu.projects.tests.helpers import invest, plan

TODAY = date(2026, 4, 1)  # A's 开工 (planned 03-01) is 31 days late: late
BOARD = "/api/v1/projects/board"

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    cache.clear()
    with time_machine.travel(TODAY, tick=False):
        yield


def _html(response) -> str:
    return str(response.content.decode())


def _codes(html: str, *codes: str) -> list[str]:
    """The codes linked from the page, in the order they appear."""
    found = [(html.find(reverse("projects:detail", args=[c])), c) for c in codes]
    return [c for at, c in sorted(found) if at >= 0]


def _at_risk_project(cast, code: str = "XM-2026-010", park: str = "光电产业园", major: bool = False):
    """A project of C whose 开工 was due 2026-03-25: 7 days late, at risk."""
    desk = cast.actor(cast.desk)
    p = project_create(
        actor=desk,
        enterprise=cast.c,
        data=ProjectData(code=code, name=f"丙医药{code}", total_investment=Decimal(800), major=major, park=park),
    )
    milestone_set(actor=desk, project=p, kind="start", planned_on=date(2026, 3, 25))
    return p


def _more(cast, n: int) -> None:
    desk = cast.actor(cast.desk)
    for i in range(n):
        p = project_create(
            actor=desk,
            enterprise=cast.b,
            data=ProjectData(
                code=f"XM-M-{i:03d}", name=f"批量{i}", total_investment=Decimal(10), park="精密机械产业园"
            ),
        )
        milestone_set(actor=desk, project=p, kind="signing", planned_on=date(2026, 1, 1), actual_on=date(2026, 1, 5))
        milestone_set(actor=desk, project=p, kind="start", planned_on=date(2026, 3, 1) if i % 2 else date(2026, 9, 1))
        linkage_assign(actor=desk, enterprise=cast.b, liaison=cast.liaison_b, project=p)
    invest(desk, [(f"XM-M-{i:03d}", "2026-02", "3") for i in range(n)])


# --- the page ---------------------------------------------------------------------------------


def test_board_lists_by_lateness_with_badges_and_chart_data(cast, client):
    # given A late, C's project at risk, B on schedule
    _at_risk_project(cast)
    client.force_login(cast.leader)
    # when
    html = _html(client.get(reverse("projects:board")))
    # then late first, then at risk, then on schedule; the UX.md colours
    assert _codes(html, "XM-2026-001", "XM-2026-002", "XM-2026-010") == ["XM-2026-001", "XM-2026-010", "XM-2026-002"]
    assert '<span class="qf-badge qf-badge-delayed">滞后</span>' in html
    assert '<span class="qf-badge qf-badge-soon">有风险</span>' in html
    assert "逾期 31 天" in html and "逾期 7 天" in html
    # the chart data comes first, through json_script, and the scripts are files (CSP)
    assert html.index('id="board-chart-data"') < html.index('id="project-table"')
    opening = '<script id="board-chart-data" type="application/json">'
    start = html.index(opening) + len(opening)
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["counts"] == {"late": 1, "at_risk": 1, "on_schedule": 1}
    by_park = dict(
        zip(data["parks"], zip(data["late"], data["at_risk"], data["on_schedule"], strict=True), strict=True)
    )
    assert by_park == {"": (1, 0, 1), "光电产业园": (0, 1, 0)}  # A and B have no park (the chart says 未填园区)
    assert "projects/projects.js" in html and "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "late"}, ["XM-2026-001"]),
        ({"status": "at_risk"}, ["XM-2026-010"]),
        ({"status": "on_schedule"}, ["XM-2026-002", "XM-2026-011"]),
        ({"park": "小核酸及生物医药产业园"}, ["XM-2026-011"]),
        ({"major": "1"}, ["XM-2026-011"]),
        ({"major": "0", "status": "on_schedule"}, ["XM-2026-002"]),
        ({"liaison": "LIAISON_B"}, ["XM-2026-002"]),
        ({"q": "乙精密"}, ["XM-2026-002"]),
    ],
    ids=str,
)
def test_board_filters_case(cast, client, query, expected):
    # given C's two projects: one at risk in 光电产业园, one major on schedule in the biomedicine park,
    # and B's project with liaison_b as its primary liaison
    _at_risk_project(cast)
    desk = cast.actor(cast.desk)
    project_create(
        actor=desk,
        enterprise=cast.c,
        data=ProjectData(
            code="XM-2026-011",
            name="丙医药二期",
            total_investment=Decimal(1),
            major=True,
            park="小核酸及生物医药产业园",
        ),
    )
    linkage_assign(actor=desk, enterprise=cast.b, liaison=cast.liaison_b, project=cast.project_b)
    if query.get("liaison") == "LIAISON_B":
        query = {**query, "liaison": str(cast.liaison_b.pk)}
    client.force_login(cast.desk)
    # when
    html = _html(client.get(reverse("projects:board"), query))
    # then
    all_codes = ("XM-2026-001", "XM-2026-002", "XM-2026-010", "XM-2026-011")
    assert _codes(html, *all_codes) == expected
    assert "已忽略" not in html


@pytest.mark.parametrize("query", [{"status": "nonsense"}, {"liaison": "abc"}, {"liaison": "-3"}], ids=str)
def test_board_ignores_a_bad_filter_and_says_so_case(cast, client, query):
    client.force_login(cast.desk)
    response = client.get(reverse("projects:board"), query)
    html = _html(response)
    assert response.status_code == 200
    assert _codes(html, "XM-2026-001", "XM-2026-002") == ["XM-2026-001", "XM-2026-002"]
    assert 'id="board-ignored"' in html and "已忽略" in html


def test_board_answers_htmx_with_the_board_fragment(cast, client):
    client.force_login(cast.desk)
    response = client.get(reverse("projects:board"), {"status": "late"}, headers={"HX-Request": "true"})
    html = _html(response)
    assert html.lstrip().startswith('<div id="project-board"')
    assert "<html" not in html and 'id="board-chart-data"' in html
    assert _codes(html, "XM-2026-001", "XM-2026-002") == ["XM-2026-001"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("desk", ["XM-2026-001", "XM-2026-002"]),
        ("leader", ["XM-2026-001", "XM-2026-002"]),
        ("liaison_a", ["XM-2026-001"]),
        ("liaison_b", ["XM-2026-002"]),
        ("ent_a", ["XM-2026-001"]),
        ("ent_b", ["XM-2026-002"]),
        ("kjj_handler", ["XM-2026-001"]),  # sits in A's task force
        ("jfj_handler", []),
        ("deputy", []),
    ],
)
def test_board_shows_exactly_the_scope_case(cast, client, who, expected):
    client.force_login(getattr(cast, who))
    html = _html(client.get(reverse("projects:board")))
    assert _codes(html, "XM-2026-001", "XM-2026-002") == expected
    # the figures too: no other project's money reaches the chart
    if expected == ["XM-2026-002"]:
        assert '"late": 0' in html


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_board_and_export_are_404_for_the_three_administrators_case(cast, client, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("projects:board")).status_code == 404
    assert client.get(reverse("projects:board_export")).status_code == 404


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_board_query_count_does_not_grow_case(cast, client, django_assert_max_num_queries, htmx):
    client.force_login(cast.desk)
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("projects:board")
    client.get(url, headers=headers)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, headers=headers)
    _more(cast, 30)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url, headers=headers).status_code == 200
    assert len(few) <= 8


# --- the export -------------------------------------------------------------------------------


def _sheet(response) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_export_is_exactly_the_filtered_board(cast, client):
    # given B with a plan of 1,200 and 300 reported in February; C's project at risk
    desk = cast.actor(cast.desk)
    plan(desk, cast.project_b, annual_planned=Decimal(1200), status="construction", park="精密机械产业园")
    invest(desk, [("XM-2026-002", "2026-02", "300")])
    _at_risk_project(cast)
    client.force_login(cast.leader)
    audits = AuditEntry.objects.count()
    # when the whole board, then only what is not late, is exported
    everything = _sheet(client.get(reverse("projects:board_export")))
    not_late = _sheet(client.get(reverse("projects:board_export"), {"status": "on_schedule"}))
    # then
    header = everything[0]
    assert header[:7] == ["项目编号", "项目名称", "业主企业", "所在园区", "重大项目", "项目状态", "进度"]
    assert [r[0] for r in everything[1:]] == ["XM-2026-001", "XM-2026-010", "XM-2026-002"]
    assert [r[0] for r in not_late[1:]] == ["XM-2026-002"]
    b = dict(zip(header, not_late[1], strict=True))
    assert b["进度"] == "正常" and b["项目状态"] == "在建" and b["所在园区"] == "精密机械产业园"
    assert (b["年度计划投资(万元)"], b["本年完成投资(万元)"], b["完成年度计划(%)"]) == (1200, 300, 25)
    assert (b["时间进度(%)"], b["累计完成投资(万元)"], b["最近填报月份"]) == (25, 300, "2026-02")
    a = dict(zip(header, everything[1], strict=True))
    assert (a["进度"], a["逾期天数"], a["延误节点数"], a["下一节点"]) == ("滞后", 31, 2, "开工")
    assert AuditEntry.objects.filter(action="project_board_export").count() == 2
    assert AuditEntry.objects.count() == audits + 2


def test_export_keeps_to_the_scope(cast, client):
    client.force_login(cast.ent_b)
    rows = _sheet(client.get(reverse("projects:board_export")))
    assert [r[0] for r in rows[1:]] == ["XM-2026-002"]


# --- the API ----------------------------------------------------------------------------------


def test_api_board_rows_carry_figures_and_status(cast, api_as):
    desk = cast.actor(cast.desk)
    plan(desk, cast.project_b, annual_planned=Decimal(1200), status="construction")
    invest(
        desk, [("XM-2026-002", "2026-01", "100"), ("XM-2026-002", "2026-02", "100.5"), ("XM-2026-002", "2025-12", "9")]
    )
    body = api_as(cast.leader).get(BOARD).json()
    assert body["count"] == 2
    a, b = body["items"]
    assert (a["code"], a["progress"], a["days_overdue"], a["late_milestones"]) == ("XM-2026-001", "late", 31, 2)
    assert a["next_milestone"] == {"kind": "start", "label": "开工", "planned_on": "2026-03-01"}
    assert a["ytd_share"] is None and a["last_month"] is None
    assert (b["code"], b["progress"], b["ytd_invested"], b["ytd_share"]) == (
        "XM-2026-002",
        "on_schedule",
        "200.50",
        "0.1671",
    )
    assert (b["year_elapsed"], b["completed_investment"], b["last_month"]) == ("0.25", "209.50", "2026-02")
    assert b["next_milestone"] is None and b["enterprise"] == {"uscc": cast.b.uscc, "name": cast.b.name}


def test_api_board_filters_and_pages(cast, api_as):
    _at_risk_project(cast, major=True)
    client = api_as(cast.desk)
    assert [p["code"] for p in client.get(BOARD, {"status": "at_risk"}).json()["items"]] == ["XM-2026-010"]
    assert [p["code"] for p in client.get(BOARD, {"major": "true"}).json()["items"]] == ["XM-2026-010"]
    assert [p["code"] for p in client.get(BOARD, {"park": "光电产业园"}).json()["items"]] == ["XM-2026-010"]
    page = client.get(BOARD, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [p["code"] for p in page["items"]] == ["XM-2026-010"]


def test_api_board_refuses_an_unknown_status_clearly(cast, api_as):
    response = api_as(cast.desk).get(BOARD, {"status": "nonsense"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "status" in json.dumps(body)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("desk", ["XM-2026-001", "XM-2026-002"]),
        ("liaison_a", ["XM-2026-001"]),
        ("ent_b", ["XM-2026-002"]),
        ("jfj_handler", []),
        ("deputy", []),
        ("auditor", []),
    ],
)
def test_api_board_scope_is_the_project_list_case(cast, api_as, who, expected):
    client = api_as(getattr(cast, who))
    board = [p["code"] for p in client.get(BOARD).json()["items"]]
    listed = [p["code"] for p in client.get("/api/v1/projects").json()["items"]]
    assert board == expected and sorted(listed) == expected


def test_api_board_query_count_does_not_grow(cast, api_as, django_assert_max_num_queries):
    client = api_as(cast.desk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(BOARD)
    _more(cast, 30)
    with django_assert_max_num_queries(len(few)):
        body = client.get(BOARD, {"limit": 50}).json()
    assert body["count"] == 32 and len(body["items"]) == 32


# --- the project page -------------------------------------------------------------------------


def test_project_page_draws_the_investment_chart_against_the_plan(cast, client, django_assert_max_num_queries):
    # given B plans 1,200 this year and reported January and February (and December before)
    desk = cast.actor(cast.desk)
    plan(desk, cast.project_b, annual_planned=Decimal(1200), status="construction")
    url = reverse("projects:detail", args=["XM-2026-002"])
    client.force_login(cast.leader)
    assert 'id="project-chart-data"' not in _html(client.get(url))  # nothing reported: no chart
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as bare:
        client.get(url)
    invest(desk, [("XM-2026-002", "2025-12", "9"), ("XM-2026-002", "2026-01", "100"), ("XM-2026-002", "2026-02", "50")])
    # when
    with django_assert_max_num_queries(len(bare) + 1):  # one query for the months of the chart
        html = _html(client.get(url))
    # then
    opening = '<script id="project-chart-data" type="application/json">'
    start = html.index(opening) + len(opening)
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["labels"][0] == "2025-01" and data["labels"][-1] == "2026-04"
    assert data["invested"][11:14] == [9.0, 100.0, 50.0]
    assert data["ytd"][12:16] == [100.0, 150.0, 150.0, 150.0]
    assert data["plan"][12:16] == [100.0, 200.0, 300.0, 400.0]
    assert data["ytd"][11] is None and data["plan"][11] is None  # last year: no plan line
    assert "本年完成投资" in html and "完成年度计划 12%" in html and "2026-02" in html
    # 150 < 0.6 × 1,200 × 3/12 = 180 (January to March are due on April 1st): at risk
    assert '<span class="qf-badge qf-badge-soon" id="project-board-status">有风险</span>' in html
