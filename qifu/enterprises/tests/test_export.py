"""Enterprise export (UX.md §6 导出Excel; PI-2 masking; IP-6 e formula neutralisation)."""

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from qifu.audit.models import AuditEntry
from qifu.core.excel import Column, Sheet, neutralise, write_xlsx
from qifu.enterprises import exporting
from qifu.enterprises.importing import enterprise_import
from qifu.enterprises.models import Enterprise
from qifu.enterprises.selectors import EnterpriseFilters
from qifu.enterprises.services import EnterpriseData, enterprise_contacts, enterprise_create
from qifu.enterprises.tests.sheets import HEADERS_ZH
from qifu.enterprises.uscc import make_uscc

EXPORT_URL = reverse("enterprises:export")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, url: str = EXPORT_URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    return response, openpyxl.load_workbook(io.BytesIO(body))


def sheet_rows(workbook) -> list[list[object]]:
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def all_cells(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


# --- The generic writer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+86 139", "'+86 139"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\0=1", "'=1"),  # NUL cannot be stored in XML: dropped, and the prefix stays
        ("a\x07b", "ab"),
        ("昆山=甲", "昆山=甲"),
        (12, 12),
        (-3.5, -3.5),
        (None, None),
        (date(2020, 1, 2), date(2020, 1, 2)),
        (float("nan"), None),
    ],
    ids=lambda v: repr(v)[:12],
)
def test_neutralise_case(value, expected):
    assert neutralise(value) == expected


def test_writer_never_writes_a_formula_cell():
    # given every trigger in a string cell
    buffer = io.BytesIO()
    triggers = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\0=1", '=HYPERLINK("http://x","y")']
    counts = write_xlsx(buffer, Sheet(title="t/[x]", columns=[Column("=h")], rows=[[t] for t in triggers]))
    # when
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    # then
    assert counts == [len(triggers)]
    assert all(cell.data_type != "f" for cell in all_cells(workbook))
    # (an XML reader turns the raw CR into LF: line-end normalisation, not ours)
    assert [r[0] for r in sheet_rows(workbook)] == [
        "'=h",
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\t=1",
        "'\n=1",
        "'=1",
        '\'=HYPERLINK("http://x","y")',
    ]
    assert workbook.worksheets[0].title == "tx"


# --- The enterprise export ----------------------------------------------------------------------


def test_export_has_the_formats_columns_masked_contacts_and_chinese_labels(cast):
    # when
    response, workbook = download(client_for(cast.desk))
    # then
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = sheet_rows(workbook)
    assert rows[0] == [*HEADERS_ZH, "主挂钩人"]
    by_uscc = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_uscc) == {cast.a.uscc, cast.b.uscc, cast.c.uscc}
    a = by_uscc[cast.a.uscc]
    assert (a["企业名称"], a["行业代码"], a["所在园区"]) == ("昆山甲电子科技有限公司", "C3985", "光电产业园")
    assert a["成立日期"].date() == date(2012, 5, 1) and a["注册资本(万元)"] == 5000
    assert (a["资本来源"], a["规上工业"], a["高新技术企业"], a["专精特新"]) == ("内资", "是", "否", "无")
    assert (a["联系人"], a["联系电话"], a["主挂钩人"]) == ("王**", "139****5678", "挂钩干部甲")
    assert all(cell.data_type != "f" for cell in all_cells(workbook))


def test_export_takes_the_list_filters_and_is_audited(cast):
    # given
    client = client_for(cast.desk)
    before = AuditEntry.objects.count()
    # when
    _, workbook = download(client, park="光电产业园", industry="c39", above_scale="1", bogus="x")
    # then
    assert [r[0] for r in sheet_rows(workbook)[1:]] == [cast.a.uscc]
    [entry] = AuditEntry.objects.filter(id__gt=before)
    assert entry.action == "enterprise_export" and entry.actor_username == "desk"
    assert entry.changes == {
        "filters": {"park": "光电产业园", "industry": "C39", "above_scale": True},
        "rows": 1,
        "truncated": False,
    }


def test_formula_name_is_exported_neutralised(cast):
    # given a name imported from a file as a formula
    enterprise_create(
        actor=cast.actor(cast.desk), data=EnterpriseData(uscc=make_uscc(9001), name='=HYPERLINK("http://x","y")')
    )
    # when
    _, workbook = download(client_for(cast.desk), q="HYPERLINK")
    # then
    [_header, values] = sheet_rows(workbook)
    assert values[1] == '\'=HYPERLINK("http://x","y")'
    assert all(cell.data_type != "f" for cell in all_cells(workbook))


