"""/api/v1 indicators (PRODUCT.md §2.5, formats.md 月度指标). Operations only.

Mounted at the API root (full paths): `/enterprises/{uscc}/indicators`, `/indicators`,
`/indicators/investment`, `/projects/{code}/investment`.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from qifu.api import actor_of
from qifu.core.errors import RuleViolation
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.indicators.errors import IndicatorErrorCode
from qifu.indicators.schemas import (
    MAX_ROWS,
    IndicatorIn,
    IndicatorPageOut,
    IndicatorUpsertOut,
    InvestmentIn,
    InvestmentPageOut,
    indicator_out,
    investment_out,
)
from qifu.indicators.selectors import (
    indicator_enterprise_get,
    indicator_list,
    investment_list,
    investment_project_get,
)
from qifu.indicators.services import (
    indicator_rows_check,
    indicator_rows_write,
    investment_rows_check,
    investment_rows_write,
    rows_invalid,
)

router = Router(tags=["indicators"])


@router.get(
    "/enterprises/{uscc}/indicators",
    response={200: IndicatorPageOut, **errors(404)},
    summary="An enterprise's monthly indicators, newest first, with the derived figures",
)
def enterprise_indicators(request: HttpRequest, uscc: str, page: Query[PageIn]) -> dict[str, Any]:
    """404 `not_found` when the enterprise is missing or its indicators are outside the caller's scope."""
    actor = actor_of(request)
    rows = indicator_list(actor=actor, enterprise=indicator_enterprise_get(actor=actor, uscc=uscc))
    result = page_of(rows, count_from=rows.select_related(None).order_by(), page=page)
    return {"items": [indicator_out(row) for row in result["items"]], "count": result["count"]}


@router.put(
    "/indicators",
    response={200: IndicatorUpsertOut, **errors()},
    summary="Upsert monthly indicators by (uscc, month), all or nothing",
    description=(
        f"At most {MAX_ROWS} rows. Errors: 403 `indicator_edit_forbidden` (only the service desk, the "
        "economic department and liaisons report indicators); 422 `indicator_rows_invalid` with `errors`: "
        "`[{index, field, code, detail}]` where code is `indicator_unknown_enterprise` (not in the registry, "
        "or not an enterprise you report for), `indicator_future_month` or `indicator_duplicate_row`; "
        "422 `invalid` for the request shape (a negative value, a non-number, a bad month), with `errors` "
        "locating each one. Nothing is written when any row is refused."
    ),
)
def upsert_indicators(request: HttpRequest, payload: list[IndicatorIn]) -> dict[str, int]:
    actor = actor_of(request)
    if len(payload) > MAX_ROWS:
        raise RuleViolation(f"at most {MAX_ROWS} rows per request", code=IndicatorErrorCode.ROWS_INVALID)
    checked = indicator_rows_check(actor=actor, rows=[row.to_input() for row in payload])
    if checked.faults:
        raise rows_invalid(checked)
    return indicator_rows_write(actor=actor, checked=checked, source="api").as_dict()


@router.put(
    "/indicators/investment",
    response={200: IndicatorUpsertOut, **errors()},
    summary="Upsert projects' monthly investment by (project_code, month), all or nothing",
    description=(
        f"At most {MAX_ROWS} rows. Each project's 累计完成投资 (completed_investment) becomes the sum of its "
        "months. Errors: 403 `indicator_edit_forbidden`; 422 `indicator_rows_invalid` with `errors`: "
        "`[{index, field, code, detail}]` where code is `indicator_unknown_project` (not registered, or not a "
        "project you report for), `indicator_future_month` or `indicator_duplicate_row`; 422 `invalid` for the "
        "request shape. Nothing is written when any row is refused."
    ),
)
def upsert_investment(request: HttpRequest, payload: list[InvestmentIn]) -> dict[str, int]:
    actor = actor_of(request)
    if len(payload) > MAX_ROWS:
        raise RuleViolation(f"at most {MAX_ROWS} rows per request", code=IndicatorErrorCode.ROWS_INVALID)
    checked = investment_rows_check(actor=actor, rows=[row.to_input() for row in payload])
    if checked.faults:
        raise rows_invalid(checked)
    return investment_rows_write(actor=actor, checked=checked, source="api").as_dict()


@router.get(
    "/projects/{code}/investment",
    response={200: InvestmentPageOut, **errors(404)},
    summary="A project's monthly completed investment, newest first",
)
def project_investment(request: HttpRequest, code: str, page: Query[PageIn]) -> dict[str, Any]:
    """404 `not_found` when the project is missing or outside the caller's scope."""
    actor = actor_of(request)
    rows = investment_list(actor=actor, project=investment_project_get(actor=actor, code=code))
    result = page_of(rows, count_from=rows.order_by(), page=page)
    return {"items": [investment_out(row) for row in result["items"]], "count": result["count"]}
