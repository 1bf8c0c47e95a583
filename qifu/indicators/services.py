"""Indicator writes (PRODUCT.md §2.5, formats.md 月度指标): rows checked, then upserted in one
transaction, audited, and the derived figures recomputed set-wise for the enterprises touched.

Import (importing.py), the API (api.py) and the edit page (views.py) all go through these:
`indicator_rows_check` applies the rules that need the database or the clock (the enterprise
exists and the actor may write its indicators, the month is not in the future, no (uscc, month)
twice); `indicator_rows_write` writes what the check let through; `indicator_set` is one
enterprise-month from the edit form. The same for projects' monthly investment.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import (
    may_edit_indicators,
    may_edit_indicators_of,
    scope_indicator_editing,
    scope_investment_editing,
)
from qifu.alerts.services import alerts_scan_after_commit
from qifu.audit.services import audit_record
from qifu.core.errors import PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalize_uscc
from qifu.indicators.derived import derive_all
from qifu.indicators.errors import IndicatorErrorCode as Code
from qifu.indicators.models import DERIVED_MEASURES, MEASURES, IndicatorDerived, MonthlyIndicator, ProjectInvestment
from qifu.projects.services import project_completed_sync

Value = Decimal | int | None
BATCH = 1_000
RECOMPUTE_CHUNK = 2_000  # enterprises per read of the ledger when recomputing


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def current_month() -> date:
    """The zone's current month (Asia/Shanghai): later months are "in the future"."""
    return first_of_month(timezone.localdate())


@dataclass(frozen=True)
class IndicatorInput:
    """One row as given: the key, and only the measures the file or request carries (absent
    measures keep their stored value; None clears it)."""

    uscc: str
    month: date
    values: Mapping[str, Value]


@dataclass(frozen=True)
class InvestmentInput:
    project_code: str
    month: date
    invested: Decimal | None
    given: bool = True  # False: the file has no invested column (the row only ensures the month)


@dataclass(frozen=True)
class RowFault:
    """A row refused by a rule: its position in the input (0-based), the field, a stable code."""

    index: int
    field: str
    code: str
    message_zh: str
    message_en: str

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "code": self.code, "detail": self.message_en}


@dataclass(frozen=True)
class CheckedRow:
    index: int
    key_id: int  # the enterprise (indicators) or project (investment)
    enterprise_id: int
    month: date
    values: Mapping[str, Value]


@dataclass
class Checked:
    """What a check let through (`rows`) and what it refused (`faults`). Writes take only this."""

    kind: str
    rows: list[CheckedRow] = field(default_factory=list)
    faults: list[RowFault] = field(default_factory=list)


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def indicator_editor_require(actor: Actor) -> None:
    """PermissionDenied (403) for anyone who writes no indicators at all (pages answer 404 first)."""
    if not may_edit_indicators(actor):
        raise PermissionDenied(_("只有服务专班、经济发展局和挂钩干部可以填报指标。"), code=Code.EDIT_FORBIDDEN)


def _in_chunks(items: Sequence[str], size: int = 900) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _future(index: int, month: date, today_month: date) -> RowFault | None:
    if month <= today_month:
        return None
    return RowFault(
        index,
        "month",
        Code.FUTURE_MONTH,
        f"月份 {month:%Y-%m} 晚于本月，不能填报未来月份",
        f"month {month:%Y-%m} is in the future",
    )


def _duplicates(keys: Sequence[tuple[str, date]], field_name: str, label_zh: str) -> list[RowFault]:
    seen: dict[tuple[str, date], list[int]] = defaultdict(list)
    for index, pair in enumerate(keys):
        seen[pair].append(index)
    faults = []
    for (key, month), indexes in seen.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = [i for i in indexes if i != index]
            faults.append(
                RowFault(
                    index,
                    field_name,
                    Code.DUPLICATE_ROW,
                    f"{label_zh} {key} 的 {month:%Y-%m} 在同一批数据中重复",
                    f"{key} {month:%Y-%m} appears more than once (also at {', '.join(map(str, others))})",
                )
            )
    return faults


