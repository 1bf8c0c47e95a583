"""/api/v1/safety: checklists, the check of a safety visit, rectifications (PRODUCT.md §2.4, §3).

Operations only: parse → call one service or selector → respond. Errors are `{"code", "detail"}`.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.core.errors import PermissionDenied
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.safety.schemas import (
    CheckIn,
    ChecklistOut,
    CheckOut,
    RectActionIn,
    RectFilter,
    RectOut,
    RectPageOut,
    check_out,
    checklist_out,
    rect_out,
)
from qifu.safety.selectors import check_get, checklist_list, rectification_get, rectification_list
from qifu.safety.services import (
    check_record,
    rectification_escalate,
    rectification_reopen,
    rectification_submit,
    rectification_verify,
)

router = Router(tags=["safety"])

CHECK_ERRORS = (
    "403 `not_on_visit` (only the visit's participants fill it); 404 `not_found` (visit missing or outside the "
    "caller's scope); 409 `result_has_rectification`; 422 `not_safety_visit`, `no_checklist`, `unknown_item`, "
    "`duplicate_item`, `incomplete` (every active item must be answered), `invalid_choice`, `out_of_range` "
    "(days 1–90), `too_long`. A refused check writes nothing."
)
ACTION_ERRORS = (
    "404 `not_found`; 409 `action_not_allowed` (submit: the enterprise only; verify: the AHJ department, or "
    "someone on the re-check visit; reopen: AHJ or the check's people), `invalid_state`, `case_exists`; 422 "
    "`required`, `too_long`, `out_of_range`, `not_a_recheck`, and the case filing codes for escalate."
)


@router.get("/checklists", response={200: list[ChecklistOut], **errors()}, summary="Active checklists")
def list_checklists(request: HttpRequest) -> list[dict[str, Any]]:
    if actor_of(request).is_admin:
        raise PermissionDenied("no business data for administrators")
    return [checklist_out(c) for c in checklist_list()]


@router.get("/visits/{int:visit_id}/check", response={200: CheckOut, **errors(404)}, summary="The check of a visit")
def get_check(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return check_out(check_get(actor=actor_of(request), visit_id=visit_id))


@router.post(
    "/visits/{int:visit_id}/check",
    response={201: CheckOut, **errors(404, 409)},
    summary="Record the checklist results of a safety visit",
    description=CHECK_ERRORS,
)
def post_check(request: HttpRequest, visit_id: int, payload: CheckIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    check_record(actor=actor, visit_id=visit_id, results=payload.to_results())
    return Status(201, check_out(check_get(actor=actor, visit_id=visit_id)))


@router.get("/rectifications", response={200: RectPageOut, **errors()}, summary="Rectifications in my scope")
def list_rectifications(request: HttpRequest, filters: Query[RectFilter], page: Query[PageIn]) -> dict[str, Any]:
    """Nearest deadline first; filters narrow the scope and never widen it; `{"items", "count"}`."""
    actor = actor_of(request)
    rows = rectification_list(actor=actor, filters=filters.to_filters()).select_related("check_record", "case")
    result = page_of(rows, count_from=rows.select_related(None).order_by(), page=page)
    result["items"] = [rect_out(r) for r in result["items"]]
    return result


@router.get(
    "/rectifications/{int:rectification_id}", response={200: RectOut, **errors(404)}, summary="One rectification"
)
def get_rectification(request: HttpRequest, rectification_id: int) -> dict[str, Any]:
    return rect_out(rectification_get(actor=actor_of(request), rectification_id=rectification_id))


@router.post(
    "/rectifications/{int:rectification_id}/actions",
    response={200: RectOut, **errors(404, 409)},
    summary="Submit a fix, verify, reopen, or escalate to a case",
    description=ACTION_ERRORS,
)
def act(request: HttpRequest, rectification_id: int, payload: RectActionIn) -> dict[str, Any]:
    actor, rid = actor_of(request), rectification_id
    if payload.action == "submit":
        rectification_submit(actor=actor, rectification_id=rid, note=payload.note)
    elif payload.action == "verify":
        rectification_verify(
            actor=actor, rectification_id=rid, note=payload.note, recheck_visit_id=payload.recheck_visit
        )
    elif payload.action == "reopen":
        rectification_reopen(actor=actor, rectification_id=rid, note=payload.note, days=payload.days)
    else:
        rectification_escalate(actor=actor, rectification_id=rid, text=payload.text)
    return rect_out(rectification_get(actor=actor, rectification_id=rid))
