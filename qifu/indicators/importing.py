"""Monthly indicator and project investment import (formats.md 月度指标; `qifu import indicators
FILE`, `qifu import project_investment FILE`).

Every row is parsed first (cells: the shape), then the service's check applies the rules that
need the registry and the clock (an enterprise or project the importer reports for, no future
month, each (key, month) once in the file). Any problem rejects the whole file with a report of
every bad row and column, and nothing is written — unless `skip_invalid`, which writes the valid
rows. Rows upsert by (key, month): re-importing a file changes nothing. A column the file does not
have keeps the stored value; an empty cell clears it.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from qifu.access.actor import Actor
from qifu.core.excel import TableError, Value, open_table
from qifu.core.imports import (
    CellError,
    ColumnSpec,
    HeaderMatch,
    Importer,
    ImportReport,
    Progress,
    RowError,
    file_error,
    match_headers,
    no_progress,
    parse_decimal,
    parse_int,
    parse_row,
    parse_text,
    register_importer,
    shown,
)
from qifu.enterprises.importing import parse_uscc
from qifu.indicators.models import MEASURES
from qifu.indicators.services import (
    Checked,
    IndicatorInput,
    InvestmentInput,
    WriteCounts,
    indicator_editor_require,
    indicator_rows_check,
    indicator_rows_write,
    investment_rows_check,
    investment_rows_write,
)

PROGRESS_EVERY = 200
MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月)?(?:[-/.]\s*(\d{1,2})\s*日?)?$")


def parse_month(value: Value) -> date:
    """YYYY-MM (also YYYY/MM, YYYY年M月, or a date or Excel date cell: its month)."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    text = parse_text(value, max_length=20)
    match = MONTH_RE.match(text)
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1900:
        return date(int(match[1]), int(match[2]), 1)
    raise CellError("不是有效月份，应为 YYYY-MM（如 2026-03）", "not a valid month: use YYYY-MM (e.g. 2026-03)")


def _money(value: Value) -> Any:
    return parse_decimal(value, places=2, max_integer_digits=12)


def _energy(value: Value) -> Any:
    return parse_decimal(value, places=4, max_integer_digits=12)


def _code(value: Value) -> str:
    return parse_text(value, max_length=32)


_MONEY_HINT = "万元，≥ 0，最多两位小数；空 = 未报送"
_MONTH_HINT = "必填；YYYY-MM，不能晚于本月"

INDICATOR_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("uscc", "统一社会信用代码", "uscc", parse_uscc, "", required=True, hint="必填；企业名录中已有的企业"),
    ColumnSpec("month", "月份", "month", parse_month, None, required=True, hint=_MONTH_HINT),
    ColumnSpec("output", "产值(万元)", "output", _money, None, hint=_MONEY_HINT),
    ColumnSpec("revenue", "营业收入(万元)", "revenue", _money, None, hint=_MONEY_HINT),
    ColumnSpec("tax", "税收(万元)", "tax", _money, None, hint=_MONEY_HINT),
    ColumnSpec("electricity", "用电量(万千瓦时)", "electricity", _energy, None, hint="≥ 0，最多四位小数"),
    ColumnSpec("employees", "从业人数", "employees", parse_int, None, hint="整数，≥ 0"),
    ColumnSpec("rd", "研发投入(万元)", "rd", _money, None, hint=_MONEY_HINT),
)
INVESTMENT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("project_code", "项目编号", "project_code", _code, "", required=True, hint="必填；已登记的项目"),
    ColumnSpec("month", "月份", "month", parse_month, None, required=True, hint=_MONTH_HINT),
    ColumnSpec("invested", "当月完成投资(万元)", "invested", _money, None, hint=_MONEY_HINT),
)


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: str  # the key column's field
    make: Callable[[dict[str, Any], set[str]], Any]  # parsed values, fields present -> service input
    check: Callable[..., Checked]
    write: Callable[..., WriteCounts]


def _indicator(values: dict[str, Any], present: set[str]) -> IndicatorInput:
    return IndicatorInput(
        uscc=values["uscc"], month=values["month"], values={m: values.get(m) for m in MEASURES if m in present}
    )


def _investment(values: dict[str, Any], present: set[str]) -> InvestmentInput:
    return InvestmentInput(
        project_code=values["project_code"],
        month=values["month"],
        invested=values.get("invested"),
        given="invested" in present,
    )


