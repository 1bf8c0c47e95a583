"""Keeping `CaseCube` and `CommonCube` exact (models.py says why they exist).

Writers call, inside the transaction that writes the case:

    before = cube_state(case)      # before changing it (None for a new case)
    ... change and save the case ...
    cube_moved(case, before)        # one unit from the old combinations to the new ones

`cube_moved` costs nothing when no dimension changed (a message, a note, a follow), two short
upserts when the state, department or a flag changed, and two more (plus one read of the
enterprise's industry when the case does not carry its enterprise) when the category or the
common-problem mark changed. `cube_rebuild` recounts both cubes from the cases with one GROUP BY
each (the migration, `qifu cockpit rebuild`, the seed); `cube_recount` and `cube_counts` give both
sides as dictionaries for the consistency tests and `qifu cockpit check`.
"""

from collections import Counter
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateTimeField, Model, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth, Upper
from django.utils import timezone

from qifu.cases.models import Case
from qifu.cockpit.models import CaseCube, CommonCube

# (category, department, state, overdue, supervised, is_common) of a case
State = tuple[int, int, str, bool, bool, bool]
# ("case", (month, category, department, state, overdue, supervised)) or
# ("common", (month, industry, category, is_common)): a row of either cube
Key = tuple[str, tuple[Any, ...]]

CASE_FIELDS = ("month", "category", "department", "state", "overdue", "supervised")
COMMON_FIELDS = ("month", "industry", "category", "is_common")


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


def _add(model: type[Model], fields: tuple[str, ...], key: tuple[Any, ...], delta: int) -> None:
    """n += delta on the row KEY of MODEL, inserted when missing (one statement)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    cols = ", ".join(quote(c) for c in (*fields, "n"))
    conflict = ", ".join(quote(c) for c in fields)
    marks = ", ".join(["%s"] * (len(fields) + 1))
    n = quote("n")
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
    month = filing_month(case)
    if before is None or before[:5] != after[:5]:
        if before is not None:
            _add(CaseCube, CASE_FIELDS, (month, *before[:5]), -1)
        _add(CaseCube, CASE_FIELDS, (month, *after[:5]), +1)
    if before is None or (before[0], before[5]) != (after[0], after[5]):
        industry = _industry(case)
        if before is not None:
            _add(CommonCube, COMMON_FIELDS, (month, industry, before[0], before[5]), -1)
        _add(CommonCube, COMMON_FIELDS, (month, industry, after[0], after[5]), +1)


def _month(value: Any) -> date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _grouped(case_model: type[Model], *columns: str, **extra: Any) -> Any:
    """One GROUP BY over the cases: (local filing month as a datetime, *columns, n)."""
    return (
        case_model._default_manager.order_by()
        .annotate(
            c_month=TruncMonth("submitted_at", output_field=DateTimeField()),
            c_category=Coalesce("category_id", Value(0)),
            c_department=Coalesce("lead_department_id", Value(0)),
            **extra,
        )
        .values_list("c_month", *columns)
        .annotate(n=Count("id"))
    )


def cube_recount(case_model: type[Model] = Case) -> dict[Key, int]:
    """What the cubes should hold, counted from the cases now."""
    out: Counter[Key] = Counter()
    case_rows = _grouped(case_model, "c_category", "c_department", "state", "overdue", "supervised")
    for month, category, department, state, overdue, supervised, n in case_rows:
        out[("case", (_month(month), category, department, state, bool(overdue), bool(supervised)))] += n
    industry = Upper(Substr(Coalesce("enterprise__industry", Value("")), 1, 1))
    common_rows = _grouped(case_model, "c_industry", "c_category", "is_common", c_industry=industry)
    for month, section, category, common, n in common_rows:
        out[("common", (_month(month), section, category, bool(common)))] += n
    return dict(out)


def cube_counts(case_cube: type[Model] = CaseCube, common_cube: type[Model] = CommonCube) -> dict[Key, int]:
    """What the cubes hold (rows at 0 left out)."""
    out: dict[Key, int] = {}
    for name, model, fields in (("case", case_cube, CASE_FIELDS), ("common", common_cube, COMMON_FIELDS)):
        for row in model._default_manager.exclude(n=0).values_list(*fields, "n"):
            out[(name, tuple(row[:-1]))] = row[-1]
    return out


def cube_rebuild(
    case_model: type[Model] = Case,
    case_cube: type[Model] = CaseCube,
    common_cube: type[Model] = CommonCube,
    batch_size: int = 5000,
) -> int:
    """Recount both cubes from the cases (set-wise: the cases are grouped in the database and only
    the combinations travel). Returns the number of rows. The deletes come first, so the
    transaction holds the write lock while it counts: no case write can fall between the count
    and the insert (SQLite has one writer; at city scale the count takes some seconds)."""
    with transaction.atomic():
        case_cube._default_manager.all().delete()
        common_cube._default_manager.all().delete()
        counts = cube_recount(case_model)
        rows: dict[str, list[Model]] = {"case": [], "common": []}
        for (name, key), n in counts.items():
            model, fields = (case_cube, CASE_FIELDS) if name == "case" else (common_cube, COMMON_FIELDS)
            rows[name].append(model(**dict(zip(fields, key, strict=True)), n=n))
        case_cube._default_manager.bulk_create(rows["case"], batch_size=batch_size)
        common_cube._default_manager.bulk_create(rows["common"], batch_size=batch_size)
    return len(counts)