def indicator_rows_check(*, actor: Actor, rows: Sequence[IndicatorInput]) -> Checked:
    """formats.md rules: an enterprise of the registry that the actor may report for (desk, economic
    department, its liaison), a month not in the future, each (uscc, month) once."""
    indicator_editor_require(actor)
    checked = Checked(kind="indicators")
    usccs = sorted({normalize_uscc(r.uscc) for r in rows})
    editable = scope_indicator_editing(actor)
    ids: dict[str, int] = {}
    for part in _in_chunks(usccs):
        ids.update(editable.filter(uscc__in=part).values_list("uscc", "id"))
    zone_wide = not actor.is_liaison  # the desk and the economic department report for everyone
    today_month = current_month()
    faults = _duplicates([(normalize_uscc(r.uscc), r.month) for r in rows], "uscc", _("企业"))
    for index, row in enumerate(rows):
        uscc = normalize_uscc(row.uscc)
        if uscc not in ids:
            zh = (
                "企业名录中没有此统一社会信用代码"
                if zone_wide
                else "企业名录中没有此统一社会信用代码，或您不是该企业的挂钩干部"
            )
            faults.append(
                RowFault(index, "uscc", Code.UNKNOWN_ENTERPRISE, zh, f"no enterprise {uscc} that you report for")
            )
        future = _future(index, row.month, today_month)
        if future:
            faults.append(future)
    bad = {f.index for f in faults}
    checked.faults = sorted(faults, key=lambda f: (f.index, 0 if f.field == "uscc" else 1))
    checked.rows = [
        CheckedRow(index, ids[normalize_uscc(r.uscc)], ids[normalize_uscc(r.uscc)], first_of_month(r.month), r.values)
        for index, r in enumerate(rows)
        if index not in bad
    ]
    return checked


def investment_rows_check(*, actor: Actor, rows: Sequence[InvestmentInput]) -> Checked:
    """The same rules for projects: a registered project the actor may report for, a month not in
    the future, each (project_code, month) once."""
    indicator_editor_require(actor)
    checked = Checked(kind="project_investment")
    codes = sorted({r.project_code for r in rows})
    editable = scope_investment_editing(actor)
    ids: dict[str, tuple[int, int]] = {}
    for part in _in_chunks(codes):
        ids.update(
            (code, (pk, ent))
            for code, pk, ent in editable.filter(code__in=part).values_list("code", "id", "enterprise_id")
        )
    today_month = current_month()
    faults = _duplicates([(r.project_code, r.month) for r in rows], "project_code", _("项目"))
    for index, row in enumerate(rows):
        if row.project_code not in ids:
            faults.append(
                RowFault(
                    index,
                    "project_code",
                    Code.UNKNOWN_PROJECT,
                    "没有此项目编号，或您无权填报该项目",
                    f"no project {row.project_code} that you report for",
                )
            )
        future = _future(index, row.month, today_month)
        if future:
            faults.append(future)
    bad = {f.index for f in faults}
    checked.faults = sorted(faults, key=lambda f: (f.index, f.field != "project_code"))
    checked.rows = [
        CheckedRow(
            index,
            ids[r.project_code][0],
            ids[r.project_code][1],
            first_of_month(r.month),
            {"invested": r.invested} if r.given else {},
        )
        for index, r in enumerate(rows)
        if index not in bad
    ]
    return checked


def rows_invalid(checked: Checked) -> RuleViolation:
    """The API's answer to refused rows: 422 with every row's index, field and code."""
    first = checked.faults[0]
    return RuleViolation(
        _("有 %(n)s 处数据有误，例如第 %(index)s 条的 %(field)s：%(message)s")
        % {"n": len(checked.faults), "index": first.index, "field": first.field, "message": first.message_zh},
        code=Code.ROWS_INVALID,
        data={"errors": [f.as_json() for f in checked.faults]},
    )


@transaction.atomic
def indicator_rows_write(
    *, actor: Actor, checked: Checked, source: str, filename: str = "", progress: Any = None
) -> WriteCounts:
    """Upsert the checked rows by (enterprise, month) in batches (one read and at most two writes a
    batch), recompute the derived figures of the enterprises that changed, audit once."""
    indicator_editor_require(actor)
    if checked.kind != "indicators":
        raise TypeError("indicator_rows_write takes the result of indicator_rows_check")
    counts, touched = _upsert(MonthlyIndicator, "enterprise_id", MEASURES, checked.rows, progress)
    derived_recompute(enterprise_ids=sorted(touched))
    alerts_scan_after_commit()  # early warnings: figures past an alarm threshold (docs/ALERTS.md)
    audit_record(
        actor=actor,
        action="indicator_import" if source == "import" else "indicator_upsert",
        object_type="indicator",
        object_id=filename or source,
        changes={**counts.as_dict(), "rows": len(checked.rows), "enterprises": len(touched), "source": source},
    )
    return counts


@transaction.atomic
def investment_rows_write(
    *, actor: Actor, checked: Checked, source: str, filename: str = "", progress: Any = None
) -> WriteCounts:
    """Upsert projects' monthly investment by (project, month); keep the touched projects'
    completed investment the sum of their months; audit once."""
    indicator_editor_require(actor)
    if checked.kind != "project_investment":
        raise TypeError("investment_rows_write takes the result of investment_rows_check")
    counts, touched = _upsert(ProjectInvestment, "project_id", ("invested",), checked.rows, progress)
    project_completed_sync(project_ids=touched)  # 累计完成投资 = the sum of the months, in this transaction
    audit_record(
        actor=actor,
        action="investment_import" if source == "import" else "investment_upsert",
        object_type="project_investment",
        object_id=filename or source,
        changes={**counts.as_dict(), "rows": len(checked.rows), "projects": len(touched), "source": source},
    )
    return counts


