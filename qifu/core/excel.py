"""Safe spreadsheet input and output for every ledger (formats.md; security checklist IP-6 d and e).

Reading (`open_table`): an .xlsx workbook (first sheet) or a UTF-8 CSV (with or without BOM).
Before openpyxl parses anything, the zip container is checked: real xlsx content types, no macros
(vbaProject.bin / macroEnabled), total uncompressed size and compression ratio (zip bombs). XML is
parsed through defusedxml (billion laughs, XXE). Bytes and rows are capped by
`settings.IMPORT_MAX_BYTES` / `settings.IMPORT_MAX_ROWS`, columns by `MAX_COLUMNS`.
Rows come back with the number a user sees in Excel (the header is row 1 when it is the first row).

Writing (`write_xlsx`, `xlsx_tempfile`, one `Sheet` each): openpyxl write-only (constant memory, any row count),
every string cell neutralised (`neutralise`) so that no user value ever runs as a formula.

Pure Django and openpyxl: no other qifu app is imported here (core is the bottom layer).
"""

import csv
import io
import math
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePath
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from qifu.core.errors import RuleViolation

# openpyxl picks defusedxml up by itself when it is importable; fail closed if it did not, since
# sharedStrings.xml and the sheet XML come straight from the uploader.
if not getattr(openpyxl, "DEFUSEDXML", False):  # pragma: no cover - an installation fault
    raise ImproperlyConfigured("defusedxml must be installed (and OPENPYXL_DEFUSEDXML not False)")
# lxml (installed with python-docx) would replace defusedxml's fromstring: qifu/__init__.py turns it off
if getattr(openpyxl, "LXML", False):  # pragma: no cover - an installation fault
    raise ImproperlyConfigured("openpyxl must not parse with lxml (OPENPYXL_LXML=False, see qifu/__init__.py)")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKERS = (b"macroenabled", b"vbaproject")
MAX_COLUMNS = 200
MAX_ZIP_MEMBERS = 2_000
# Sheet XML is repetitive and compresses well (20-40x is normal); beyond 100x on a member of more
# than a megabyte it is a bomb, not a spreadsheet. Members smaller than that cannot hurt.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 1 << 20
UNCOMPRESSED_PER_INPUT_BYTE = 25  # total uncompressed size cap = this x IMPORT_MAX_BYTES
MAX_CELL_CHARS = 32_767  # Excel's own limit
# A spreadsheet runs a cell starting with one of these as a formula (or DDE); TAB/CR/NUL hide one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

Value = str | int | float | bool | Decimal | date | datetime | time | timedelta | None


class TableErrorCode(StrEnum):
    UNSUPPORTED = "table_unsupported_type"
    NOT_EXCEL = "table_not_excel"
    MACROS = "table_macros"
    ZIP_BOMB = "table_zip_bomb"
    UNSAFE_XML = "table_unsafe_xml"
    NOT_UTF8 = "table_not_utf8"
    BAD_CSV = "table_bad_csv"
    TOO_LARGE = "table_too_large"
    TOO_MANY_ROWS = "table_too_many_rows"
    TOO_MANY_COLUMNS = "table_too_many_columns"
    EMPTY = "table_empty"


class TableError(RuleViolation):
    """The file as a whole cannot be read; carries the reason in Chinese and English."""

    def __init__(self, code: TableErrorCode, message_zh: str, message_en: str, *, row: int | None = None) -> None:
        super().__init__(message_en, code=code, data={"message_zh": message_zh, "row": row})
        self.message_zh = message_zh
        self.message_en = message_en
        self.row = row


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: the header is row 1 when it is the first row
    values: tuple[Value, ...]  # aligned with Table.headers (padded with None)


@dataclass
class Table:
    headers: list[str]  # as written in the file, stripped; "" for an empty header cell
    header_row: int
    rows: Iterator[Row]  # data rows after the header; blank rows are skipped
    size_hint: int | None = None  # the number of data rows when the file says so (progress bars)
    format: str = "xlsx"


