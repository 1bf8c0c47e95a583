"""Schemas of /api/v1/metrics/assessment. Rates are JSON numbers 0-1 rounded half-up to 4
places (average days to 2), or null when the denominator is 0 — see `metrics.py`.

The row schemas are plain pydantic models, not ninja Schemas: ninja wraps every nested Schema
object in its Django-attribute getter, which costs ~0.4 s for a city's 5,000 liaison rows;
pydantic-core validates the same rows in a few milliseconds."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import BaseModel, Field

from qifu.assessment.metrics import Placing, Row
from qifu.assessment.selectors import MAX_ROWS, Report
from qifu.core.pagination import MAX_OFFSET


class AssessmentQuery(Schema):
    period: str = Field("", description="A month YYYY-MM (default: the current month, Beijing time).")
    since: str = Field("", description="First day YYYY-MM-DD of a date range (with `until`; not with `period`).")
    until: str = Field("", description="Last day YYYY-MM-DD of the range, inclusive; at most 366 days.")
    by: str = Field("department", description="`department` (lead department) or `liaison` (liaison at filing).")
    limit: int = Field(MAX_ROWS, ge=1, description=f"rows per page, best composite first; at most {MAX_ROWS}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CountsOut(BaseModel):
    total: int
    valid: int
    responded: int
    solved: int
    satisfied: int
    basic: int
    signed: int
    signed_on_time: int
    resolved: int
    resolved_on_time: int
    open_late: int
    dispatched: int
    returned: int
    finished: int
    reopened: int
    handled: int
    handling_days: int


class AssessmentRowOut(BaseModel):
    key: str = Field(description="Department code or the liaison's username.")
    name: str
    valid: int = Field(description="Cases with a valid rating or call-back: the base of the first four rates.")
    total: int = Field(description="Cases filed in the period.")
    response_rate: float | None
    solve_rate: float | None
    satisfaction_rate: float | None
    composite: float | None
    sign_on_time_rate: float | None
    resolve_on_time_rate: float | None
    return_rate: float | None
    reopen_rate: float | None
    avg_handling_days: float | None = Field(description="Working days from filing to resolution.")
    counts: CountsOut


class PlacingOut(BaseModel):
    rank: int | None = Field(description="1 = best; null for departments listed apart (too few valid cases).")
    key: str
    name: str
    composite: float | None = Field(description="null when the caller sees only the names (heads, liaisons).")
    valid: int | None


class WeightsOut(BaseModel):
    response: float
    solve: float
    satisfaction: float
    basically_satisfied: float = Field(description="w: how much a 基本满意 counts in 满意率.")


class AssessmentOut(Schema):
    period: str = Field(description="`2026-11`, or `2026-11-03..2026-11-20` for a range.")
    since: date
    until: date
    by: str
    weights: WeightsOut
    min_cases: int = Field(description="Departments with fewer valid cases are not ranked.")
    computed_at: datetime | None = Field(description="When the monthly rollup was counted; null: counted live.")
    count: int = Field(description="Rows in all (the page is `rows`).")
    rows: list[AssessmentRowOut]
    red: list[PlacingOut]
    black: list[PlacingOut]
    unranked: list[PlacingOut]


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def row_out(row: Row) -> dict[str, Any]:
    s = row.scores
    return {
        "key": row.key,
        "name": row.name,
        "valid": row.counts.valid,
        "total": row.counts.total,
        **{name: _num(value) for name, value in vars(s).items()},
        "counts": vars(row.counts),
    }


def placing_out(p: Placing) -> dict[str, Any]:
    return {"rank": p.rank, "key": p.key, "name": p.name, "composite": _num(p.composite), "valid": p.valid}


def assessment_out(report: Report) -> dict[str, Any]:
    w = report.weights
    return {
        "period": report.period.label,
        "since": report.period.since,
        "until": report.period.until,
        "by": report.by,
        "weights": {
            "response": float(w.response),
            "solve": float(w.solve),
            "satisfaction": float(w.satisfaction),
            "basically_satisfied": float(w.basic),
        },
        "min_cases": report.min_cases,
        "computed_at": report.computed_at,
        "count": report.count,
        "rows": [row_out(r) for r in report.rows],
        "red": [placing_out(p) for p in report.board.red],
        "black": [placing_out(p) for p in report.board.black],
        "unranked": [placing_out(p) for p in report.board.unranked],
    }