def _upsert(
    model: Any, key: str, measures: Sequence[str], rows: Sequence[CheckedRow], progress: Any
) -> tuple[WriteCounts, set[int]]:
    counts = WriteCounts()
    touched: set[int] = set()
    now = timezone.now()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        stored = {
            (getattr(obj, key), obj.month): obj
            for obj in model.objects.filter(
                **{f"{key}__in": {r.key_id for r in batch}}, month__in={r.month for r in batch}
            )
        }
        new, changed = [], []
        for row in batch:
            obj = stored.get((row.key_id, row.month))
            if obj is None:
                obj = model(**{"enterprise_id": row.enterprise_id, key: row.key_id, "month": row.month, **row.values})
                new.append(obj)
                touched.add(row.enterprise_id if model is MonthlyIndicator else row.key_id)
                continue
            if all(getattr(obj, name) == value for name, value in row.values.items()):
                counts.unchanged += 1
                continue
            for name, value in row.values.items():
                setattr(obj, name, value)
            obj.updated_at = now
            changed.append(obj)
            touched.add(row.enterprise_id if model is MonthlyIndicator else row.key_id)
        model.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            model.objects.bulk_update(changed, [*measures, "updated_at"], batch_size=BATCH)
        counts.created += len(new)
        counts.updated += len(changed)
        if progress is not None:
            progress("write", start + len(batch), len(rows))
    return counts, touched


def indicator_set(
    *, actor: Actor, enterprise: Enterprise, month: date, values: Mapping[str, Value]
) -> MonthlyIndicator:
    """§2.5 one enterprise-month from the edit page: its liaison, the desk or the economic
    department; not a future month; audited with what changed; derived figures recomputed."""
    indicator_editor_require(actor)
    if not may_edit_indicators_of(actor, enterprise.pk):
        raise PermissionDenied(_("您无权填报该企业的指标。"), code=Code.EDIT_FORBIDDEN)
    month = first_of_month(month)
    if month > current_month():
        raise RuleViolation(_("不能填报未来月份的指标。"), code=Code.FUTURE_MONTH, data={"field": "month"})
    with transaction.atomic():
        row = MonthlyIndicator.objects.select_for_update().filter(
            enterprise=enterprise, month=month
        ).first() or MonthlyIndicator(enterprise=enterprise, month=month)
        before = {name: getattr(row, name) for name in MEASURES} if row.pk else {}
        for name, value in values.items():
            if name in MEASURES:
                setattr(row, name, value)
        try:
            row.full_clean()
        except ValidationError as exc:
            raise RuleViolation(_("指标数据有误。"), code=Code.INVALID, data={"fields": exc.message_dict}) from exc
        changes = {
            name: [_plain(before.get(name)), _plain(getattr(row, name))]
            for name in MEASURES
            if not before or before.get(name) != getattr(row, name)
        }
        if row.pk and not changes:
            return row
        row.save()
        derived_recompute(enterprise_ids=[enterprise.pk])
        audit_record(
            actor=actor,
            action="indicator_set",
            object_type="enterprise",
            object_id=enterprise.uscc,
            changes={"month": f"{month:%Y-%m}", **changes},
        )
    return row


def _plain(value: Value) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def derived_recompute(*, enterprise_ids: Sequence[int] | None = None) -> int:
    """Recompute IndicatorDerived for these enterprises (None: every enterprise) from the ledger,
    set-wise: per chunk of enterprises one read, one delete and batched inserts. Returns the rows."""
    written = 0
    if enterprise_ids is None:
        IndicatorDerived.objects.all().delete()
        ids = list(MonthlyIndicator.objects.order_by().values_list("enterprise_id", flat=True).distinct())
        ids.sort()
        chunks = [ids[i : i + RECOMPUTE_CHUNK] for i in range(0, len(ids), RECOMPUTE_CHUNK)]
        delete = False
    else:
        ids = sorted(set(enterprise_ids))
        chunks = [ids[i : i + RECOMPUTE_CHUNK] for i in range(0, len(ids), RECOMPUTE_CHUNK)]
        delete = True
    for chunk in chunks:
        if delete:
            IndicatorDerived.objects.filter(enterprise_id__in=chunk).delete()
        source = (
            MonthlyIndicator.objects.filter(enterprise_id__in=chunk)
            .order_by("enterprise_id", "month")
            .values_list("id", "enterprise_id", "month", *DERIVED_MEASURES)
        )
        rows = [IndicatorDerived(**d) for d in derive_all(source.iterator(chunk_size=10_000))]
        IndicatorDerived.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written
