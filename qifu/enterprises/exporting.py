"""Enterprise export: exactly what a filtered list shows, as xlsx (UX.md §6; formats.md columns
with Chinese headers + 主挂钩人). Contacts masked (PI-2), formulas neutralised (IP-6 e), audited."""

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.enterprises.importing import COLUMNS, mask_name
from qifu.enterprises.models import Enterprise, Ownership, Specialized
from qifu.enterprises.selectors import EnterpriseFilters, enterprise_list
from qifu.enterprises.services import enterprise_contacts, mask_phone

EXPORT_MAX_ROWS = 100_000
CHUNK = 2_000
LIAISON_HEADER = "主挂钩人"
WIDTHS = {"uscc": 22, "name": 36, "park": 20, "contact_phone": 15}
EXPORT_FIELDS = (
    *(c.field for c in COLUMNS if not c.field.startswith("contact_")),
    "id",
    "contact_name_enc",
    "contact_phone_enc",
    "primary_liaison__display_name",
    "primary_liaison__username",
)


def export_columns() -> list[Column]:
    return [Column(c.zh, WIDTHS.get(c.field, 14)) for c in COLUMNS] + [Column(LIAISON_HEADER, 12)]


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def export_row(enterprise: Enterprise) -> list[Value]:
    """One enterprise as the formats.md columns (labels in Chinese, contacts masked) + 主挂钩人."""
    contact_name, contact_phone = enterprise_contacts(enterprise)
    liaison = enterprise.primary_liaison
    values: dict[str, Value] = {
        **{c.field: getattr(enterprise, c.field) for c in COLUMNS if not c.field.startswith("contact_")},
        "ownership": str(Ownership(enterprise.ownership).label),
        "specialized": str(Specialized(enterprise.specialized).label),
        "above_scale": _yes_no(enterprise.above_scale),
        "high_tech": _yes_no(enterprise.high_tech),
        "listed": _yes_no(enterprise.listed),
        "contact_name": mask_name(contact_name),
        "contact_phone": mask_phone(contact_phone) if contact_phone else "",
    }
    return [values[c.field] for c in COLUMNS] + [(liaison.display_name or liaison.username) if liaison else ""]


def _rows(enterprises: Iterable[Enterprise]) -> Iterator[list[Value]]:
    with translation.override("zh-hans"):  # the workbook is in Chinese whatever the UI language
        for enterprise in enterprises:
            yield export_row(enterprise)


def _filters_for_audit(filters: EnterpriseFilters) -> dict[str, Any]:
    data = {k: v for k, v in asdict(filters).items() if v not in ("", None, False)}
    if "phone" in data:
        data["phone"] = mask_phone(str(data["phone"]))  # the audit log holds no full phone numbers
    return data


def enterprise_export_queryset(*, actor: Actor, filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    """The list selector (scope first, the same filters), with every exported column loaded at once."""
    return enterprise_list(actor=actor, filters=filters).only(*EXPORT_FIELDS)


def enterprise_export(*, actor: Actor, filters: EnterpriseFilters) -> tuple[IO[bytes], int, bool]:
    """UX.md §6 "导出Excel": the actor's filtered list (at most EXPORT_MAX_ROWS rows), contacts
    masked (PI-2), formulas neutralised (IP-6 e); audited as `enterprise_export` with the filter and
    row count. Returns (xlsx temp file, rows, truncated)."""
    qs = enterprise_export_queryset(actor=actor, filters=filters)
    sheet = Sheet(
        title="企业名录",
        columns=export_columns(),
        rows=_rows(qs.iterator(chunk_size=CHUNK)),
        max_rows=EXPORT_MAX_ROWS,
    )
    file, (count,) = xlsx_tempfile(sheet)
    truncated = count >= EXPORT_MAX_ROWS and qs[EXPORT_MAX_ROWS : EXPORT_MAX_ROWS + 1].exists()
    audit_record(
        actor=actor,
        action="enterprise_export",
        object_type="enterprise",
        changes={"filters": _filters_for_audit(filters), "rows": count, "truncated": truncated},
    )
    return file, count, truncated


def export_filename() -> str:
    return f"企业名录-{timezone.localdate():%Y%m%d}.xlsx"


def template_tempfile() -> IO[bytes]:
    """The import template: the headers of formats.md, and a second sheet explaining each column
    (import reads only the first sheet)."""
    notes = [[c.zh, c.en, c.hint] for c in COLUMNS]
    file, _ = xlsx_tempfile(
        Sheet(title="企业名录", columns=[Column(c.zh, WIDTHS.get(c.field, 14)) for c in COLUMNS], rows=[]),
        Sheet(
            title="填写说明",
            columns=[Column("列名", 20), Column("英文列名", 20), Column("说明", 60)],
            rows=notes,
        ),
    )
    return file