def test_import_then_export_round_trip_keeps_formula_as_text(cast):
    # given an import file whose name cell is a live formula
    workbook = openpyxl.Workbook()
    workbook.active.append(["统一社会信用代码", "企业名称"])
    workbook.active.append([make_uscc(9002), '=HYPERLINK("http://x","y")'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = enterprise_import(actor=cast.actor(cast.desk), file=buffer, filename="e.xlsx")
    assert report.created == 1
    # when
    _, exported = download(client_for(cast.desk), q=make_uscc(9002))
    # then
    cell = exported.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://x","y")', "s")


def test_an_export_imports_back_without_changes(cast):
    # given the export of the whole registry (masked contacts, labels, 主挂钩人 column)
    response = client_for(cast.desk).get(EXPORT_URL)
    body = b"".join(response.streaming_content)
    snapshot = list(Enterprise.objects.order_by("id").values())
    # when it is imported as it is
    report = enterprise_import(actor=cast.actor(cast.desk), file=io.BytesIO(body), filename="导出.xlsx")
    # then nothing changes and the contacts survive the masking
    assert (report.created, report.updated, report.unchanged, report.invalid) == (0, 0, 3, 0), report.errors
    assert report.ignored_columns == ["主挂钩人"]
    assert list(Enterprise.objects.order_by("id").values()) == snapshot
    assert enterprise_contacts(Enterprise.objects.get(pk=cast.a.pk)) == ("王经理", "13912345678")


def test_export_follows_the_scope_of_the_actor(cast):
    _, workbook = download(client_for(cast.liaison_a))
    assert [r[0] for r in sheet_rows(workbook)[1:]] == [cast.a.uscc]


@pytest.mark.parametrize("who", ["ent_a", "sysadmin", "auditor"])
def test_export_is_for_staff_only_case(cast, who):
    client = client_for(getattr(cast, who))
    before = AuditEntry.objects.count()
    assert client.get(EXPORT_URL).status_code == 404
    assert AuditEntry.objects.count() == before


def test_export_needs_a_login(cast):
    response = Client().get(EXPORT_URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_export_queries_do_not_grow_with_rows(cast, django_assert_max_num_queries):
    # given 40 more enterprises
    for serial in range(9100, 9140):
        enterprise_create(
            actor=cast.actor(cast.desk),
            data=EnterpriseData(uscc=make_uscc(serial), name=f"企业{serial}", contact_phone="13700000000"),
        )
    # when / then: one query for the rows, the audit record's few, nothing per row
    with django_assert_max_num_queries(8):
        file, count, truncated = exporting.enterprise_export(actor=cast.actor(cast.desk), filters=EnterpriseFilters())
    file.close()
    assert (count, truncated) == (43, False)


def test_export_stops_at_the_cap_and_says_so_in_the_audit(cast, monkeypatch):
    monkeypatch.setattr(exporting, "EXPORT_MAX_ROWS", 2)
    file, count, truncated = exporting.enterprise_export(actor=cast.actor(cast.desk), filters=EnterpriseFilters())
    workbook = openpyxl.load_workbook(file)
    assert (count, truncated, len(sheet_rows(workbook))) == (2, True, 3)
    assert AuditEntry.objects.filter(action="enterprise_export").get().changes["truncated"] is True


def test_phone_filter_is_masked_in_the_audit(cast):
    download(client_for(cast.desk), phone="13912345678")
    entry = AuditEntry.objects.filter(action="enterprise_export").get()
    assert "13912345678" not in str(entry.changes)


# --- The import template ------------------------------------------------------------------------


def test_template_has_the_headers_and_a_notes_sheet(cast):
    _, workbook = download(client_for(cast.desk), reverse("enterprises:template"))
    assert sheet_rows(workbook) == [HEADERS_ZH]
    notes = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert notes[1][:2] == ["统一社会信用代码", "uscc"] and "GB 32100" in notes[1][2]
    assert workbook.sheetnames == ["企业名录", "填写说明"]


@pytest.mark.parametrize("who", ["leader", "liaison_a", "ent_a"])
def test_template_is_for_the_desk_case(cast, who):
    assert client_for(getattr(cast, who)).get(reverse("enterprises:template")).status_code == 404


def test_export_date_cells_are_dates(cast):
    _, workbook = download(client_for(cast.desk), q=cast.a.uscc)
    assert workbook.worksheets[0]["E2"].is_date