def _size_of(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _is_blank(values: Sequence[Value]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _header_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _too_many_rows(max_rows: int) -> TableError:
    return TableError(
        TableErrorCode.TOO_MANY_ROWS,
        f"数据行数超过上限（{max_rows}行），请拆分文件后分批导入。",
        f"more than {max_rows} data rows: split the file",
    )


@contextmanager
def open_table(
    file: IO[bytes], *, filename: str, max_rows: int | None = None, max_bytes: int | None = None
) -> Iterator[Table]:
    """Open an uploaded .xlsx or .csv safely; raises TableError for a file that cannot be read.

    Errors met while iterating `rows` (too many rows, a broken CSV quote) are TableErrors too.
    """
    max_rows = max_rows if max_rows is not None else settings.IMPORT_MAX_ROWS
    max_bytes = max_bytes if max_bytes is not None else settings.IMPORT_MAX_BYTES
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb", ".xlam"):
        raise TableError(
            TableErrorCode.MACROS,
            "不接受带宏的文件（.xlsm 等），请另存为 .xlsx 后再导入。",
            "macro-enabled workbooks are not accepted: save as .xlsx",
        )
    if suffix == ".xls":
        raise TableError(
            TableErrorCode.UNSUPPORTED,
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。",
            "legacy .xls files are not supported: save as .xlsx",
        )
    if suffix not in (".xlsx", ".csv"):
        raise TableError(
            TableErrorCode.UNSUPPORTED,
            "只能导入 .xlsx 或 .csv 文件。",
            "only .xlsx and .csv files can be imported",
        )
    size = _size_of(file)
    if size == 0:
        raise TableError(TableErrorCode.EMPTY, "文件是空的。", "the file is empty")
    if size > max_bytes:
        raise TableError(
            TableErrorCode.TOO_LARGE,
            f"文件过大（上限 {max_bytes // (1024 * 1024)} MB），请拆分后分批导入。",
            f"the file is larger than {max_bytes} bytes",
        )
    if suffix == ".csv":
        yield _csv_table(file, max_rows=max_rows)
        return
    _check_xlsx_container(file, max_uncompressed=max_bytes * UNCOMPRESSED_PER_INPUT_BYTE)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a broken package, all mean the same
        raise _xlsx_parse_error(exc) from exc
    try:
        yield _xlsx_table(workbook, max_rows=max_rows)
    finally:
        workbook.close()


def _not_excel() -> TableError:
    return TableError(
        TableErrorCode.NOT_EXCEL,
        "不是有效的Excel文件（.xlsx）。请用 Excel 打开后另存为「Excel 工作簿(*.xlsx)」再导入。",
        "not a valid Excel (.xlsx) file",
    )


def _xlsx_parse_error(exc: Exception) -> TableError:
    # defusedxml raises DTDForbidden / EntitiesForbidden / ExternalReferenceForbidden (all
    # DefusedXmlException); anything else while parsing is a broken or disguised file.
    # openpyxl wraps the parser's error in a ValueError: look down the chain.
    seen: BaseException | None = exc
    while seen is not None and not type(seen).__module__.startswith("defusedxml"):
        seen = seen.__cause__ or seen.__context__
    if seen is not None:
        return TableError(
            TableErrorCode.UNSAFE_XML,
            "文件中含有不安全的XML内容（实体或外部引用），已拒绝。",
            "the workbook contains unsafe XML (entities or external references)",
        )
    return _not_excel()


def _check_xlsx_container(file: IO[bytes], *, max_uncompressed: int) -> None:
    """The zip checks of ASVS 5.2.3, before any XML is parsed.

    The sizes in the zip directory are what the decompressor enforces: zipfile stops at the
    declared size and fails the CRC otherwise, so checking the declared sizes bounds the real ones.
    """
    if not zipfile.is_zipfile(file):
        raise _not_excel()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _bomb()
            names = {m.filename.lower() for m in members}
            if "[content_types].xml" not in names:
                raise _not_excel()
            if any(n.endswith("vbaproject.bin") for n in names):
                raise _macros()
            total = 0
            for member in members:
                total += member.file_size
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    raise _bomb()
            if total > max_uncompressed:
                raise _bomb()
            types_info = next(m for m in members if m.filename.lower() == "[content_types].xml")
            if types_info.file_size > RATIO_FLOOR_BYTES:
                raise _not_excel()
            content_types = archive.read(types_info).lower()
    except zipfile.BadZipFile as exc:
        raise _not_excel() from exc
    if any(marker in content_types for marker in MACRO_MARKERS):
        raise _macros()
    if SHEET_MAIN_TYPE.lower() not in content_types:
        raise _not_excel()
    file.seek(0)


def _bomb() -> TableError:
    return TableError(
        TableErrorCode.ZIP_BOMB,
        "文件解压后过大或压缩比异常，已拒绝。",
        "the workbook expands too much when unzipped (possible zip bomb)",
    )


def _macros() -> TableError:
    return TableError(
        TableErrorCode.MACROS,
        "文件中含有宏（VBA），已拒绝。请另存为不含宏的 .xlsx 后再导入。",
        "the workbook contains macros (VBA)",
    )


def _cell_value(value: Any) -> Value:
    # Array and data-table formulas come back as objects; keep their text like any formula.
    if value is None or isinstance(value, str | int | float | bool | Decimal | date | time | timedelta):
        return value
    text = getattr(value, "text", None)
    return f"={text}" if isinstance(text, str) and not text.startswith("=") else str(text or value)


def _xlsx_table(workbook: Any, *, max_rows: int) -> Table:
    try:
        sheet = workbook.worksheets[0]
        header_row, headers = 0, []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
            if not _is_blank(values):
                header_row, headers = number, [_header_text(v) for v in values]
                break
            if number > max_rows:
                break
    except Exception as exc:
        raise _xlsx_parse_error(exc) from exc
    headers = _trim_headers(headers)
    if not headers:
        raise TableError(
            TableErrorCode.EMPTY, "文件是空的（没有表头和数据）。", "the file is empty (no header, no data)"
        )
    size_hint = None
    if sheet.max_row is not None:
        size_hint = max(0, min(int(sheet.max_row), max_rows + header_row) - header_row)
    return Table(
        headers=headers,
        header_row=header_row,
        rows=_xlsx_rows(sheet, header_row, len(headers), max_rows),
        size_hint=size_hint,
        format="xlsx",
    )


def _xlsx_rows(sheet: Any, header_row: int, width: int, max_rows: int) -> Iterator[Row]:
    # max_row/max_col given explicitly: a forged <dimension ref="A1:XFD1048576"> cannot make
    # openpyxl pad millions of empty cells.
    last = header_row + max_rows
    rows = sheet.iter_rows(min_row=header_row + 1, max_row=last + 1, max_col=width, values_only=True)
    number = header_row
    try:
        for values in rows:
            number += 1
            if _is_blank(values):
                continue
            if number > last:
                raise _too_many_rows(max_rows)
            cells = tuple(_cell_value(v) for v in values)
            yield Row(number=number, values=cells + (None,) * (width - len(cells)))
    except TableError:
        raise
    except Exception as exc:
        raise _xlsx_parse_error(exc) from exc


def _trim_headers(headers: list[str]) -> list[str]:
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise TableError(
            TableErrorCode.TOO_MANY_COLUMNS,
            f"列数超过上限（{MAX_COLUMNS}列）。",
            f"more than {MAX_COLUMNS} columns",
            row=1,
        )
    return headers


def _csv_table(file: IO[bytes], *, max_rows: int) -> Table:
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(
            TableErrorCode.NOT_UTF8,
            "CSV文件不是UTF-8编码。请在 Excel 中另存为「CSV UTF-8(逗号分隔)(*.csv)」后再导入。",
            "the CSV file is not UTF-8 encoded",
        ) from exc
    if "\0" in text:
        raise TableError(TableErrorCode.BAD_CSV, "不是有效的CSV文件（含有二进制内容）。", "not a text CSV file")
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    header_row, headers = 0, []
    try:
        for number, values in enumerate(records, start=1):
            if not _is_blank(values):
                header_row, headers = number, [v.strip() for v in values[: MAX_COLUMNS + 1]]
                break
    except csv.Error as exc:
        raise _bad_csv(exc) from exc
    headers = _trim_headers(headers)
    if not headers:
        raise TableError(
            TableErrorCode.EMPTY, "文件是空的（没有表头和数据）。", "the file is empty (no header, no data)"
        )
    return Table(
        headers=headers,
        header_row=header_row,
        rows=_csv_rows(records, header_row, len(headers), max_rows),
        size_hint=None,
        format="csv",
    )


def _bad_csv(exc: csv.Error) -> TableError:
    return TableError(TableErrorCode.BAD_CSV, f"CSV格式错误：{exc}", f"malformed CSV: {exc}")


def _csv_rows(records: Iterator[list[str]], header_row: int, width: int, max_rows: int) -> Iterator[Row]:
    number = header_row
    try:
        for values in records:
            number += 1  # one record is one row in Excel, even when a quoted cell spans lines
            if _is_blank(values):
                continue
            if number > header_row + max_rows:
                raise _too_many_rows(max_rows)
            cells: tuple[Value, ...] = tuple(values[:width])
            yield Row(number=number, values=cells + (None,) * (width - len(cells)))
    except csv.Error as exc:
        raise _bad_csv(exc) from exc


# --- Writing --------------------------------------------------------------------------------


def neutralise(value: Value) -> Value:
    """IP-6 (e): a string that a spreadsheet would run (= + - @, or TAB/CR/NUL before one) gets a
    leading apostrophe and stays text; characters XML cannot carry are dropped. Numbers, dates and
    booleans are written as such and cannot run."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not isinstance(value, str):
        return value
    text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and width (in characters)."""

    header: str
    width: int = 14


@dataclass
class Sheet:
    """One worksheet to write; `rows` may be a generator (it is consumed once)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Value]]
    max_rows: int | None = None


def write_xlsx(target: IO[bytes], *sheets: Sheet) -> list[int]:
    """Stream sheets into a new workbook (write-only mode: constant memory for any row count).

    Every cell goes through `neutralise`; header rows are bold and frozen. Returns the number of
    data rows written per sheet (a sheet stops at its `max_rows`).
    """
    workbook = openpyxl.Workbook(write_only=True)
    counts = [_write_sheet(workbook, sheet) for sheet in sheets]
    workbook.save(target)
    return counts


def _write_sheet(workbook: Any, spec: Sheet) -> int:
    sheet = workbook.create_sheet(title=neutralise_title(spec.title))
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in spec.rows:
        if spec.max_rows is not None and count >= spec.max_rows:
            break
        sheet.append([_writable(v) for v in row])
        count += 1
    return count


def _writable(value: Value) -> Value:
    value = neutralise(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    return value


def neutralise_title(title: str) -> str:
    """A sheet title: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    return cleaned or "Sheet1"


def xlsx_tempfile(*sheets: Sheet) -> tuple[IO[bytes], list[int]]:
    """Write a workbook to an anonymous temporary file (rewound) for a FileResponse to stream.

    Returns (file, rows written per sheet). The caller owns the file; FileResponse closes it.
    """
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        counts = write_xlsx(target, *sheets)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, counts
