"""/api/v1/visits: visits, the visit plan, coverage and the disturbance budget (issue 4). Operations only."""

from datetime import date
from typing import Any, Literal

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Form, Query, Router, Schema, Status
from pydantic import ValidationError as PydanticValidationError

from qifu.access.actor import Actor
from qifu.api import actor_of
from qifu.core.errors import NotFound, RuleViolation
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.files.web import file_response
from qifu.projects.selectors import project_get
from qifu.visits import selectors as sel
from qifu.visits.schemas import (
    BudgetOut,
    ContactedOut,
    CoverageOut,
    PlanOut,
    PreferenceIn,
    QuietIn,
    QuietOut,
    RatingIn,
    VisitFilter,
    VisitIn,
    VisitOut,
    VisitPageOut,
    budget_out,
    contacted_out,
    coverage_row,
    parse_month,
    plan_out,
    visit_out,
    visit_row,
)
from qifu.visits.services import preference_set, quiet_period_add, quiet_period_remove, visit_log, visit_rate

router = Router(tags=["visits"])

LOG_ERRORS = (
    "Errors: 403 `visit_log_forbidden` (enterprise users and admins log no visits); 404 `not_found` (the "
    "enterprise, planned visit or re-checked visit); 422 `visit_in_future`, `not_linked` (neither the caller nor "
    "a participant was linked to the enterprise on the visit date), `quiet_period`, `over_budget_reason_required` "
    "(the month's contacts reached the budget: write a `reason`), `unknown_participant`, `unknown_project`, "
    "`unknown_category`, `invalid_location`, `problem_filer_missing`, `too_long`, `required`. A refused visit "
    "writes nothing."
)


