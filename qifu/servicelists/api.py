"""/api/v1 service lists (PRODUCT.md §2.5; issue 6 item 7). Operations only.

Mounted at the API root: `/lists`, `/lists/{code}/members`, `/lists/{code}/overrides`,
`/enterprises/{uscc}/lists`. Enterprise users and the three administrators see no list (404).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.core.errors import NotFound, RuleViolation
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.servicelists.errors import ListErrorCode
from qifu.servicelists.months import parse_month
from qifu.servicelists.schemas import (
    HistoryPageOut,
    ListOut,
    MemberPageOut,
    OverrideIn,
    OverrideOut,
    history_out,
    list_out,
    member_out,
    month_text,
    override_out,
)
from qifu.servicelists.selectors import (
    enterprise_list_history,
    latest_month,
    list_enterprise_get,
    list_get,
    list_members,
    list_override_get,
    list_overview,
)
from qifu.servicelists.services import list_override_add, list_override_withdraw

router = Router(tags=["service lists"])


def _see_lists(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not actor.is_staff_role:
        raise NotFound("no such resource")
    return actor


@router.get("/lists", response={200: list[ListOut], **errors(404)}, summary="The four lists, latest snapshot")
def lists(request: HttpRequest) -> list[dict[str, object]]:
    """Members, entered and left (vs the snapshot before) over the memberships the caller sees."""
    actor = _see_lists(request)
    month = latest_month()
    return [list_out(card, month) for card in list_overview(actor=actor, month=month)]


@router.get(
    "/lists/{code}/members",
    response={200: MemberPageOut, **errors(404)},
    summary="A list's members in a month (default: the latest snapshot)",
    description="`month`: YYYY-MM; 422 `list_bad_month` when it is not. 404 for an unknown list.",
)
def members(request: HttpRequest, code: str, page: Query[PageIn], month: str | None = None) -> dict[str, Any]:
    actor = actor_of(request)
    service_list = list_get(actor=actor, code=code)
    chosen = latest_month() if not month else parse_month(month)
    if chosen is None and month:
        raise RuleViolation("month must be YYYY-MM", code=ListErrorCode.BAD_MONTH)
    rows = list_members(actor=actor, service_list=service_list, month=chosen)
    result = page_of(rows, count_from=rows.select_related(None).order_by(), page=page)
    return {"month": month_text(chosen), "items": [member_out(r) for r in result["items"]], "count": result["count"]}


@router.get(
    "/enterprises/{uscc}/lists",
    response={200: HistoryPageOut, **errors(404)},
    summary="An enterprise's list memberships month by month, newest first",
)
def enterprise_lists(request: HttpRequest, uscc: str, page: Query[PageIn]) -> dict[str, Any]:
    actor = _see_lists(request)
    rows = enterprise_list_history(actor=actor, enterprise=list_enterprise_get(actor=actor, uscc=uscc))
    result = page_of(rows, count_from=rows.select_related(None).order_by(), page=page)
    return {"items": [history_out(r) for r in result["items"]], "count": result["count"]}


@router.post(
    "/lists/{code}/overrides",
    response={201: OverrideOut, **errors(404, 409)},
    summary="Put an enterprise on a list, or take it off, by hand (with a reason)",
    description=(
        "403 `list_override_forbidden` (only the service desk and the economic department adjust lists); "
        "422 `list_reason_required`; 409 `list_override_open` when the enterprise already has an open "
        "override on this list. The override applies to the latest snapshot at once and to every later "
        "evaluation until it is withdrawn."
    ),
)
def override_add(request: HttpRequest, code: str, payload: OverrideIn) -> Status[dict[str, object]]:
    actor = _see_lists(request)
    service_list = list_get(actor=actor, code=code)
    enterprise = list_enterprise_get(actor=actor, uscc=payload.uscc)
    override = list_override_add(
        actor=actor, service_list=service_list, enterprise=enterprise, action=payload.action, reason=payload.reason
    )
    return Status(201, override_out(override))


@router.delete(
    "/lists/{code}/overrides/{uscc}",
    response={200: OverrideOut, **errors(404)},
    summary="Withdraw an enterprise's open override on a list (the rule decides from the next evaluation)",
    description="403 `list_override_forbidden`; 404 `list_override_missing` when there is no open override.",
)
def override_withdraw(request: HttpRequest, code: str, uscc: str) -> dict[str, object]:
    actor = _see_lists(request)
    override = list_override_get(actor=actor, service_list=list_get(actor=actor, code=code), uscc=uscc)
    return override_out(list_override_withdraw(actor=actor, override=override))
