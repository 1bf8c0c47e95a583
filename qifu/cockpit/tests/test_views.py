"""The cockpit page, its Excel exports and GET /api/v1/cockpit: content, refusals, query budgets."""

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.test import Client

from qifu.accounts.models import User
from qifu.audit.models import AuditEntry
from qifu.cockpit.exporting import SECTIONS
from qifu.conftest import Cast

from .conftest import November

pytestmark = pytest.mark.django_db

OTHERS = ["ent_a", "liaison_a", "deputy", "jfj_handler", "jfj_head", "sysadmin", "auditor"]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _book(response: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_page_shows_kpis_charts_and_drill_down_links(cast: Cast, november: November) -> None:
    response = _client(cast.leader).get("/cockpit/?month=2026-11")
    assert response.status_code == 200
    html = response.content.decode()
    assert "领导驾驶舱" in html
    assert 'data-kpi="filed">4<' in html
    for chart in ("categories", "departments", "states", "trend", "assessment", "backlog", "visits", "disturbed"):
        assert f'data-qf-cockpit-chart="{chart}"' in html, chart
    for chart in ("lists", "common", "projects"):
        assert f'data-qf-cockpit-chart="{chart}"' in html, chart
    assert 'href="/cases/?category=talent&amp;since=2026-11-01&amp;until=2026-11-30"' in html
    assert 'id="cockpit-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html.replace('<script id="cockpit-data" type="application/json">', "")
    assert 'href="/cockpit/report/2026-11.docx"' in html  # the month's Word report, one click away
    # charts first, tables under them
    assert html.index('data-qf-cockpit-chart="categories"') < html.index('data-drill="categories"')


def test_the_nav_offers_the_cockpit_to_leaders_and_the_desk_only(cast: Cast) -> None:
    for who, shown in (("leader", True), ("desk", True), ("liaison_a", False), ("jfj_head", False)):
        html = _client(getattr(cast, who)).get("/").content.decode()
        assert ('href="/cockpit/"' in html) is shown, who


def test_a_bad_month_shows_the_current_month_with_a_message(cast: Cast) -> None:
    response = _client(cast.desk).get("/cockpit/?month=2026-13")
    assert response.status_code == 200
    assert "月份无效" in response.content.decode()


@pytest.mark.parametrize("who", OTHERS)
def test_the_page_and_exports_refuse_other_roles(cast: Cast, who: str) -> None:
    client = _client(getattr(cast, who))
    assert client.get("/cockpit/").status_code == 403
    assert client.get("/cockpit/export.xlsx").status_code == 403
    assert client.get("/cockpit/export/categories.xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/cockpit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_reads_a_fixed_number_of_queries(
    cast: Cast, november: November, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _client(cast.leader)
    client.get("/cockpit/?month=2026-11")  # the month's coverage is built on its first read
    with django_assert_max_num_queries(30):
        assert client.get("/cockpit/?month=2026-11").status_code == 200


def test_the_workbook_has_a_sheet_per_table_with_headers(cast: Cast, november: November) -> None:
    response = _client(cast.leader).get("/cockpit/export.xlsx?month=2026-11")
    assert response.status_code == 200
    assert quote("驾驶舱-2026-11.xlsx") in response["Content-Disposition"]
    book = _book(response)
    assert len(book.sheetnames) == len(SECTIONS)
    categories = book["按类别"]
    rows = list(categories.iter_rows(values_only=True))
    assert rows[0] == ("诉求类别", "代码", "诉求件数")
    assert ("水电气保障", "utilities", 3) in rows[1:]
    backlog = list(book["超期与督办"].iter_rows(values_only=True))
    assert backlog[0] == ("责任部门", "代码", "超期在办", "督办在办")
    assert backlog[-1] == ("合计", None, 1, 2)
    trend = list(book["近12个月诉求"].iter_rows(values_only=True))
    assert trend[0] == ("月份", "提出件数", "其中已办结") and trend[-1] == ("2026-11", 4, 1)
    assert AuditEntry.objects.filter(action="cockpit_export").exists()


def test_one_table_alone(cast: Cast, november: November) -> None:
    client = _client(cast.desk)
    response = client.get("/cockpit/export/lists.xlsx?month=2026-11")
    book = _book(response)
    assert book.sheetnames == ["四张清单"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("清单", "代码", "快照月份", "企业数", "本月新进", "本月退出")
    assert len(rows) == 5  # the four lists
    assert client.get("/cockpit/export/nothing.xlsx").status_code == 404
    assert client.get("/cockpit/export.xlsx?month=bad").status_code == 404


# --- the API ------------------------------------------------------------------------------------


def test_the_api_returns_the_figures(cast: Cast, november: November, api_as: Any) -> None:
    response = api_as(cast.leader).get("/api/v1/cockpit?month=2026-11")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == "2026-11"
    assert body["totals"]["filed"] == 4
    assert {i["key"]: i["value"] for i in body["by_category"]} == {"utilities": 3, "talent": 1}
    assert body["assessment"]["composite"] == 1.0
    assert body["backlog"]["overdue"] == 1
    assert body["trend"]["months"][-1] == "2026-11"
    assert body["disturbed"][0]["uscc"] == cast.a.uscc
    assert body["by_category"][0]["url"].startswith("/cases/?")


def test_the_api_defaults_to_this_month_and_rejects_a_bad_one(cast: Cast, api_as: Any) -> None:
    assert api_as(cast.desk).get("/api/v1/cockpit").status_code == 200
    bad = api_as(cast.desk).get("/api/v1/cockpit?month=2026-13")
    assert bad.status_code == 422 and bad.json()["code"] == "cockpit_bad_month"


@pytest.mark.parametrize("who", OTHERS)
def test_the_api_refuses_other_roles_before_reading_the_month(cast: Cast, who: str, api_as: Any) -> None:
    response = api_as(getattr(cast, who)).get("/api/v1/cockpit?month=bad")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_the_api_reads_a_fixed_number_of_queries(
    cast: Cast, november: November, api_as: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = api_as(cast.leader)
    client.get("/api/v1/cockpit?month=2026-11")
    with django_assert_max_num_queries(26):
        assert client.get("/api/v1/cockpit?month=2026-11").status_code == 200
