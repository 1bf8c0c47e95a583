"""Enterprise import (formats.md 企业名录; PRODUCT.md §3 `qifu import enterprises`; IP-6 d).

Every bad input checks the message (row, column as written, value, reason in zh and en) and that
nothing was written: no enterprise and no audit record.
"""

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from qifu.audit.models import AuditEntry
from qifu.core.errors import PermissionDenied
from qifu.core.excel import TableErrorCode
from qifu.core.imports import ImportReport, RowError, format_report
from qifu.enterprises.importing import enterprise_import
from qifu.enterprises.models import Enterprise
from qifu.enterprises.services import enterprise_contacts
from qifu.enterprises.tests.sheets import HEADERS_EN, HEADERS_ZH, csv_bytes, row, xlsx
from qifu.enterprises.uscc import make_uscc


def run(cast, file: io.BytesIO, filename: str = "企业.xlsx", *, skip: bool = False, user=None) -> ImportReport:
    return enterprise_import(actor=cast.actor(user or cast.desk), file=file, filename=filename, skip_invalid=skip)


class Unchanged:
    """Snapshot of what an import may write; `assert_same()` after a rejected import."""

    def __init__(self) -> None:
        self.enterprises = Enterprise.objects.count()
        self.audit = AuditEntry.objects.count()
        self.names = dict(Enterprise.objects.values_list("uscc", "name"))

    def assert_same(self) -> None:
        assert Enterprise.objects.count() == self.enterprises
        assert AuditEntry.objects.count() == self.audit
        assert dict(Enterprise.objects.values_list("uscc", "name")) == self.names


def wrong_check_digit(uscc: str) -> str:
    last = uscc[-1]
    return uscc[:-1] + ("0" if last != "0" else "1")


# --- Success ------------------------------------------------------------------------------------


def test_valid_file_creates_enterprises_with_parsed_values_and_audits_once(cast):
    # given
    before_audit = AuditEntry.objects.count()
    file = xlsx([row(7001), row(7002, ownership="港澳资", specialized="国家级小巨人", listed="是"), row(7003)])
    # when
    report = run(cast, file)
    # then
    assert (report.rejected, report.created, report.updated, report.unchanged, report.invalid) == (False, 3, 0, 0, 0)
    e = Enterprise.objects.get(uscc=make_uscc(7002))
    assert e.name == "昆山测试7002科技有限公司"
    assert (e.industry, e.park, e.founded_on) == ("C3985", "光电产业园", date(2015, 3, 18))
    assert (e.registered_capital, e.tax_last_year, e.employees) == (Decimal("1200.50"), Decimal("1500.25"), 150)
    assert (e.ownership, e.specialized, e.above_scale, e.high_tech, e.listed) == (
        "hk_macao",
        "little_giant",
        True,
        False,
        True,
    )
    assert enterprise_contacts(e) == ("李经理", "13912345678")
    entries = list(AuditEntry.objects.filter(id__gt=before_audit).order_by("id"))
    assert [a.action for a in entries] == ["enterprise_create"] * 3 + ["enterprise_import"]
    assert entries[-1].changes["created"] == 3 and entries[-1].changes["filename"] == "企业.xlsx"


def test_reimporting_the_same_file_changes_nothing(cast):
    # given
    data = xlsx([row(7001), row(7002), row(7003)]).getvalue()
    run(cast, io.BytesIO(data))
    snapshot = list(Enterprise.objects.order_by("id").values())
    audits = AuditEntry.objects.count()
    # when
    report = run(cast, io.BytesIO(data))
    # then
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert list(Enterprise.objects.order_by("id").values()) == snapshot
    assert AuditEntry.objects.count() == audits + 1  # only the enterprise_import record


def test_reimport_checks_existing_rows_in_one_query_per_batch(cast, django_assert_max_num_queries):
    # given 60 enterprises imported once
    data = xlsx([row(7100 + i) for i in range(60)]).getvalue()
    run(cast, io.BytesIO(data))
    # when the same file comes again: one prefetch + the import audit record, not a query per row
    with django_assert_max_num_queries(8):
        report = run(cast, io.BytesIO(data))
    assert report.unchanged == 60


