"""Project writes (PRODUCT.md §2.1 固定资产投资项目: milestones with planned and actual dates)."""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.indicators.models import ProjectInvestment
from qifu.projects.models import MILESTONE_ORDER, Milestone, Project


@dataclass(frozen=True)
class ProjectData:
    code: str
    name: str
    total_investment: Decimal
    annual_planned: Decimal = Decimal(0)
    completed_investment: Decimal = Decimal(0)
    industrial: bool = True
    major: bool = False
    status: str = "planned"
    park: str = ""


def project_data_of(project: Project) -> ProjectData:
    """The current values as a ProjectData (for partial updates: replace() what changes)."""
    return ProjectData(**{f.name: getattr(project, f.name) for f in fields(ProjectData)})


def _check_may_write(actor: Actor) -> None:
    if not actor.can_manage_registry:
        raise PermissionDenied("only the service desk edits projects", code="project_forbidden")


def _validated(obj: Project | Milestone) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise RuleViolation(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
            code="project_invalid",
            data={"fields": exc.message_dict},
        ) from exc


@transaction.atomic
def project_create(*, actor: Actor, enterprise: Enterprise, data: ProjectData) -> Project:
    """A project belongs to one enterprise; its code is unique."""
    _check_may_write(actor)
    if Project.objects.filter(code=data.code).exists():
        raise Conflict(f"project {data.code} exists", code="project_duplicate_code")
    project = Project(enterprise=enterprise, **{f.name: getattr(data, f.name) for f in fields(ProjectData)})
    _validated(project)
    project.save()
    audit_record(
        actor=actor,
        action="project_create",
        object_type="project",
        object_id=project.code,
        changes={"enterprise": enterprise.uscc, "name": project.name},
    )
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project, data: ProjectData) -> Project:
    _check_may_write(actor)
    if data.code != project.code:
        raise RuleViolation("the project code cannot change", code="project_invalid")
    if (
        data.completed_investment != project.completed_investment
        and ProjectInvestment.objects.filter(project_id=project.pk).exists()
    ):
        raise RuleViolation(
            "the project reports monthly investment: its completed investment is the sum of the months",
            code="project_investment_reported",
        )
    changes = {}
    for f in fields(ProjectData):
        old, new = getattr(project, f.name), getattr(data, f.name)
        if old != new:
            changes[f.name] = [old, new]
            setattr(project, f.name, new)
    if changes:
        _validated(project)
        project.save()
        audit_record(
            actor=actor, action="project_update", object_type="project", object_id=project.code, changes=changes
        )
    return project


@transaction.atomic
def milestone_set(
    *, actor: Actor, project: Project, kind: str, planned_on: date, actual_on: date | None = None, note: str = ""
) -> Milestone:
    """Plan or record a milestone; an actual date may not lie in the future."""
    _check_may_write(actor)
    if kind not in MILESTONE_ORDER:
        raise RuleViolation(f"unknown milestone {kind}", code="milestone_invalid")
    if actual_on is not None and actual_on > timezone.localdate():
        raise RuleViolation("an actual date cannot be in the future", code="milestone_actual_in_future")
    milestone, created = Milestone.objects.get_or_create(
        project=project,
        kind=kind,
        defaults={
            "enterprise_id": project.enterprise_id,
            "seq": MILESTONE_ORDER.index(kind),
            "planned_on": planned_on,
            "actual_on": actual_on,
            "note": note,
        },
    )
    before = {"planned_on": milestone.planned_on, "actual_on": milestone.actual_on}
    if not created:
        milestone.planned_on, milestone.actual_on, milestone.note = planned_on, actual_on, note
    _validated(milestone)
    milestone.save()
    audit_record(
        actor=actor,
        action="milestone_set",
        object_type="project",
        object_id=project.code,
        changes={
            "kind": kind,
            "before": None if created else before,
            "after": {"planned_on": planned_on, "actual_on": actual_on},
        },
    )
    return milestone


CHUNK = 1_000


def project_completed_sync(*, project_ids: Iterable[int] | None = None) -> int:
    """§2.5 完成投资: a project that reports monthly investment has as its 累计完成投资 the sum of
    its months — one UPDATE per chunk of projects (None: every project that reports). Called in the
    same transaction by every write of monthly investment (import, API, seed). Returns the rows."""
    total = Subquery(
        ProjectInvestment.objects.filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(s=Sum("invested"))
        .values("s"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    if project_ids is None:
        ids = sorted(set(ProjectInvestment.objects.order_by().values_list("project_id", flat=True).distinct()))
    else:
        ids = sorted(set(project_ids))
    updated = 0
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        updated += Project.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            completed_investment=Coalesce(total, Value(Decimal(0))), updated_at=now
        )
    return updated
