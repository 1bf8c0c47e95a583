"""/api/v1/projects: fixed-asset investment projects and their milestones (PRODUCT.md §2.1). Operations only."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qifu.api import actor_of
from qifu.core.pagination import LimitOffset
from qifu.core.schemas import errors
from qifu.enterprises.selectors import enterprise_get
from qifu.projects.models import Project
from qifu.projects.progress import project_board
from qifu.projects.schemas import (
    MILESTONE_KINDS,
    BoardFilter,
    BoardRowOut,
    BoardRows,
    MilestoneIn,
    MilestoneOut,
    ProjectFilter,
    ProjectIn,
    ProjectListOut,
    ProjectOut,
    ProjectPatch,
)
from qifu.projects.selectors import project_get, project_list
from qifu.projects.services import milestone_set, project_create, project_data_of, project_update

router = Router(tags=["projects"])

WRITE_ERRORS = (
    "Errors: 403 `project_forbidden` (only the service desk edits projects); 404 `not_found`; "
    "409 `project_duplicate_code`; 422 `project_invalid`, `milestone_invalid`, `milestone_actual_in_future`, "
    "`project_investment_reported` (a project that reports monthly investment has as completed_investment the sum "
    "of its months: correct the months, PUT /api/v1/indicators/investment) or `invalid` (the request shape, "
    "including unknown fields)."
)


@router.get("", response={200: list[ProjectListOut], **errors()}, summary="List the projects in my scope")
@paginate(LimitOffset)
def list_projects(request: HttpRequest, filters: Query[ProjectFilter]) -> QuerySet[Project]:
    """Filters narrow the caller's scope and never widen it."""
    return project_list(actor=actor_of(request), filters=filters.to_filters())


@router.get(
    "/board",
    response={200: list[BoardRowOut], **errors()},
    summary="The project progress board: figures and status per project",
    description="The caller's projects (the same scope as the list) sorted by lateness: late first, then the "
    "longest overdue. `progress` is `late`, `at_risk` or `on_schedule` (rules in docs/PROJECTS.md); money in 万元; "
    "days are calendar days. An unknown `status` answers 422 `invalid`.",
)
@paginate(LimitOffset)
def project_board_rows(request: HttpRequest, filters: Query[BoardFilter]) -> BoardRows:
    today = timezone.localdate()
    return BoardRows(project_board(actor=actor_of(request), filters=filters.to_filters(), today=today), today)


@router.get("/{code}", response={200: ProjectOut, **errors(404)}, summary="One project with its milestones")
def get_project(request: HttpRequest, code: str) -> Project:
    """404 `not_found` when the project is missing or outside the caller's scope."""
    return project_get(actor=actor_of(request), code=code)


@router.post(
    "",
    response={201: ProjectOut, **errors(404, 409)},
    summary="Register a project (service desk)",
    description=WRITE_ERRORS,
)
def create_project(request: HttpRequest, payload: ProjectIn) -> Status[Project]:
    actor = actor_of(request)
    enterprise = enterprise_get(actor=actor, uscc=payload.enterprise)
    project = project_create(actor=actor, enterprise=enterprise, data=payload.to_data())
    return Status(201, project_get(actor=actor, code=project.code))


@router.patch(
    "/{code}",
    response={200: ProjectOut, **errors(404)},
    summary="Change a project (service desk)",
    description="Send only the fields that change; `code` and `enterprise` are refused. " + WRITE_ERRORS,
)
def update_project(request: HttpRequest, code: str, payload: ProjectPatch) -> Project:
    actor = actor_of(request)
    project = project_get(actor=actor, code=code)  # first: a hidden project answers 404, never 403
    project_update(actor=actor, project=project, data=payload.apply_to(project_data_of(project)))
    return project_get(actor=actor, code=code)


@router.put(
    "/{code}/milestones/{kind}",
    response={200: MilestoneOut, **errors(404)},
    summary="Plan or record a milestone (service desk)",
    description=f"`kind` is one of {MILESTONE_KINDS}. " + WRITE_ERRORS,
)
def set_milestone(request: HttpRequest, code: str, kind: str, payload: MilestoneIn) -> MilestoneOut:
    actor = actor_of(request)
    project = project_get(actor=actor, code=code)
    milestone = milestone_set(actor=actor, project=project, kind=kind, **payload.model_dump())
    return MilestoneOut.of(milestone)
