"""Enterprise import: the 企业名录 columns of formats.md (PRODUCT.md §2.1, §3 `qifu import enterprises`).

Every row is checked before anything is written. Then, in one transaction, rows upsert by USCC
through `services.enterprise_upsert`, so the rules and the per-enterprise audit are the same as for
the pages and the API. All or nothing unless `skip_invalid`; one `enterprise_import` audit record
with the counts. A column the file does not have keeps the stored value; an empty cell clears it.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.errors import PermissionDenied, QifuError
from qifu.core.excel import Table, TableError, Value, open_table
from qifu.core.imports import (
    CellError,
    ColumnSpec,
    HeaderMatch,
    Importer,
    ImportReport,
    Progress,
    RowError,
    choice_parser,
    file_error,
    match_headers,
    no_progress,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_row,
    parse_text,
    register_importer,
    shown,
)
from qifu.enterprises.models import Enterprise, Ownership, Specialized
from qifu.enterprises.services import (
    EnterpriseData,
    EnterpriseErrorCode,
    enterprise_data_of,
    enterprise_upsert,
    mask_phone,
    normalize_phone,
)
from qifu.enterprises.validators import normalize_uscc, validate_industry_code, validate_uscc

BATCH = 500
PROGRESS_EVERY = 50

USCC_REASONS = {
    "InvalidChecksum": ("校验位错误", "wrong check digit"),
    "InvalidLength": ("长度应为18位", "must be 18 characters"),
    "InvalidFormat": ("含有不允许的字符", "contains characters that are not allowed"),
    "InvalidComponent": ("登记管理部门或机构类别代码无效", "invalid registration authority or entity type"),
}


def parse_uscc(value: Value) -> str:
    """GB 32100-2015, through validators.validate_uscc (the model's own rule)."""
    code = normalize_uscc(parse_text(value, max_length=40))
    try:
        validate_uscc(code)
    except ValidationError as exc:
        zh, en = USCC_REASONS.get(type(exc.__cause__).__name__, ("格式错误", "invalid format"))
        raise CellError(f"统一社会信用代码无效：{zh}", f"invalid USCC: {en}") from None
    return code


def parse_industry(value: Value) -> str:
    code = parse_text(value, max_length=10).upper()
    try:
        validate_industry_code(code)
    except ValidationError:
        raise CellError(
            "不是有效的国民经济行业代码（GB/T 4754-2017，如 C3985）",
            "not a GB/T 4754-2017 industry code (e.g. C3985)",
        ) from None
    return code


def parse_phone(value: Value) -> str:
    """Digits as written (spaces and dashes allowed); a masked value (with *) is resolved later."""
    text = parse_text(value, max_length=32)
    if "*" in text:
        return text
    digits = normalize_phone(text)
    if not 5 <= len(digits.lstrip("+")) <= 20 or any(ch.isalpha() for ch in text):
        raise CellError("不是有效的电话号码", "not a valid phone number")
    return digits


def _money(value: Value) -> Any:
    return parse_decimal(value, places=2, max_integer_digits=12)


_ownership = choice_parser(
    {**{c: c for c in Ownership.values}, "内资": "domestic", "外资": "foreign", "台资": "taiwan", "港澳资": "hk_macao"},
    allowed_zh="内资、外资、台资、港澳资（或 domestic、foreign、taiwan、hk_macao）",
    allowed_en="domestic, foreign, taiwan, hk_macao (内资, 外资, 台资, 港澳资)",
)
_specialized = choice_parser(
    {
        **{c: c for c in Specialized.values},
        "无": "none",
        "否": "none",
        "省级": "provincial",
        "省级专精特新": "provincial",
        "国家级小巨人": "little_giant",
        "小巨人": "little_giant",
    },
    allowed_zh="无、省级、国家级小巨人（或 none、provincial、little_giant）",
    allowed_en="none, provincial, little_giant (无, 省级, 国家级小巨人)",
)


def _text(max_length: int) -> Any:
    return lambda value: parse_text(value, max_length=max_length)


_MONEY_HINT = "万元，≥ 0，最多两位小数"
_BOOL_HINT = "是/否、Y/N、true/false、1/0（空 = 否）"

# formats.md, in its order. `empty` is what an empty cell means (the EnterpriseData default).
COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "uscc",
        "统一社会信用代码",
        "uscc",
        parse_uscc,
        "",
        required=True,
        hint="必填；18位，校验位按 GB 32100-2015 检查；按此代码新增或更新",
    ),
    ColumnSpec("name", "企业名称", "name", _text(200), "", required=True, hint="必填"),
    ColumnSpec("industry", "行业代码", "industry", parse_industry, "", hint="GB/T 4754-2017 代码，如 C3985"),
    ColumnSpec("park", "所在园区", "park", _text(64), ""),
    ColumnSpec("founded_on", "成立日期", "founded_on", parse_date, None, hint="YYYY-MM-DD，或 Excel 日期单元格"),
    ColumnSpec("registered_capital", "注册资本(万元)", "registered_capital", _money, None, hint=_MONEY_HINT),
    ColumnSpec(
        "ownership",
        "资本来源",
        "ownership",
        _ownership,
        Ownership.DOMESTIC.value,
        hint="内资、外资、台资、港澳资（空 = 内资）",
    ),
    ColumnSpec("above_scale", "规上工业", "above_scale", parse_bool, False, hint=_BOOL_HINT),
    ColumnSpec("high_tech", "高新技术企业", "high_tech", parse_bool, False, hint=_BOOL_HINT),
    ColumnSpec(
        "specialized",
        "专精特新",
        "specialized",
        _specialized,
        Specialized.NONE.value,
        hint="无、省级、国家级小巨人（空 = 无）",
    ),
    ColumnSpec("listed", "上市", "listed", parse_bool, False, hint=_BOOL_HINT),
    ColumnSpec("employees", "从业人数", "employees", parse_int, None, hint="整数，≥ 0"),
    ColumnSpec("revenue_last_year", "上年营业收入(万元)", "revenue_last_year", _money, None, hint=_MONEY_HINT),
    ColumnSpec("tax_last_year", "上年税收(万元)", "tax_last_year", _money, None, hint=_MONEY_HINT),
    ColumnSpec("output_last_year", "上年产值(万元)", "output_last_year", _money, None, hint=_MONEY_HINT),
    ColumnSpec("rd_last_year", "上年研发投入(万元)", "rd_last_year", _money, None, hint=_MONEY_HINT),
    ColumnSpec("contact_name", "联系人", "contact_name", _text(64), "", hint="加密保存"),
    ColumnSpec("contact_phone", "联系电话", "contact_phone", parse_phone, "", hint="加密保存"),
)


