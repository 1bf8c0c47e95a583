"""Indicator and project investment import (formats.md 月度指标; issue 6 "Must show": bad input).

Every bad input is rejected with row and column (in Chinese) and nothing is written: no indicator,
no derived row, no audit record.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from qifu.audit.models import AuditEntry
from qifu.core.errors import PermissionDenied
from qifu.indicators.importing import indicator_import, investment_import
from qifu.indicators.models import IndicatorDerived, MonthlyIndicator, ProjectInvestment
from qifu.indicators.tests.helpers import csv_file, next_month, row, xlsx_file


def run(cast, file, *, user=None, skip=False, filename="指标.csv"):
    return indicator_import(actor=cast.actor(user or cast.desk), file=file, filename=filename, skip_invalid=skip)


class Unchanged:
    def __init__(self) -> None:
        self.rows = list(MonthlyIndicator.objects.order_by("id").values_list("enterprise_id", "month", "revenue"))
        self.derived = IndicatorDerived.objects.count()
        self.audit = AuditEntry.objects.count()

    def assert_same(self) -> None:
        assert (
            list(MonthlyIndicator.objects.order_by("id").values_list("enterprise_id", "month", "revenue")) == self.rows
        )
        assert IndicatorDerived.objects.count() == self.derived
        assert AuditEntry.objects.count() == self.audit


def test_valid_file_creates_rows_derived_figures_and_one_audit(cast):
    # given a file over two years for A
    before = AuditEntry.objects.count()
    file = xlsx_file(
        [row(cast.a.uscc, "2025-03", "80"), row(cast.a.uscc, "2026-03", "100"), row(cast.b.uscc, "2026-03")]
    )
    # when
    report = run(cast, file, filename="指标.xlsx")
    # then
    assert (report.rejected, report.created, report.updated, report.unchanged, report.invalid) == (False, 3, 0, 0, 0)
    stored = MonthlyIndicator.objects.get(enterprise=cast.a, month=date(2026, 3, 1))
    assert (stored.revenue, stored.output, stored.electricity, stored.employees) == (
        Decimal("100.00"),
        Decimal("120.50"),
        Decimal("3.2500"),
        50,
    )
    derived = IndicatorDerived.objects.get(indicator=stored)
    assert derived.revenue_yoy == Decimal("0.25")
    assert IndicatorDerived.objects.count() == 3
    entries = list(AuditEntry.objects.filter(id__gt=before))
    assert [(e.action, e.changes["created"]) for e in entries] == [("indicator_import", 3)]


def test_reimport_is_idempotent_and_a_changed_value_updates_case(cast):
    rows = [row(cast.a.uscc, "2026-01"), row(cast.a.uscc, "2026-02")]
    run(cast, csv_file(rows))
    again = run(cast, csv_file(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert MonthlyIndicator.objects.count() == 2
    changed = run(cast, csv_file([row(cast.a.uscc, "2026-02", "150")]))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    derived = IndicatorDerived.objects.get(enterprise=cast.a, month=date(2026, 2, 1))
    assert derived.revenue_ytd == Decimal(250)  # recomputed on the update


def test_absent_column_keeps_the_stored_value_and_empty_cell_clears_case(cast):
    run(cast, csv_file([row(cast.a.uscc, "2026-01")]))
    run(cast, csv_file([[cast.a.uscc, "2026-01", "7"]], headers=["uscc", "month", "tax"]))
    stored = MonthlyIndicator.objects.get(enterprise=cast.a)
    assert (stored.tax, stored.revenue) == (Decimal(7), Decimal(100))
    run(cast, csv_file([[cast.a.uscc, "2026-01", ""]], headers=["uscc", "month", "revenue"]))
    stored.refresh_from_db()
    assert stored.revenue is None  # missing, not 0


BAD = [
    pytest.param(lambda c: row("91320583MA1XXXXXX0", "2026-01"), "统一社会信用代码", "无效", id="invalid_uscc_case"),
    pytest.param(lambda c: row("91320583000000999X", "2026-01"), "统一社会信用代码", "", id="unknown_uscc_case"),
    pytest.param(lambda c: row(c.a.uscc, f"{next_month():%Y-%m}"), "月份", "未来", id="future_month_case"),
    pytest.param(lambda c: row(c.a.uscc, "2026-13"), "月份", "月份", id="bad_month_case"),
    pytest.param(lambda c: row(c.a.uscc, "2026-01", "-5"), "营业收入(万元)", "负数", id="negative_value_case"),
    pytest.param(lambda c: row(c.a.uscc, "2026-01", "一百"), "营业收入(万元)", "不是数字", id="non_number_case"),
    pytest.param(lambda c: row(c.a.uscc, "2026-01", employees="3.5"), "从业人数", "整数", id="fractional_people_case"),
]


@pytest.mark.parametrize(("make", "column", "word"), BAD)
def test_bad_row_rejects_the_whole_file_with_row_and_column(cast, make, column, word):
    # given one good row already stored, and a file with a good row and a bad one
    run(cast, csv_file([row(cast.b.uscc, "2025-12")]))
    unchanged = Unchanged()
    file = csv_file([row(cast.a.uscc, "2025-11"), make(cast)])
    # when
    report = run(cast, file)
    # then
    assert report.rejected and report.invalid == 1
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert word in report.errors[0].message_zh
    unchanged.assert_same()


def test_unknown_uscc_is_named_in_chinese(cast):
    from qifu.enterprises.uscc import make_uscc

    report = run(cast, csv_file([row(make_uscc(9999), "2026-01")]))
    assert report.rejected
    assert report.errors[0].message_zh == "企业名录中没有此统一社会信用代码"
    assert report.errors[0].column == "统一社会信用代码"


def test_duplicate_key_in_one_file_names_both_rows(cast):
    unchanged = Unchanged()
    report = run(cast, csv_file([row(cast.a.uscc, "2026-01"), row(cast.b.uscc, "2026-01"), row(cast.a.uscc, "2026-1")]))
    assert report.rejected
    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码"), (4, "统一社会信用代码")]
    assert "重复" in report.errors[0].message_zh
    unchanged.assert_same()


def test_skip_invalid_writes_the_valid_rows_only(cast):
    report = run(cast, csv_file([row(cast.a.uscc, "2026-01"), row(cast.a.uscc, "2026-02", "-1")]), skip=True)
    assert (report.rejected, report.created, report.invalid) == (False, 1, 1)
    assert list(MonthlyIndicator.objects.values_list("month", flat=True)) == [date(2026, 1, 1)]


def test_liaison_imports_only_for_their_enterprises(cast):
    # liaison_a is linked to A, not to B
    report = run(cast, csv_file([row(cast.a.uscc, "2026-01"), row(cast.b.uscc, "2026-01")]), user=cast.liaison_a)
    assert report.rejected
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码")]
    ok = run(cast, csv_file([row(cast.a.uscc, "2026-01")]), user=cast.liaison_a)
    assert ok.created == 1


@pytest.mark.parametrize("role", ["ent_a", "leader", "kjj_handler", "sysadmin"])
def test_people_who_report_nothing_may_not_import_case(cast, role):
    with pytest.raises(PermissionDenied):
        run(cast, csv_file([row(cast.a.uscc, "2026-01")]), user=getattr(cast, role))
    assert MonthlyIndicator.objects.count() == 0


def test_economic_department_imports_for_every_enterprise(cast):
    report = run(cast, csv_file([row(cast.c.uscc, "2026-01")]), user=cast.jfj_handler)
    assert report.created == 1


def test_english_headers_and_month_forms_are_accepted(cast):
    headers = ["uscc", "month", "revenue"]
    report = run(
        cast,
        xlsx_file([[cast.a.uscc, date(2026, 2, 1), 5], [cast.a.uscc, "2026年3月", 6]], headers=headers),
        filename="x.xlsx",
    )
    assert report.created == 2
    assert sorted(MonthlyIndicator.objects.values_list("month", flat=True)) == [date(2026, 2, 1), date(2026, 3, 1)]


def test_missing_required_column_rejects(cast):
    report = run(cast, csv_file([[cast.a.uscc, "5"]], headers=["uscc", "revenue"]))
    assert report.rejected and report.errors[0].column == "月份"


def test_command_imports_and_rejects_with_exit_codes(cast, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file([row(cast.a.uscc, "2026-01")]).getvalue())
    call_command("import", "indicators", str(good), "--json")
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["rejected"]) == (1, False)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([row(cast.a.uscc, "2026-02", "-3")]).getvalue())
    with pytest.raises(CommandError) as exc:
        call_command("import", "indicators", str(bad))
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert "营业收入(万元)" in out and "不能为负数" in out
    assert MonthlyIndicator.objects.count() == 1


def test_project_investment_import_upserts_by_code_and_month(cast):
    headers = ["项目编号", "月份", "当月完成投资(万元)"]
    file = csv_file(
        [[cast.project_a.code, "2026-01", "300"], [cast.project_b.code, "2026-01", "20.5"]], headers=headers
    )
    report = investment_import(actor=cast.actor(cast.desk), file=file, filename="投资.csv")
    assert report.created == 2
    again = investment_import(
        actor=cast.actor(cast.desk),
        file=csv_file([[cast.project_a.code, "2026-01", "300"]], headers=headers),
        filename="投资.csv",
    )
    assert (again.created, again.unchanged) == (0, 1)
    row_a = ProjectInvestment.objects.get(project=cast.project_a)
    assert (row_a.invested, row_a.enterprise_id) == (Decimal(300), cast.a.pk)


def test_project_investment_bad_rows_reject(cast):
    headers = ["project_code", "month", "invested"]
    file = csv_file(
        [
            ["XM-NOPE", "2026-01", "1"],
            [cast.project_a.code, f"{next_month():%Y-%m}", "1"],
            [cast.project_a.code, "2026-01", "-1"],
        ],
        headers=headers,
    )
    report = investment_import(actor=cast.actor(cast.desk), file=file, filename="x.csv")
    assert report.rejected
    assert [(e.row, e.column) for e in report.errors] == [(2, "project_code"), (3, "month"), (4, "invested")]
    assert ProjectInvestment.objects.count() == 0


def test_import_queries_do_not_grow_with_enterprises(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def months(year: int) -> list[str]:
        return [f"{year}-{m:02d}" for m in range(1, 13)]

    one_enterprise = csv_file([row(cast.a.uscc, m) for m in months(2024) + months(2025)])
    two_enterprises = csv_file([row(e.uscc, m) for e in (cast.b, cast.c) for m in months(2025)])
    with CaptureQueriesContext(connection) as one:
        assert run(cast, one_enterprise).created == 24
    with CaptureQueriesContext(connection) as two:
        assert run(cast, two_enterprises).created == 24
    # the same statements for 24 rows of one enterprise as for 24 rows of two: batched reads and
    # writes, the derived figures recomputed set-wise (no query per enterprise)
    assert len(two) == len(one)
    assert IndicatorDerived.objects.count() == 48