def test_changed_row_updates_and_absent_columns_keep_stored_values(cast):
    # given cast.a has revenue unset and park 光电产业园
    headers = ["统一社会信用代码", "企业名称", "从业人数", "所在园区"]
    file = xlsx([[cast.a.uscc, cast.a.name, 999, ""]], headers=headers)
    # when
    report = run(cast, file)
    # then employees changes, the empty park clears, and columns the file lacks are kept
    assert (report.created, report.updated) == (0, 1)
    cast.a.refresh_from_db()
    assert (cast.a.employees, cast.a.park, cast.a.industry) == (999, "", "C3985")
    assert enterprise_contacts(cast.a) == ("王经理", "13912345678")
    assert AuditEntry.objects.filter(action="enterprise_update", object_id=cast.a.uscc).exists()


def test_english_headers_in_any_order_and_unknown_columns_reported(cast):
    # given
    order = [*reversed(HEADERS_EN), "备注"]
    values = dict(zip(HEADERS_EN, row(7201), strict=True))
    file = xlsx([[*(values[h] for h in reversed(HEADERS_EN)), "随便写"]], headers=order)
    # when
    report = run(cast, file)
    # then
    assert report.created == 1 and report.ignored_columns == ["备注"]
    assert Enterprise.objects.get(uscc=make_uscc(7201)).employees == 150


def test_headers_match_full_width_brackets_and_case(cast):
    headers = ["统一社会信用代码", "企业名称", "注册资本（万元）", "INDUSTRY"]
    report = run(cast, xlsx([[make_uscc(7202), "甲", "10", "c39"]], headers=headers))
    assert report.created == 1
    e = Enterprise.objects.get(uscc=make_uscc(7202))
    assert (e.registered_capital, e.industry) == (Decimal("10.00"), "C39")


def test_excel_typed_cells_dates_numbers_and_booleans(cast):
    # given cells typed by Excel, not text
    file = xlsx(
        [
            row(
                7203,
                founded_on=date(2010, 1, 31),
                employees=42,
                registered_capital=88.5,
                above_scale=True,
                high_tech=1,
                listed=False,
                contact_phone=13800001111,
            )
        ]
    )
    # when
    report = run(cast, file)
    # then
    assert report.created == 1, report.errors
    e = Enterprise.objects.get(uscc=make_uscc(7203))
    assert (e.founded_on, e.employees, e.registered_capital) == (date(2010, 1, 31), 42, Decimal("88.50"))
    assert (e.above_scale, e.high_tech, e.listed) == (True, True, False)
    assert enterprise_contacts(e)[1] == "13800001111"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
    ],
)
def test_boolean_words_case(cast, text, expected):
    run(cast, xlsx([row(7300, high_tech=text)]))
    assert Enterprise.objects.get(uscc=make_uscc(7300)).high_tech is expected


@pytest.mark.parametrize(
    ("column", "text", "field", "expected"),
    [
        ("ownership", "foreign", "ownership", "foreign"),
        ("ownership", "台资", "ownership", "taiwan"),
        ("ownership", "", "ownership", "domestic"),
        ("specialized", "provincial", "specialized", "provincial"),
        ("specialized", "无", "specialized", "none"),
        ("specialized", "省级专精特新", "specialized", "provincial"),
    ],
)
def test_code_sets_by_code_or_chinese_name_case(cast, column, text, field, expected):
    run(cast, xlsx([row(7301, **{column: text})]))
    assert getattr(Enterprise.objects.get(uscc=make_uscc(7301)), field) == expected


def test_csv_with_bom_and_without(cast):
    report_bom = run(cast, csv_bytes([row(7401)], bom=True), "企业.csv")
    report_plain = run(cast, csv_bytes([row(7402)], headers=HEADERS_EN), "enterprises.csv")
    assert report_bom.created == 1 and report_plain.created == 1, (report_bom.errors, report_plain.errors)
    assert Enterprise.objects.get(uscc=make_uscc(7401)).name == "昆山测试7401科技有限公司"


def test_csv_quoted_multiline_cell_keeps_excel_row_numbers(cast):
    # given a quoted cell spanning two lines in row 2, and a bad USCC in row 3
    file = csv_bytes([row(7403, park="光电\n产业园"), row(7404, uscc="123")])
    # when
    report = run(cast, file, "企业.csv")
    # then the error is on row 3, as Excel shows it
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码")]


# --- Formula-like cells -------------------------------------------------------------------------


