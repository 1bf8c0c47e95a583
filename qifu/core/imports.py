"""What every ledger import shares (formats.md): the report, cell parsers, header matching and the
registry behind `qifu import KIND FILE`.

An app plugs a kind in from its own `importing` module (found by `autodiscover_modules`):

    register_importer(Importer(kind="enterprises", help="企业名录 …", run=enterprise_import))

`run(*, actor, file, filename, skip_invalid, progress) -> ImportReport` validates every row, then
writes through the app's services in one transaction: all or nothing unless `skip_invalid`.

Pure Python and Django: no other qifu app is imported here (core is the bottom layer).
"""

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Protocol

from qifu.core.excel import TableError, Value

ERROR_VALUE_CHARS = 100


@dataclass(frozen=True)
class RowError:
    """One problem, where the user will find it: Excel row number and the header as written."""

    row: int | None
    column: str
    value: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    kind: str
    filename: str
    skip_invalid: bool = False
    rows: int = 0  # data rows read (blank rows not counted)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0  # rows with at least one error (not written)
    rejected: bool = False  # True: nothing was written
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.rejected

    @property
    def written(self) -> int:
        return self.created + self.updated

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
        }

    def reject(self) -> None:
        """Nothing was written: the write counts go back to zero."""
        self.rejected = True
        self.created = self.updated = self.unchanged = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "imported": self.imported,
            "rejected": self.rejected,
            "skip_invalid": self.skip_invalid,
            **self.counts(),
            "ignored_columns": self.ignored_columns,
            "errors": [e.as_dict() for e in self.errors],
        }


def file_error(exc: TableError) -> RowError:
    return RowError(row=exc.row, column="", value="", message_zh=exc.message_zh, message_en=exc.message_en)


class Progress(Protocol):
    """Told how far an import is: phase "check" or "write", rows done, rows in all (if known)."""

    def __call__(self, phase: str, done: int, total: int | None) -> None: ...


def no_progress(phase: str, done: int, total: int | None) -> None:
    return None


class ImportRun(Protocol):
    def __call__(
        self, *, actor: Any, file: IO[bytes], filename: str, skip_invalid: bool = False, progress: Progress = ...
    ) -> ImportReport: ...


@dataclass(frozen=True)
class Importer:
    kind: str  # the subcommand: `qifu import KIND FILE`
    help: str
    run: ImportRun


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _IMPORTERS[importer.kind] = importer


def importers() -> Mapping[str, Importer]:
    return dict(sorted(_IMPORTERS.items()))


# --- Cells ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that does not parse; the reason in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en


def is_empty(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Value) -> str:
    """The value as the report shows it (dates as YYYY-MM-DD, long text cut)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= ERROR_VALUE_CHARS else text[: ERROR_VALUE_CHARS - 1] + "…"


def _nfkc(text: str) -> str:
    # Full-width digits, letters and punctuation typed with a Chinese IME → ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def parse_text(value: Value, *, max_length: int) -> str:
    """Text as written. A value starting with = + - @ stays text (it is neutralised on export)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    text = str(value).strip()
    if len(text) > max_length:
        raise CellError(f"长度超过{max_length}个字符", f"longer than {max_length} characters")
    return text


DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value: Value) -> date:
    """YYYY-MM-DD, or an Excel date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(_nfkc(str(value))) if isinstance(value, str) else None
    if match:
        try:
            parsed = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
        else:
            if parsed.year >= 1800:
                return parsed
    raise CellError(
        "不是有效日期，应为 YYYY-MM-DD（如 2012-05-01）", "not a valid date: use YYYY-MM-DD (e.g. 2012-05-01)"
    )


def parse_decimal(value: Value, *, places: int = 2, max_integer_digits: int = 12) -> Decimal:
    """A number ≥ 0 with at most `places` decimals; NaN, Infinity and negatives are refused."""
    if isinstance(value, bool):
        raise CellError("不是数字", "not a number")
    try:
        if isinstance(value, float):
            number = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, str):
            number = Decimal(_nfkc(value).replace(",", "").replace(" ", ""))
        else:
            raise InvalidOperation
    except InvalidOperation:
        raise CellError("不是数字", "not a number") from None
    if not number.is_finite():
        raise CellError("不是有限的数字", "not a finite number")
    if number < 0:
        raise CellError("不能为负数", "must not be negative")
    if number == 0:
        number = Decimal(0)  # "-0" → 0
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
        count = "零一两三四五六"[places] if places < 7 else str(places)
        raise CellError(f"最多保留{count}位小数", f"at most {places} decimal places")
    if number >= Decimal(10) ** max_integer_digits:
        raise CellError("数值过大", "number too large")
    return number


def parse_int(value: Value, *, maximum: int = 2_000_000_000) -> int:
    """A whole number ≥ 0."""
    number = parse_decimal(value, places=6, max_integer_digits=len(str(maximum)))
    if number != number.to_integral_value():
        raise CellError("应为整数", "must be a whole number")
    if number > maximum:
        raise CellError("数值过大", "number too large")
    return int(number)


TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0"})


def parse_bool(value: Value) -> bool:
    """是/否, Y/N, true/false, 1/0 (formats.md)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _nfkc(str(value)).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("应为 是/否（或 Y/N、true/false、1/0）", "must be yes/no (是/否, Y/N, true/false, 1/0)")


