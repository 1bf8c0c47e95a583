"""/api/v1/linkages: liaison links, assignment and reassignment (PRODUCT.md §2.1). Operations only."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qifu.api import actor_of
from qifu.core.pagination import LimitOffset
from qifu.core.schemas import errors
from qifu.enterprises.selectors import enterprise_get
from qifu.linkage.models import Linkage
from qifu.linkage.schemas import LinkageEndIn, LinkageFilter, LinkageIn, LinkageOut, LinkageReassignIn
from qifu.linkage.selectors import linkage_get, linkage_list
from qifu.linkage.services import linkage_assign, linkage_end, linkage_reassign
from qifu.people.selectors import staff_get
from qifu.projects.selectors import project_get

router = Router(tags=["linkages"])

WRITE_ERRORS = (
    "Errors: 403 `linkage_forbidden` (only the service desk manages linkage); 404 `not_found` (enterprise, "
    "liaison, project or link missing or outside the caller's scope); 409 `linkage_primary_exists`, "
    "`linkage_already_linked`, `linkage_same_liaison`, `linkage_not_open`; 422 `linkage_not_a_liaison`, "
    "`linkage_project_mismatch`, `linkage_reason_required` or `invalid` (the request shape)."
)


@router.get("", response={200: list[LinkageOut], **errors()}, summary="List liaison links in my scope")
@paginate(LimitOffset)
def list_linkages(request: HttpRequest, filters: Query[LinkageFilter]) -> QuerySet[Linkage]:
    """Open links by default, newest first; `include_ended=true` adds the history."""
    return linkage_list(actor=actor_of(request), filters=filters.to_filters())


@router.post(
    "",
    response={201: LinkageOut, **errors(404, 409)},
    summary="Link a liaison (service desk)",
    description=WRITE_ERRORS,
)
def assign_linkage(request: HttpRequest, payload: LinkageIn) -> Status[Linkage]:
    actor = actor_of(request)
    enterprise = enterprise_get(actor=actor, uscc=payload.enterprise)
    project = project_get(actor=actor, code=payload.project) if payload.project else None
    liaison = staff_get(actor=actor, username=payload.liaison)
    link = linkage_assign(
        actor=actor, enterprise=enterprise, liaison=liaison, role=payload.role, project=project, reason=payload.reason
    )
    return Status(201, link)


@router.post(
    "/reassign",
    response={200: LinkageOut, **errors(404, 409)},
    summary="Hand the primary link to another liaison (service desk)",
    description=WRITE_ERRORS,
)
def reassign_linkage(request: HttpRequest, payload: LinkageReassignIn) -> Linkage:
    actor = actor_of(request)
    enterprise = enterprise_get(actor=actor, uscc=payload.enterprise)
    project = project_get(actor=actor, code=payload.project) if payload.project else None
    liaison = staff_get(actor=actor, username=payload.liaison)
    return linkage_reassign(actor=actor, enterprise=enterprise, liaison=liaison, reason=payload.reason, project=project)


@router.post(
    "/{int:linkage_id}/end",
    response={200: LinkageOut, **errors(404, 409)},
    summary="End a link; it stays as history (service desk)",
    description=WRITE_ERRORS,
)
def end_linkage(request: HttpRequest, linkage_id: int, payload: LinkageEndIn) -> Linkage:
    actor = actor_of(request)
    link = linkage_get(actor=actor, linkage_id=linkage_id)
    return linkage_end(actor=actor, linkage=link, reason=payload.reason)
