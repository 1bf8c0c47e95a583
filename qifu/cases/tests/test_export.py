"""Ledger export (PRODUCT.md §2.2 台账 layout; UX.md §6 导出Excel; formats.md formula neutralising):
exactly what the filtered ledger shows, in the actor's scope, audited, capped, no per-row queries."""

import io
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qifu.audit.models import AuditEntry
from qifu.cases import exporting
from qifu.cases.selectors import CaseFilters
from qifu.cases.tests.conftest import act, drive, file

BJ = ZoneInfo("Asia/Shanghai")
EXPORT = reverse("ledger:export")
LOCAL_10AM = datetime(2026, 3, 2, 10, tzinfo=BJ).replace(tzinfo=None)
HEADERS = [
    "序号",
    "企业名称",
    "信用代码",
    "挂钩干部",
    "类别",
    "诉求内容",
    "提出时间",
    "责任部门",
    "协办部门",
    "办理时限",
    "办理进度",
    "状态",
    "办结时间",
    "企业评价",
]


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BJ), tick=False):
        yield


def download(user, **params):
    client = Client()
    client.force_login(user)
    response = client.get(EXPORT, params)
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    return response, [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)], workbook


def by_header(rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_export_has_the_ledger_columns_and_one_rows_values(cast):
    # given a case resolved by JFJ with KJJ assisting, and a public progress note before that
    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "progress", case, note="已联系供电公司现场勘察", public=True)
    act(cast, "jfj_handler", "progress", case, note="内部：等待领导批示", public=False)
    act(cast, "kjj_handler", "assist_reply", case, answer="科创局意见：符合条件")
    act(cast, "jfj_handler", "resolve", case, answer="已协调供电公司增容")
    act(cast, "ent_a", "rate", case, solved="partly_solved", satisfaction="basically_satisfied")
    # when
    response, rows, workbook = download(cast.desk)
    # then
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    assert rows[0] == HEADERS
    [row] = by_header(rows)
    assert row["序号"] == 1
    assert (row["企业名称"], row["信用代码"], row["挂钩干部"]) == ("昆山甲电子科技有限公司", cast.a.uscc, "挂钩干部甲")
    assert (row["类别"], row["诉求内容"]) == ("水电气保障", "我司新厂房需要增容用电，请协调供电公司。")
    assert row["提出时间"] == LOCAL_10AM  # Beijing time, as Excel has no zones
    assert (row["责任部门"], row["协办部门"]) == ("经济发展局", "科技创新局")
    assert row["办理时限"].date() == case.resolve_by
    assert row["办理进度"] == "已协调供电公司增容"  # the latest public answer, not the internal note
    assert (row["状态"], row["企业评价"]) == ("已关闭", "部分解决/基本满意")
    assert row["办结时间"] == LOCAL_10AM
    assert all(cell.data_type != "f" for r in workbook.worksheets[0].iter_rows() for cell in r)


def test_progress_falls_back_to_the_plain_status(cast):
    # given a dispatched case, and one in progress with an internal note only
    drive(cast, "dispatched")
    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "progress", case, note="内部：等待领导批示", public=False)
    # when
    newest, older = by_header(download(cast.desk)[1])
    # then the enterprise's plain words stand in for a missing public progress note
    assert str(newest["办理进度"]).startswith("正在办理 · 经济发展局 · 预计")
    assert older["办理进度"] == "已转交经济发展局，等待签收"
    assert (older["状态"], older["办结时间"], older["企业评价"]) == ("待签收", None, None)


def test_formula_text_is_neutralised(cast):
    # given a case whose text a spreadsheet would run
    file(cast, text="=1+1")
    # when
    _, rows, workbook = download(cast.desk)
    # then the cell holds text, never a formula
    [row] = by_header(rows)
    assert row["诉求内容"] == "'=1+1"
    cell = workbook.worksheets[0]["F2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")


def test_export_takes_the_ledger_filters_and_is_audited(cast):
    # given
    submitted = file(cast, text="待受理的一件")
    drive(cast, "in_progress")
    before = AuditEntry.objects.count()
    # when
    _, rows, _ = download(cast.desk, state="submitted", enterprise=cast.a.uscc, bogus="x")
    # then only the filtered rows
    assert [r["诉求内容"] for r in by_header(rows)] == [submitted.text]
    [entry] = AuditEntry.objects.filter(id__gt=before, action="case_export")
    assert entry.action == "case_export" and entry.actor_username == "desk"
    assert entry.changes == {
        "filters": {"state": ["submitted"], "enterprise": cast.a.uscc},
        "rows": 1,
        "truncated": False,
    }


def test_export_follows_the_scope_of_the_actor(cast):
    drive(cast, "in_progress")
    assert len(download(cast.liaison_a)[1]) == 2
    assert len(download(cast.liaison_b)[1]) == 1  # the header only
    assert len(download(cast.liaison_b, enterprise=cast.a.uscc)[1]) == 1  # a filter never widens


@pytest.mark.parametrize("who", ["ent_a", "sysadmin", "auditor"])
def test_export_is_for_staff_only_case(cast, who):
    client = Client()
    client.force_login(getattr(cast, who))
    before = AuditEntry.objects.count()
    assert client.get(EXPORT).status_code == 404
    assert AuditEntry.objects.count() == before


def test_export_needs_a_login(db):
    response = Client().get(EXPORT)
    assert response.status_code == 302 and "login" in response["Location"]


def test_export_is_capped_and_says_so(cast):
    # given three cases and a cap of two rows
    for i in range(3):
        file(cast, text=f"第{i}件")
    # when
    handle, count, truncated = exporting.case_export(actor=cast.actor(cast.desk), filters=CaseFilters(), limit=2)
    # then two rows (newest first), and a last line stating the cap
    rows = [list(r) for r in openpyxl.load_workbook(handle).worksheets[0].iter_rows(values_only=True)]
    assert (count, truncated) == (2, True)
    assert [r[5] for r in rows[1:3]] == ["第2件", "第1件"]
    assert rows[3][1] == "仅导出前2条，请缩小筛选范围后分批导出。"
    assert AuditEntry.objects.filter(action="case_export").latest("id").changes["truncated"] is True


def test_export_leaves_no_file_on_disk(cast):
    file(cast)
    before = set(os.listdir(tempfile.gettempdir()))
    download(cast.desk)
    assert set(os.listdir(tempfile.gettempdir())) - before == set()


def _queries(cast) -> int:
    client = Client()
    client.force_login(cast.desk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT)
        b"".join(response.streaming_content)
    return len(queries)


def test_export_queries_do_not_grow_with_rows(cast):
    # given one case of each kind, then many more
    drive(cast, "resolved")
    file(cast)
    few = _queries(cast)
    for _ in range(6):
        drive(cast, "in_progress")
        file(cast)
    # then the same number of queries (assists and progress are fetched per chunk, not per row)
    assert _queries(cast) == few


def test_export_reads_in_chunks(cast, monkeypatch):
    # given five cases and chunks of two: three chunks, two bulk queries each
    monkeypatch.setattr(exporting, "CHUNK", 2)
    for _ in range(5):
        drive(cast, "dispatched")
    qs = exporting.export_queryset(actor=cast.actor(cast.desk), filters=CaseFilters())
    with CaptureQueriesContext(connection) as queries:
        rows = list(exporting.export_rows(qs, chunk=2))
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert len(queries) == 1 + 3 * 2