def choice_parser(aliases: Mapping[str, str], *, allowed_zh: str, allowed_en: str) -> Callable[[Value], str]:
    """A code set given by its codes or its Chinese names (case-insensitive for codes)."""
    table = {_nfkc(k).lower(): v for k, v in aliases.items()}

    def parse(value: Value) -> str:
        code = table.get(_nfkc(str(value)).lower())
        if code is None:
            raise CellError(f"应为 {allowed_zh} 之一", f"must be one of {allowed_en}")
        return code

    return parse


# --- Headers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """A column of an import format: the target field, its Chinese and English headers, a parser
    for non-empty cells, and the value an empty cell stands for."""

    field: str
    zh: str
    en: str
    parse: Callable[[Value], Any]
    empty: Any = None
    required: bool = False  # the column must be present and its cells non-empty
    hint: str = ""  # one line for the import page and the template's notes sheet


def header_key(text: str) -> str:
    """Headers match ignoring case, spaces and full-width forms: 注册资本（万元） = 注册资本(万元)."""
    return re.sub(r"\s+", "", _nfkc(text)).lower()


@dataclass
class HeaderMatch:
    headers: list[str]  # as written in the file
    columns: dict[int, ColumnSpec]  # position in the file → spec
    ignored: list[str]
    errors: list[RowError]

    @property
    def fields(self) -> set[str]:
        return {spec.field for spec in self.columns.values()}

    def header_of(self, field: str) -> str:
        """The header as written in the file for a matched field."""
        for index, spec in self.columns.items():
            if spec.field == field:
                return self.headers[index]
        return field


def match_headers(headers: Sequence[str], specs: Iterable[ColumnSpec], *, header_row: int) -> HeaderMatch:
    """Map the file's headers to the specs (Chinese or English, any order); report the unknown ones,
    the duplicates and the required ones that are missing."""
    specs = list(specs)
    by_key: dict[str, ColumnSpec] = {}
    for known in specs:
        by_key[header_key(known.zh)] = known
        by_key[header_key(known.en)] = known
    columns: dict[int, ColumnSpec] = {}
    seen: dict[str, str] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        spec = by_key.get(header_key(header))
        if spec is None:
            ignored.append(header)
            continue
        if spec.field in seen:
            errors.append(
                RowError(
                    row=header_row,
                    column=header,
                    value=header,
                    message_zh=f"列“{header}”与列“{seen[spec.field]}”重复",
                    message_en=f"column {header!r} repeats column {seen[spec.field]!r}",
                )
            )
            continue
        seen[spec.field] = header
        columns[index] = spec
    for known in specs:
        if known.required and known.field not in seen:
            errors.append(
                RowError(
                    row=header_row,
                    column=known.zh,
                    value="",
                    message_zh=f"缺少必填列“{known.zh}”（或英文列名 {known.en}），整个文件未导入",
                    message_en=f"required column {known.en!r} ({known.zh}) is missing: the file was rejected",
                )
            )
    return HeaderMatch(headers=list(headers), columns=columns, ignored=ignored, errors=errors)


def parse_row(number: int, values: Sequence[Value], match: HeaderMatch) -> tuple[dict[str, Any], list[RowError]]:
    """Parse one row's cells by the matched specs: (field → value, errors)."""
    parsed: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, spec in match.columns.items():
        raw = values[index] if index < len(values) else None
        header = match.headers[index]
        if is_empty(raw):
            if spec.required:
                errors.append(RowError(number, header, "", "必填，不能为空", "required, must not be empty"))
            parsed[spec.field] = spec.empty
            continue
        try:
            parsed[spec.field] = spec.parse(raw)
        except CellError as exc:
            errors.append(RowError(number, header, shown(raw), exc.message_zh, exc.message_en))
    return parsed, errors


# --- Text report (commands) -----------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _cut(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text.replace("\n", " "):
        w = _width(ch)
        if used + w > width - 1:
            return out + "…"
        out, used = out + ch, used + w
    return out


def format_report(report: ImportReport, *, max_value: int = 30) -> str:
    """The report as a plain-text table (Chinese messages), aligned for CJK terminals."""
    outcome = "已拒绝，未写入任何数据" if report.rejected else "已导入"
    lines = [
        f"{report.filename}: {outcome}",
        f"数据行 {report.rows} · 新增 {report.created} · 更新 {report.updated} · "
        f"未变 {report.unchanged} · 无效 {report.invalid}",
    ]
    if report.ignored_columns:
        lines.append("已忽略的未知列：" + "、".join(report.ignored_columns))
    if report.errors:
        table = [("行", "列", "值", "原因")] + [
            (str(e.row or ""), e.column, _cut(e.value, max_value), e.message_zh) for e in report.errors
        ]
        widths = [max(_width(r[i]) for r in table) for i in range(3)]
        for i, row in enumerate(table):
            lines.append("  ".join(_pad(cell, widths[n]) for n, cell in enumerate(row[:3])) + "  " + row[3])
            if i == 0:
                lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
    return "\n".join(lines)