def test_formula_cell_in_xlsx_is_stored_as_text(cast):
    # given openpyxl writes a string starting with "=" as a formula cell
    formula = '=HYPERLINK("http://x","y")'
    file = xlsx(
        [row(7501, name=formula), row(7502, name="+1 办公室", park="-园区", industry=""), row(7503, name="@SUM(A1)")]
    )
    assert openpyxl.load_workbook(io.BytesIO(file.getvalue()))["Sheet"]["B2"].data_type == "f"
    # when
    report = run(cast, file)
    # then
    assert report.created == 3, report.errors
    assert Enterprise.objects.get(uscc=make_uscc(7501)).name == formula
    assert Enterprise.objects.get(uscc=make_uscc(7502)).park == "-园区"
    assert Enterprise.objects.get(uscc=make_uscc(7503)).name == "@SUM(A1)"


def test_formula_text_in_csv_is_stored_as_text(cast):
    run(cast, csv_bytes([row(7504, name='=HYPERLINK("http://x","y")')]), "e.csv")
    assert Enterprise.objects.get(uscc=make_uscc(7504)).name == '=HYPERLINK("http://x","y")'


# --- Bad rows: all or nothing -------------------------------------------------------------------

BAD_CELLS = [
    ("uscc", lambda: wrong_check_digit(make_uscc(7602)), "统一社会信用代码", "校验位错误", "wrong check digit"),
    ("uscc", lambda: "91320583ABC", "统一社会信用代码", "长度应为18位", "18 characters"),
    ("registered_capital", lambda: "-5", "注册资本(万元)", "不能为负数", "negative"),
    ("revenue_last_year", lambda: "NaN", "上年营业收入(万元)", "不是有限的数字", "finite"),
    ("tax_last_year", lambda: "Infinity", "上年税收(万元)", "不是有限的数字", "finite"),
    ("output_last_year", lambda: "12.345", "上年产值(万元)", "两位小数", "decimal places"),
    ("rd_last_year", lambda: "一百", "上年研发投入(万元)", "不是数字", "not a number"),
    ("employees", lambda: "12.5", "从业人数", "整数", "whole number"),
    ("employees", lambda: "-1", "从业人数", "不能为负数", "negative"),
    ("founded_on", lambda: "2015-13-45", "成立日期", "不是有效日期", "YYYY-MM-DD"),
    ("founded_on", lambda: "去年三月", "成立日期", "不是有效日期", "YYYY-MM-DD"),
    ("ownership", lambda: "合资", "资本来源", "内资、外资、台资、港澳资", "domestic, foreign"),
    ("specialized", lambda: "市级", "专精特新", "无、省级、国家级小巨人", "none, provincial"),
    ("above_scale", lambda: "也许", "规上工业", "是/否", "yes/no"),
    ("industry", lambda: "3985", "行业代码", "国民经济行业代码", "GB/T 4754-2017"),
    ("name", lambda: "", "企业名称", "必填", "required"),
    ("name", lambda: "长" * 201, "企业名称", "200", "200"),
    ("contact_phone", lambda: "call me", "联系电话", "电话号码", "phone"),
    ("contact_phone", lambda: "139****5678", "联系电话", "脱敏", "masked"),
]


@pytest.mark.parametrize(
    ("field", "make_value", "column", "zh", "en"), BAD_CELLS, ids=[f"{c[0]}_{i}_case" for i, c in enumerate(BAD_CELLS)]
)
def test_bad_cell_rejects_whole_file_naming_row_and_column(cast, field, make_value, column, zh, en):
    # given a good row 2, a bad row 3 and a good row 4
    unchanged = Unchanged()
    value = make_value()
    file = xlsx([row(7601), row(7602, **{field: value}), row(7603)])
    # when
    report = run(cast, file)
    # then
    assert report.rejected and not report.imported
    assert (report.created, report.updated, report.invalid) == (0, 0, 1)
    [error] = report.errors
    assert (error.row, error.column) == (3, column)
    assert error.value == (value if len(value) <= 100 else value[:99] + "…")
    assert zh in error.message_zh and en in error.message_en
    unchanged.assert_same()


def test_csv_errors_name_the_header_as_written_in_the_file(cast):
    unchanged = Unchanged()
    report = run(cast, csv_bytes([row(7604, employees="-3")], headers=HEADERS_EN), "e.csv")
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "employees", "-3")]
    unchanged.assert_same()


def test_all_errors_of_all_rows_are_reported(cast):
    file = xlsx([row(7605, employees="x", founded_on="昨天"), row(7606), row(7607, ownership="?")])
    report = run(cast, file)
    assert [(e.row, e.column) for e in report.errors] == [(2, "成立日期"), (2, "从业人数"), (4, "资本来源")]
    assert report.invalid == 2


