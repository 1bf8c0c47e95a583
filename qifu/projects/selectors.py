"""Project reads, scoped through access; delay computed in SQL (PRODUCT.md §2.1)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import scope_projects
from qifu.core.errors import NotFound
from qifu.projects.models import Milestone, Project
from qifu.projects.progress import with_progress


def overdue_milestones(today: date) -> Q:
    """Behind schedule now: a milestone not reached although its plan date has passed."""
    return Q(actual_on__isnull=True, planned_on__lt=today)


def with_delay(qs: QuerySet[Project], today: date | None = None) -> QuerySet[Project]:
    """Annotate `delayed`: the project is behind schedule today (milestones reached late but
    reached are shown late on the timeline, without flagging the project as delayed now)."""
    today = today or timezone.localdate()
    late = Milestone.objects.filter(overdue_milestones(today), project_id=OuterRef("pk"))
    return qs.annotate(delayed=Exists(late, output_field=BooleanField()))


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    park: str = ""
    major: bool | None = None
    status: str = ""
    delayed: bool | None = None
    liaison: int | None = None
    liaison_username: str = ""  # the API names people by username
    enterprise: str = ""  # USCC


def project_list(*, actor: Actor, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    f = filters or ProjectFilters()
    qs = with_delay(scope_projects(actor))
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__startswith=f.q.strip()))
    if f.park:
        qs = qs.filter(park=f.park)
    if f.major is not None:
        qs = qs.filter(major=f.major)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.delayed is not None:
        qs = qs.filter(Q(delayed=f.delayed))  # Q: django-stubs cannot see the annotation
    if f.liaison:
        qs = qs.filter(primary_liaison_id=f.liaison)
    if f.liaison_username:
        qs = qs.filter(primary_liaison__username=f.liaison_username)
    if f.enterprise:
        qs = qs.filter(enterprise__uscc=f.enterprise)
    return qs.select_related("enterprise", "primary_liaison").order_by("id")


def project_get(*, actor: Actor, code: str) -> Project:
    """One project with its milestones in order and its progress figures (progress.py); NotFound
    when missing or outside the scope."""
    project = (
        with_progress(with_delay(scope_projects(actor)))
        .select_related("enterprise", "primary_liaison")
        .prefetch_related("milestones")
        .filter(code=code)
        .first()
    )
    if project is None:
        raise NotFound("project not found")
    return project


def milestone_is_late(milestone: Milestone, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if milestone.actual_on is None:
        return milestone.planned_on < today
    return milestone.actual_on > milestone.planned_on
