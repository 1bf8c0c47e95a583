"""Keeping `CaseCube` exact (models.py says why it exists).

Writers call, inside the transaction that writes the case:

    before = cube_state(case)      # before changing it (None for a new case)
    ... change and save the case ...
    cube_moved(case, before)        # one unit from the old combination to the new one

`cube_moved` costs nothing when no dimension changed (a message, a note, a follow) and two short
statements otherwise (an upsert of -1 and of +1; the enterprise's industry is read once when the
case does not carry its enterprise). `cube_rebuild` recounts the whole cube from the cases with one
GROUP BY (the migration, `qifu cockpit rebuild`, the seed); `cube_recount` and `cube_counts` give
both sides as dictionaries for the consistency tests and `qifu cockpit check`.
"""

from collections import Counter
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateTimeField, Model, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth, Upper
from django.utils import timezone

from qifu.cases.models import Case
from qifu.cockpit.models import CaseCube

# (category, department, state, overdue, supervised, is_common) of a case; with month and industry
# it makes the cube's key
State = tuple[int, int, str, bool, bool, bool]
Key = tuple[date, int, int, str, str, bool, bool, bool]  # month, category, department, state, industry, 3 flags

KEY_FIELDS = ("month", "category", "department", "state", "industry", "overdue", "supervised", "is_common")


def cube_state(case: Case) -> State:
    return (
        case.category_id or 0,
        case.lead_department_id or 0,
        str(case.state),
        bool(case.overdue),
        bool(case.supervised),
        bool(case.is_common),
    )


def filing_month(case: Case) -> date:
    return timezone.localdate(case.submitted_at).replace(day=1)


def industry_section(code: str | None) -> str:
    return (code or "")[:1].upper()


def _industry(case: Case) -> str:
    if Case.enterprise.is_cached(case):
        return industry_section(case.enterprise.industry)
    from qifu.enterprises.models import Enterprise

    code = Enterprise.objects.filter(pk=case.enterprise_id).values_list("industry", flat=True).first()
    return industry_section(code)


def _key(month: date, state: State, industry: str) -> Key:
    category, department, st, overdue, supervised, common = state
    return (month, category, department, st, industry, overdue, supervised, common)


def _add(key: Key, delta: int) -> None:
    table = connection.ops.quote_name(CaseCube._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in (*KEY_FIELDS, "n"))
    conflict = ", ".join(connection.ops.quote_name(c) for c in KEY_FIELDS)
    n = connection.ops.quote_name("n")
    marks = ", ".join(["%s"] * (len(KEY_FIELDS) + 1))
    sql = (
        f"INSERT INTO {table} ({cols}) VALUES ({marks}) "  # noqa: S608 - names from the model
        f"ON CONFLICT ({conflict}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
    )
    params: list[Any] = [connection.ops.adapt_datefield_value(key[0]), *key[1:], delta]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def cube_moved(case: Case, before: State | None) -> None:
    """Record that CASE went from BEFORE (None: it is new) to its current dimensions. Call it in
    the transaction that saved the case."""
    after = cube_state(case)
    if before == after:
        return
    month, industry = filing_month(case), _industry(case)
    if before is not None:
        _add(_key(month, before, industry), -1)
    _add(_key(month, after, industry), +1)


def _grouped(case_model: type[Model]) -> Any:
    """One GROUP BY over the cases: (month as a local datetime, category, department, state,
    industry section, overdue, supervised, is_common, n)."""
    return (
        case_model._default_manager.order_by()
        .annotate(
            c_month=TruncMonth("submitted_at", output_field=DateTimeField()),
            c_category=Coalesce("category_id", Value(0)),
            c_department=Coalesce("lead_department_id", Value(0)),
            c_industry=Upper(Substr(Coalesce("enterprise__industry", Value("")), 1, 1)),
        )
        .values_list(
            "c_month", "c_category", "c_department", "state", "c_industry", "overdue", "supervised", "is_common"
        )
        .annotate(n=Count("id"))
    )


def _month(value: Any) -> date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def cube_recount(case_model: type[Model] = Case) -> dict[Key, int]:
    """What the cube should hold, counted from the cases now."""
    out: Counter[Key] = Counter()
    for month, category, department, state, industry, overdue, supervised, common, n in _grouped(case_model):
        out[(_month(month), category, department, state, industry, bool(overdue), bool(supervised), bool(common))] += n
    return dict(out)


def cube_counts(cube_model: type[Model] = CaseCube) -> dict[Key, int]:
    """What the cube holds (rows at 0 left out)."""
    rows = cube_model._default_manager.exclude(n=0).values_list(*KEY_FIELDS, "n")
    return {tuple(row[:-1]): row[-1] for row in rows}


def cube_rebuild(case_model: type[Model] = Case, cube_model: type[Model] = CaseCube, batch_size: int = 5000) -> int:
    """Recount the cube from the cases (set-wise: the cases are grouped in the database and only
    the combinations travel). Returns the number of rows. The delete comes first, so the
    transaction holds the write lock while it counts: no case write can fall between the count
    and the insert (SQLite has one writer; at city scale the count takes a few seconds)."""
    with transaction.atomic():
        cube_model._default_manager.all().delete()
        counts = cube_recount(case_model)
        rows = [cube_model(**dict(zip(KEY_FIELDS, key, strict=True)), n=n) for key, n in counts.items()]
        cube_model._default_manager.bulk_create(rows, batch_size=batch_size)
    return len(rows)