def mask_name(name: str) -> str:
    """王** : the surname stays, the rest is masked (PI-2)."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


@dataclass(frozen=True)
class ParsedRow:
    number: int
    values: dict[str, Any]  # only the columns the file has, already parsed


class _MaskedValue(CellError):
    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.field = field


class _Rejected(Exception):
    """Raised inside the write transaction to roll it back (all-or-nothing)."""


def enterprise_import(
    *,
    actor: Actor,
    file: IO[bytes],
    filename: str,
    skip_invalid: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """formats.md import rules: check all rows, then upsert by USCC in one transaction; any invalid
    row rejects the whole file unless skip_invalid; only the service desk imports (§2.1)."""
    if not actor.can_manage_registry:
        raise PermissionDenied("only the service desk imports enterprises", code=EnterpriseErrorCode.FORBIDDEN)
    report = ImportReport(kind="enterprises", filename=filename, skip_invalid=skip_invalid)
    try:
        with open_table(file, filename=filename) as table:
            checked = _check(table, report, progress)
    except TableError as exc:
        report.errors.append(file_error(exc))
        report.reject()
        return report
    if checked is None or (report.errors and not skip_invalid):
        report.reject()
        return report
    match, rows = checked
    try:
        _write(actor=actor, match=match, rows=rows, report=report, progress=progress)
    except _Rejected:
        report.reject()
    return report


def _check(table: Table, report: ImportReport, progress: Progress) -> tuple[HeaderMatch, list[ParsedRow]] | None:
    """Parse every row; the duplicates of a USCC within the file are all invalid (which is right
    is not ours to guess). None when the header itself is unusable."""
    match = match_headers(table.headers, COLUMNS, header_row=table.header_row)
    report.ignored_columns = match.ignored
    if match.errors:
        report.errors.extend(match.errors)
        return None
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    rows_of_uscc: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        values, row_errors = parse_row(row.number, row.values, match)
        report.rows += 1
        errors.extend(row_errors)
        if not any(e.column == match.header_of("uscc") for e in row_errors):
            rows_of_uscc[values["uscc"]].append(row.number)
        parsed.append(ParsedRow(number=row.number, values=values))
        if report.rows % PROGRESS_EVERY == 0:
            progress("check", report.rows, table.size_hint)
    progress("check", report.rows, report.rows)
    if report.rows == 0:
        report.errors.append(
            RowError(table.header_row, "", "", "文件只有表头，没有数据行", "the file has a header but no data rows")
        )
        return None
    errors.extend(_duplicate_errors(rows_of_uscc, match.header_of("uscc")))
    errors.sort(key=lambda e: (e.row or 0, _column_order(match, e.column)))
    report.errors.extend(errors)
    bad = {e.row for e in errors}
    report.invalid = len(bad)
    return match, [row for row in parsed if row.number not in bad]


def _duplicate_errors(rows_of_uscc: dict[str, list[int]], header: str) -> Iterator[RowError]:
    for uscc, numbers in rows_of_uscc.items():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = "、".join(str(n) for n in numbers if n != number)
            yield RowError(
                number,
                header,
                uscc,
                f"统一社会信用代码在文件中重复（第{number}行与第{others}行）",
                f"duplicate USCC in the file (rows {number} and {others.replace('、', ', ')})",
            )


def _column_order(match: HeaderMatch, header: str) -> int:
    try:
        return match.headers.index(header)
    except ValueError:
        return -1


def _write(
    *, actor: Actor, match: HeaderMatch, rows: Sequence[ParsedRow], report: ImportReport, progress: Progress
) -> None:
    from qifu.policies.notices import enterprise_changes_batched  # one policy check for the whole file

    before = len(report.errors)
    with transaction.atomic(), enterprise_changes_batched():
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            # One query per batch (no N+1): the stored rows decide "unchanged" without a write.
            existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r.values["uscc"] for r in batch])}
            for done, row in enumerate(batch, start=start + 1):
                _write_row(actor, match, row, existing.get(row.values["uscc"]), report)
                if done % PROGRESS_EVERY == 0 or done == len(rows):
                    progress("write", done, len(rows))
        if len(report.errors) > before and not report.skip_invalid:
            raise _Rejected
        audit_record(
            actor=actor,
            action="enterprise_import",
            object_type="enterprise",
            object_id=report.filename,
            changes={**report.counts(), "filename": report.filename, "skip_invalid": report.skip_invalid},
        )


def _write_row(
    actor: Actor, match: HeaderMatch, row: ParsedRow, stored: Enterprise | None, report: ImportReport
) -> None:
    current = enterprise_data_of(stored) if stored is not None else None
    try:
        data = _merged(row, current)
    except _MaskedValue as exc:
        value = shown(row.values.get(exc.field))
        _fail(report, RowError(row.number, match.header_of(exc.field), value, exc.message_zh, exc.message_en))
        return
    if current is not None and data == current:
        report.unchanged += 1
        return
    try:
        outcome = enterprise_upsert(actor=actor, data=data)  # its own savepoint: a failure undoes only this row
    except QifuError as exc:
        _fail(report, _service_error(row.number, match, exc))
        return
    if outcome == "created":
        report.created += 1
    elif outcome == "updated":
        report.updated += 1
    else:
        report.unchanged += 1


def _fail(report: ImportReport, error: RowError) -> None:
    report.errors.append(error)
    report.invalid += 1


def _merged(row: ParsedRow, current: EnterpriseData | None) -> EnterpriseData:
    """The file's columns over the stored values (absent columns keep them). A masked contact (as
    exported: 王**, 139****5678) that matches the stored one keeps it, so an export can be edited
    and imported again without wiping contacts."""
    values = dict(row.values)
    for field, mask, label_zh, label_en in (
        ("contact_phone", mask_phone, "联系电话", "contact phone"),
        ("contact_name", mask_name, "联系人", "contact name"),
    ):
        value = values.get(field)
        if not value or "*" not in value:
            continue
        stored = getattr(current, field, "") if current is not None else ""
        if stored and value == mask(stored):
            values[field] = stored
        else:
            raise _MaskedValue(
                field,
                f"{label_zh}是脱敏值（含*），请填写完整信息，或删除此列以保留原值",
                f"the {label_en} is masked (contains *): give the full value, or drop the column to keep it",
            )
    if current is None:
        return EnterpriseData(**values)
    return replace(current, **values)


def _service_error(number: int, match: HeaderMatch, exc: QifuError) -> RowError:
    """A rule the service enforces that the parsers did not (rare: they mirror the model)."""
    fields_ = exc.data.get("fields") or {}
    field = next(iter(fields_), "")
    message = " ".join(str(m) for m in fields_.get(field, [])) or exc.message
    header = match.header_of(field) if field else ""
    return RowError(number, header, "", message, exc.message)


register_importer(
    Importer(
        kind="enterprises",
        help="企业名录 (formats.md): xlsx or UTF-8 CSV; upsert by 统一社会信用代码",
        run=enterprise_import,
    )
)