def test_duplicate_uscc_in_one_file_names_both_rows(cast):
    # given row 2 and row 4 carry the same USCC (once with spaces)
    unchanged = Unchanged()
    uscc = make_uscc(7701)
    file = xlsx([row(7701), row(7702), row(7703, uscc=f" {uscc[:6]} {uscc[6:]} ")])
    # when
    report = run(cast, file)
    # then both rows are named, each pointing to the other
    assert report.rejected
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, "统一社会信用代码", uscc),
        (4, "统一社会信用代码", uscc),
    ]
    assert "第2行与第4行" in report.errors[0].message_zh and "rows 2 and 4" in report.errors[0].message_en
    assert "第4行与第2行" in report.errors[1].message_zh
    unchanged.assert_same()


def test_duplicate_uscc_against_the_registry_is_an_update_not_a_duplicate(cast):
    report = run(cast, xlsx([row(1, uscc=cast.b.uscc, name=cast.b.name)]))
    assert (report.created, report.updated) == (0, 1)


def test_missing_required_column_rejects_the_file(cast):
    # given no USCC column
    unchanged = Unchanged()
    file = xlsx([["甲公司", "C3985"]], headers=["企业名称", "行业代码"])
    # when
    report = run(cast, file)
    # then
    assert report.rejected
    [error] = report.errors
    assert (error.row, error.column) == (1, "统一社会信用代码")
    assert "缺少必填列" in error.message_zh and "uscc" in error.message_en
    unchanged.assert_same()


def test_repeated_column_rejects_the_file(cast):
    unchanged = Unchanged()
    report = run(cast, xlsx([[make_uscc(7801), "甲", "乙"]], headers=["uscc", "企业名称", "name"]))
    assert report.rejected and report.errors[0].column == "name" and "重复" in report.errors[0].message_zh
    unchanged.assert_same()


def test_masked_contacts_matching_the_stored_ones_keep_them(cast):
    # given an edited export: contacts masked as exported
    file = xlsx(
        [[cast.a.uscc, cast.a.name, "139****5678", "王**", "888"]],
        headers=["统一社会信用代码", "企业名称", "联系电话", "联系人", "从业人数"],
    )
    # when
    report = run(cast, file)
    # then the contacts are kept, the real change is applied
    assert (report.updated, report.invalid) == (1, 0), report.errors
    cast.a.refresh_from_db()
    assert enterprise_contacts(cast.a) == ("王经理", "13912345678") and cast.a.employees == 888


# --- Skip invalid -------------------------------------------------------------------------------


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(cast):
    # given
    audits = AuditEntry.objects.count()
    file = xlsx([row(7901), row(7902, uscc=wrong_check_digit(make_uscc(7902))), row(7903, founded_on="2020/1/1")])
    # when
    report = run(cast, file, skip=True)
    # then
    assert report.imported and (report.created, report.invalid) == (1, 2)
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码"), (4, "成立日期")]
    assert Enterprise.objects.filter(uscc=make_uscc(7901)).exists()
    assert not Enterprise.objects.filter(uscc=make_uscc(7903)).exists()
    record = AuditEntry.objects.filter(action="enterprise_import").get()
    assert (record.changes["created"], record.changes["invalid"], record.changes["skip_invalid"]) == (1, 2, True)
    assert AuditEntry.objects.count() == audits + 2  # one enterprise_create, one enterprise_import


def test_skip_invalid_still_rejects_an_unreadable_file(cast):
    unchanged = Unchanged()
    report = run(cast, io.BytesIO(b"not a zip"), skip=True)
    assert report.rejected
    unchanged.assert_same()


# --- Bad files (IP-6 d) -------------------------------------------------------------------------


def _file_error(report: ImportReport) -> str:
    assert report.rejected and len(report.errors) == 1
    return report.errors[0].message_zh


def test_non_excel_file_named_xlsx(cast):
    unchanged = Unchanged()
    report = run(cast, io.BytesIO("统一社会信用代码,企业名称\n".encode()), "企业.xlsx")
    assert "不是有效的Excel文件" in _file_error(report)
    assert "not a valid Excel" in report.errors[0].message_en
    unchanged.assert_same()