INDICATORS = Kind("indicators", INDICATOR_COLUMNS, "uscc", _indicator, indicator_rows_check, indicator_rows_write)
INVESTMENT = Kind(
    "project_investment", INVESTMENT_COLUMNS, "project_code", _investment, investment_rows_check, investment_rows_write
)


def _import(
    kind: Kind, *, actor: Actor, file: IO[bytes], filename: str, skip_invalid: bool, progress: Progress
) -> ImportReport:
    indicator_editor_require(actor)
    report = ImportReport(kind=kind.name, filename=filename, skip_invalid=skip_invalid)
    try:
        with open_table(file, filename=filename) as table:
            match = match_headers(table.headers, kind.columns, header_row=table.header_row)
            report.ignored_columns = match.ignored
            if match.errors:
                report.errors.extend(match.errors)
                report.reject()
                return report
            parsed: list[tuple[int, dict[str, Any], list[RowError]]] = []
            for row in table.rows:
                values, errors = parse_row(row.number, row.values, match)
                parsed.append((row.number, values, errors))
                report.rows += 1
                if report.rows % PROGRESS_EVERY == 0:
                    progress("check", report.rows, table.size_hint)
    except TableError as exc:
        report.errors.append(file_error(exc))
        report.reject()
        return report
    progress("check", report.rows, report.rows)
    if report.rows == 0:
        report.errors.append(
            RowError(table.header_row, "", "", "文件只有表头，没有数据行", "the file has a header but no data rows")
        )
        report.reject()
        return report
    # The rules run on every row whose key and month parsed, so that one report names every problem.
    keyed = [(n, v, e) for n, v, e in parsed if not any(err.column in _key_headers(match, kind) for err in e)]
    checked = kind.check(actor=actor, rows=[kind.make(v, match.fields) for _, v, _ in keyed])
    errors = [err for _, _, e in parsed for err in e]
    for fault in checked.faults:
        number, values, _ = keyed[fault.index]
        errors.append(
            RowError(
                number, match.header_of(fault.field), shown(values.get(fault.field)), fault.message_zh, fault.message_en
            )
        )
    errors.sort(key=lambda e: (e.row or 0, _column_order(match, e.column)))
    report.errors.extend(errors)
    bad = {e.row for e in errors}
    report.invalid = len(bad)
    if errors and not skip_invalid:
        report.reject()
        return report
    checked.rows = [r for r in checked.rows if keyed[r.index][0] not in bad]
    counts = kind.write(actor=actor, checked=checked, source="import", filename=filename, progress=progress)
    report.created, report.updated, report.unchanged = counts.created, counts.updated, counts.unchanged
    return report


def _key_headers(match: HeaderMatch, kind: Kind) -> set[str]:
    return {match.header_of(kind.key), match.header_of("month")}


def _column_order(match: HeaderMatch, header: str) -> int:
    try:
        return match.headers.index(header)
    except ValueError:
        return -1


def indicator_import(
    *, actor: Actor, file: IO[bytes], filename: str, skip_invalid: bool = False, progress: Progress = no_progress
) -> ImportReport:
    """formats.md 月度指标: check every row, then upsert by (uscc, month) in one transaction."""
    return _import(INDICATORS, actor=actor, file=file, filename=filename, skip_invalid=skip_invalid, progress=progress)


def investment_import(
    *, actor: Actor, file: IO[bytes], filename: str, skip_invalid: bool = False, progress: Progress = no_progress
) -> ImportReport:
    """formats.md projects: upsert 当月完成投资 by (project_code, month), all or nothing."""
    return _import(INVESTMENT, actor=actor, file=file, filename=filename, skip_invalid=skip_invalid, progress=progress)


def headers_of(columns: Sequence[ColumnSpec]) -> list[str]:
    return [c.zh for c in columns]


register_importer(
    Importer(
        kind="indicators",
        help="月度指标 (formats.md): xlsx or UTF-8 CSV; upsert by (统一社会信用代码, 月份)",
        run=indicator_import,
    )
)
register_importer(
    Importer(
        kind="project_investment",
        help="项目月度完成投资 (formats.md): xlsx or UTF-8 CSV; upsert by (项目编号, 月份)",
        run=investment_import,
    )
)