class MonthIn(Schema):
    month: str = Field("", pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$", description="YYYY-MM; default this month")

    def value(self) -> date:
        return parse_month(self.month) or sel.local_month()


def _liaison_id(username: str) -> int | None:
    if not username:
        return None
    return sel.user_id_by_username(username) or -1  # an unknown name filters everything out


@router.get("", response={200: VisitPageOut, **errors()}, summary="Visits in my scope")
def list_visits(request: HttpRequest, filters: Query[VisitFilter], page: Query[PageIn]) -> dict[str, Any]:
    """Newest first; filters narrow the caller's scope, never widen it; `{"items", "count"}`."""
    actor = actor_of(request)
    qs = sel.visit_list(actor=actor, filters=filters.to_filters(_liaison_id(filters.liaison)))
    result = page_of(qs, count_from=qs.select_related(None), page=page)
    result["items"] = [visit_row(v) for v in result["items"]]
    return result


@router.post("", response={201: VisitOut, **errors(404)}, summary="Log a visit", description=LOG_ERRORS)
def create_visit(request: HttpRequest, payload: VisitIn) -> Status[dict[str, Any]]:
    return _log(request, payload, [])


def _log(request: HttpRequest, payload: VisitIn, photos: list[UploadedFile]) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    enterprise = sel.visit_enterprise_get(actor=actor, uscc=payload.enterprise)
    project = project_get(actor=actor, code=payload.project) if payload.project else None
    planned = sel.planned_visit_get(actor=actor, plan_id=payload.planned) if payload.planned else None
    recheck = sel.visit_get(actor=actor, visit_id=payload.recheck_of) if payload.recheck_of else None
    visit = visit_log(
        actor=actor,
        enterprise=enterprise,
        visited_at=payload.visited_at,
        kind=payload.kind,
        participant_ids=sel.staff_ids(actor=actor, usernames=payload.participants),
        project=project,
        requested=payload.requested,
        location=payload.location_dict(),
        learnt=payload.learnt(),
        notes=payload.notes,
        suggestions=payload.suggestions,
        problems=[p.model_dump() for p in payload.problems],
        photos=photos,
        reason=payload.reason,
        planned=planned,
        recheck_of=recheck,
    )
    return Status(201, visit_out(sel.visit_detail(actor=actor, visit_id=visit.pk), actor))


@router.post(
    "/with-photos",
    response={201: VisitOut, **errors(404, 413)},
    summary="Log a visit with photos (multipart)",
    description="multipart: `data` (the same JSON as POST /api/v1/visits) and `photos` (up to 10 images; "
    "sniffed by content, resized to ≤1600 px, metadata stripped). 422 `photo_not_image`, `photo_too_large`, "
    "`invalid` (the JSON); otherwise as POST /api/v1/visits.",
)
def create_visit_with_photos(request: HttpRequest, data: Form[str]) -> Status[dict[str, Any]]:
    photos = request.FILES.getlist("photos")  # optional files: read from the request, not a parameter
    try:
        payload = VisitIn.model_validate_json(data)
    except PydanticValidationError as exc:
        errors_ = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise RuleViolation("invalid visit data", code="invalid", data={"errors": errors_}) from exc
    return _log(request, payload, list(photos))


@router.get("/plan", response={200: PlanOut, **errors(404)}, summary="A liaison's visit plan for a month")
def get_plan(request: HttpRequest, month: Query[MonthIn], liaison: str = "") -> dict[str, Any]:
    """Each enterprise linked to the liaison during the month: done, due or overdue. A liaison reads
    their own; the desk and leaders anyone's (`liaison=` username); a department head their
    department's liaisons; 404 otherwise."""
    actor = actor_of(request)
    liaison_id = None
    if liaison:
        liaison_id = sel.user_id_by_username(liaison)
        if liaison_id is None:
            raise NotFound("liaison not found")
    return plan_out(sel.visit_plan(actor=actor, month=month.value(), liaison_id=liaison_id))


@router.get("/coverage", response={200: CoverageOut, **errors()}, summary="走访覆盖率 per liaison or department")
def get_coverage(
    request: HttpRequest,
    month: Query[MonthIn],
    page: Query[PageIn],
    by: Literal["liaison", "department"] = "liaison",
) -> dict[str, Any]:
    """Visited linked enterprises ÷ linked enterprises in the month; a visit counts for the liaison
    linked on the visit date. Desk and leaders: everyone; department staff: their department; a
    liaison: themselves; others: empty. Liaisons are paged (limit/offset; a city has thousands);
    `total` is always the whole scope's."""
    actor = actor_of(request)
    when = month.value()
    total = sel.coverage_total(actor=actor, month=when)
    if by == "liaison":
        totals = sel.coverage_liaison_totals(actor=actor, month=when)
        listed = page_of(totals, count_from=totals.order_by(), page=page)
        rows, count = [sel.coverage_row(t) for t in listed["items"]], listed["count"]
    else:
        rows = sel.coverage_by_department(actor=actor, month=when)
        count = len(rows)
    return {
        "month": when.strftime("%Y-%m"),
        "by": by,
        "total": coverage_row(total),
        "items": [coverage_row(r) for r in rows],
        "count": count,
    }


@router.get("/most-contacted", response={200: list[ContactedOut], **errors()}, summary="Most contacted this month")
def get_most_contacted(request: HttpRequest, month: Query[MonthIn]) -> list[dict[str, Any]]:
    """The desk's list (leaders too): enterprises by counted contacts in the month; empty for others."""
    return [contacted_out(r) for r in sel.most_contacted(actor=actor_of(request), month=month.value())]


def _budget(actor: Actor, uscc: str, month: date | None) -> dict[str, Any]:
    today = timezone.localdate()
    on = today if month is None or month == today.replace(day=1) else month
    return budget_out(sel.enterprise_budget(actor=actor, uscc=uscc, on=on))


@router.get("/budget/{uscc}", response={200: BudgetOut, **errors(404)}, summary="An enterprise's contacts and budget")
def get_budget(request: HttpRequest, uscc: str, month: Query[MonthIn]) -> dict[str, Any]:
    """无事不扰: the month's contacts (counted or requested), the budget, the preferred channel and
    the quiet periods. 404 outside the caller's scope."""
    return _budget(actor_of(request), uscc, parse_month(month.month))


@router.put(
    "/budget/{uscc}",
    response={200: BudgetOut, **errors(404)},
    summary="Set the budget or preferred channel",
    description="The enterprise for itself, or the desk. 403 `preference_forbidden`; 422 `invalid_budget`.",
)
def put_preference(request: HttpRequest, uscc: str, payload: PreferenceIn) -> dict[str, Any]:
    actor = actor_of(request)
    enterprise = sel.enterprise_budget(actor=actor, uscc=uscc).enterprise
    preference_set(
        actor=actor,
        enterprise=enterprise,
        monthly_budget=payload.monthly_budget,
        preferred_channel=payload.preferred_channel,
        clear_budget=payload.clear_budget,
    )
    return _budget(actor, uscc, None)


@router.post(
    "/budget/{uscc}/quiet-periods",
    response={201: QuietOut, **errors(404)},
    summary="Add a quiet period",
    description="The enterprise for itself, or the desk. 422 `invalid_period`, `period_too_long`.",
)
def post_quiet(request: HttpRequest, uscc: str, payload: QuietIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    enterprise = sel.enterprise_budget(actor=actor, uscc=uscc).enterprise
    q = quiet_period_add(
        actor=actor, enterprise=enterprise, starts_on=payload.starts_on, ends_on=payload.ends_on, note=payload.note
    )
    return Status(201, {"id": q.pk, "starts_on": q.starts_on, "ends_on": q.ends_on, "note": q.note})


@router.delete("/quiet-periods/{int:period_id}", response={204: None, **errors(404)}, summary="Remove a quiet period")
def delete_quiet(request: HttpRequest, period_id: int) -> Status[None]:
    actor = actor_of(request)
    quiet_period_remove(actor=actor, period=sel.quiet_period_get(actor=actor, period_id=period_id))
    return Status(204, None)


@router.get("/{int:visit_id}", response={200: VisitOut, **errors(404)}, summary="One visit")
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return visit_out(sel.visit_detail(actor=actor, visit_id=visit_id), actor)


@router.post(
    "/{int:visit_id}/rating",
    response={200: VisitOut, **errors(404)},
    summary="The enterprise rates its visit",
    description="帮上了 / 一般 / 打扰了, once. 404 for anyone but the visited enterprise; 422 `already_rated`.",
)
def rate_visit(request: HttpRequest, visit_id: int, payload: RatingIn) -> dict[str, Any]:
    actor = actor_of(request)
    visit = sel.visit_get(actor=actor, visit_id=visit_id)
    visit_rate(actor=actor, visit=visit, feedback=payload.feedback, comment=payload.comment)
    return visit_out(sel.visit_detail(actor=actor, visit_id=visit_id), actor)


@router.get(
    "/{int:visit_id}/photos/{int:photo_id}",
    response={200: None, **errors(404)},
    summary="Download a visit photo",
    openapi_extra={
        "responses": {
            200: {
                "description": "the photo",
                "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_photo(request: HttpRequest, visit_id: int, photo_id: int) -> FileResponse:
    actor = actor_of(request)
    photo = sel.visit_photo_get(actor=actor, photo_id=photo_id, visit_id=visit_id)
    return file_response(actor=actor, stored=photo.file)