def test_zip_without_spreadsheet_content_types_is_not_excel(cast):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
    assert "不是有效的Excel文件" in _file_error(run(cast, io.BytesIO(buffer.getvalue())))


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"], ids=["empty_case", "bom_only_case"])
def test_empty_file(cast, content):
    unchanged = Unchanged()
    name = "企业.xlsx" if not content else "企业.csv"
    assert "空" in _file_error(run(cast, io.BytesIO(content), name))
    unchanged.assert_same()


def test_header_only_file(cast):
    unchanged = Unchanged()
    report = run(cast, xlsx([]))
    assert report.errors[0].row == 1 and "没有数据行" in _file_error(report)
    unchanged.assert_same()


def test_empty_workbook(cast):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    assert "空" in _file_error(run(cast, io.BytesIO(buffer.getvalue())))


def _with_member(name: str, data: bytes, base: bytes, *, content_types: bytes | None = None) -> io.BytesIO:
    """A copy of the workbook `base` with one member added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == name:
                continue
            body = src.read(item)
            if item.filename == "[Content_Types].xml" and content_types is not None:
                body = content_types
            dst.writestr(item, body)
        dst.writestr(name, data)
    out.seek(0)
    return out


def test_macro_workbooks_are_rejected(cast):
    unchanged = Unchanged()
    base = xlsx([row(8001)]).getvalue()
    assert "宏" in _file_error(run(cast, io.BytesIO(base), "企业.xlsm"))
    assert "宏" in _file_error(run(cast, _with_member("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0", base)))
    unchanged.assert_same()


def test_zip_bomb_is_rejected_before_parsing(cast):
    unchanged = Unchanged()
    base = xlsx([row(8002)]).getvalue()
    bomb = _with_member("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024), base)
    assert len(bomb.getvalue()) < 200_000  # 20 MB of zeros compresses about 1000:1
    report = run(cast, bomb)
    assert "压缩比" in _file_error(report)
    unchanged.assert_same()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def test_billion_laughs_in_shared_strings_is_rejected(cast):
    # given a workbook whose sharedStrings.xml declares nested entities
    unchanged = Unchanged()
    base = xlsx([row(8003)]).getvalue()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        types = archive.read("[Content_Types].xml")
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SST_TYPE + b'"/>'
    types = types.replace(b"</Types>", override + b"</Types>")
    sst = LAUGHS + (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&lol2;</t></si></sst>"
    )
    # when
    report = run(cast, _with_member("xl/sharedStrings.xml", sst, base, content_types=types))
    # then
    assert "不安全的XML" in _file_error(report)
    unchanged.assert_same()


def test_external_entity_in_the_sheet_is_rejected(cast):
    unchanged = Unchanged()
    base = xlsx([row(8004)]).getvalue()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    xxe = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + sheet.replace(
        b"<sheetData>", b"<sheetData><!-- &xxe; -->"
    )
    report = run(cast, _with_member("xl/worksheets/sheet1.xml", xxe, base))
    assert "不安全的XML" in _file_error(report)
    unchanged.assert_same()


def test_byte_and_row_caps(cast, settings):
    unchanged = Unchanged()
    settings.IMPORT_MAX_ROWS = 2
    assert "行数超过上限" in _file_error(run(cast, xlsx([row(8101), row(8102), row(8103)])))
    assert "行数超过上限" in _file_error(run(cast, csv_bytes([row(8101), row(8102), row(8103)]), "e.csv"))
    settings.IMPORT_MAX_ROWS = 200_000
    settings.IMPORT_MAX_BYTES = 1000
    assert "文件过大" in _file_error(run(cast, xlsx([row(8104)])))
    unchanged.assert_same()


def test_forged_dimension_does_not_pad_millions_of_cells(cast):
    # given a sheet whose <dimension> claims the whole grid
    base = xlsx([row(8105)]).getvalue()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    forged = re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:XFD1048576"', sheet)
    assert forged != sheet
    # when
    report = run(cast, _with_member("xl/worksheets/sheet1.xml", forged, base))
    # then it reads the one real row
    assert (report.rows, report.created) == (1, 1)


def test_gbk_csv_is_rejected_with_a_hint(cast):
    data = "统一社会信用代码,企业名称\n".encode("gbk")
    assert "UTF-8" in _file_error(run(cast, io.BytesIO(data), "企业.csv"))


@pytest.mark.parametrize("name", ["企业.xls", "企业.txt", "企业"])
def test_other_file_types_are_refused_case(cast, name):
    report = run(cast, xlsx([row(8201)]), name)
    assert report.rejected and report.errors[0].message_zh


def test_table_error_codes_are_stable():
    assert (str(TableErrorCode.NOT_EXCEL), str(TableErrorCode.ZIP_BOMB)) == ("table_not_excel", "table_zip_bomb")


# --- Permission ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "liaison_a", "jfj_handler", "ent_a", "sysadmin"])
def test_only_the_service_desk_imports_case(cast, who):
    unchanged = Unchanged()
    with pytest.raises(PermissionDenied) as info:
        run(cast, xlsx([row(8301)]), user=getattr(cast, who))
    assert info.value.code == "enterprise_forbidden"
    unchanged.assert_same()


# --- The command --------------------------------------------------------------------------------


def _write(tmp_path, name: str, file: io.BytesIO):
    path = tmp_path / name
    path.write_bytes(file.getvalue())
    return path


def test_command_imports_and_exits_zero(cast, tmp_path):
    path = _write(tmp_path, "企业.xlsx", xlsx([row(8401), row(8402)]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "enterprises", str(path), stdout=out, stderr=err)
    assert "已导入" in out.getvalue() and "新增 2" in out.getvalue()
    assert Enterprise.objects.filter(uscc__in=[make_uscc(8401), make_uscc(8402)]).count() == 2


def test_command_rejects_with_the_report_and_exit_one(cast, tmp_path):
    unchanged = Unchanged()
    path = _write(tmp_path, "企业.xlsx", xlsx([row(8403), row(8404, employees="-1")]))
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import", "enterprises", str(path), stdout=out, stderr=io.StringIO())
    assert info.value.returncode == 1
    text = out.getvalue()
    assert "已拒绝" in text and "3" in text and "从业人数" in text and "不能为负数" in text
    unchanged.assert_same()


def test_command_skip_invalid_exits_zero(cast, tmp_path):
    path = _write(tmp_path, "企业.csv", csv_bytes([row(8405), row(8406, employees="-1")]))
    call_command("import", "enterprises", str(path), "--skip-invalid", stdout=io.StringIO(), stderr=io.StringIO())
    assert Enterprise.objects.filter(uscc=make_uscc(8405)).exists()
    assert not Enterprise.objects.filter(uscc=make_uscc(8406)).exists()


def test_command_json_prints_only_json_on_stdout(cast, tmp_path):
    path = _write(tmp_path, "企业.xlsx", xlsx([row(8407), row(8408, uscc="91320583X")]))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "enterprises", str(path), "--json", stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    assert report["rejected"] is True and report["created"] == 0
    assert report["errors"] == [
        {
            "row": 3,
            "column": "统一社会信用代码",
            "value": "91320583X",
            "message_zh": "统一社会信用代码无效：长度应为18位",
            "message_en": "invalid USCC: must be 18 characters",
        }
    ]
    assert "rejected" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "needs_file"),
    [(["--as", "liaison_a"], True), (["--as", "nobody"], True), ([], False)],
    ids=["not_desk_case", "unknown_user_case", "missing_file_case"],
)
def test_command_that_cannot_run_exits_two(cast, tmp_path, args, needs_file):
    path = _write(tmp_path, "e.xlsx", xlsx([row(8409)])) if needs_file else tmp_path / "missing.xlsx"
    with pytest.raises(CommandError) as info:
        call_command("import", "enterprises", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.returncode == 2
    assert not Enterprise.objects.filter(uscc=make_uscc(8409)).exists()


def test_text_report_is_a_table():
    report = ImportReport(kind="enterprises", filename="e.xlsx", rows=2, invalid=1, rejected=True)
    report.errors.append(RowError(3, "统一社会信用代码", "123", "统一社会信用代码无效：长度应为18位", "invalid USCC"))
    lines = format_report(report).splitlines()
    assert lines[0] == "e.xlsx: 已拒绝，未写入任何数据"
    assert lines[2].split() == ["行", "列", "值", "原因"]
    assert lines[4].split() == ["3", "统一社会信用代码", "123", "统一社会信用代码无效：长度应为18位"]


@pytest.mark.slow
def test_zone_scale_file_of_806_rows(cast):
    # given the demo zone's 806 enterprises in one workbook
    data = xlsx([row(10_000 + i) for i in range(806)]).getvalue()
    # when
    first = run(cast, io.BytesIO(data))
    again = run(cast, io.BytesIO(data))
    # then
    assert (first.created, again.created, again.updated, again.unchanged) == (806, 0, 0, 806)
    assert HEADERS_ZH[0] == "统一社会信用代码"
