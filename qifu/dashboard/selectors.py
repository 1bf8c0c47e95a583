"""Home-page figures per role (PRODUCT.md §2.8, UX.md principle 1): each a cheap, scoped count whose
list is one click away. Every function starts from access scopes or a scoped registry selector."""

from dataclasses import dataclass

from django.db.models import Count, Q

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_task_forces
from qifu.cases.selectors import department_counts, desk_counts
from qifu.cases.selectors_lists import liaison_counts
from qifu.enterprises.selectors import EnterpriseProfile, enterprise_profile
from qifu.linkage.models import TaskForce
from qifu.linkage.selectors import my_enterprises
from qifu.projects.models import Project
from qifu.projects.selectors import ProjectFilters, project_list
from qifu.visits.selectors import local_month, visit_plan

SHORT_LIST = 8


@dataclass(frozen=True)
class ProjectCounts:
    total: int
    major: int
    delayed: int


@dataclass(frozen=True)
class ParkCount:
    park: str
    total: int
    unlinked: int


@dataclass(frozen=True)
class LiaisonHome:
    enterprises: int
    projects: ProjectCounts
    delayed_projects: list[Project]
    task_forces: list[TaskForce]
    cases: dict[str, int]  # open, overdue (cases of my enterprises)
    visits: dict[str, int]  # this month's plan: done, due, overdue, total


@dataclass(frozen=True)
class DeskHome:
    enterprises: int
    unlinked: int
    parks: list[ParkCount]
    projects: ProjectCounts
    delayed_projects: list[Project]
    cases: dict[str, int]  # submitted, accepted, resolved, overdue_response, supervised


@dataclass(frozen=True)
class DepartmentHome:
    task_forces: list[TaskForce]
    cases: dict[str, int]  # to_sign, in_progress, due_soon, overdue, assist (+ approvals for heads)


@dataclass(frozen=True)
class LeaderHome:
    enterprises: int
    industrial: int
    unlinked: int
    projects: ProjectCounts


def project_counts(*, actor: Actor) -> ProjectCounts:
    """Projects in scope, major ones and those behind schedule, in one grouped query.

    Grouped by (major, delayed) rather than `aggregate(Count(filter=Q(delayed=True)))`: Django
    prunes the `delayed` annotation from the aggregate's subquery when several aggregates are asked
    for, and SQLite then reads "delayed" as a string literal (always 0)."""
    keys = ("major", "delayed")  # `delayed` is an annotation django-stubs cannot see
    rows = project_list(actor=actor).order_by().values(*keys).annotate(n=Count("pk"))
    total = major = delayed = 0
    for row in rows:
        total += row["n"]
        major += row["n"] if row["major"] else 0
        delayed += row["n"] if row["delayed"] else 0
    return ProjectCounts(total=total, major=major, delayed=delayed)


def delayed_projects(*, actor: Actor, limit: int = SHORT_LIST) -> list[Project]:
    return list(project_list(actor=actor, filters=ProjectFilters(delayed=True))[:limit])


def my_task_forces(*, actor: Actor) -> list[TaskForce]:
    """Task forces the actor leads or sits in (一企业一专班), active first."""
    mine = Q(lead_id=actor.id) | Q(members__user_id=actor.id)
    return list(
        scope_task_forces(actor)
        .filter(mine)
        .distinct()
        .select_related("enterprise", "lead", "lead__department")
        .order_by("-active", "name")
    )


def liaison_home(*, actor: Actor) -> LiaisonHome:
    """A cadre's or deputy's to-do: this month's visits, my enterprises, my projects, the delayed
    ones, my task forces."""
    plan = visit_plan(actor=actor, month=local_month(), liaison=actor.user)
    return LiaisonHome(
        visits={**plan.counts, "total": len(plan.rows)},
        enterprises=my_enterprises(actor=actor).count(),
        projects=project_counts(actor=actor),
        delayed_projects=delayed_projects(actor=actor),
        task_forces=my_task_forces(actor=actor),
        cases=liaison_counts(actor=actor),
    )


def department_home(*, actor: Actor) -> DepartmentHome:
    """A handler's or head's to-do: the department's cases by step and clock, and task forces."""
    return DepartmentHome(task_forces=my_task_forces(actor=actor), cases=department_counts(actor=actor))


def desk_home(*, actor: Actor) -> DeskHome:
    """The service desk: cases waiting for it, enterprises waiting for a liaison, per park, and
    delayed projects."""
    rows = (
        scope_enterprises(actor)
        .order_by()
        .values("park")
        .annotate(total=Count("pk"), unlinked=Count("pk", filter=Q(primary_liaison__isnull=True)))
    )
    parks = sorted(
        (ParkCount(park=r["park"], total=r["total"], unlinked=r["unlinked"]) for r in rows),
        key=lambda p: (-p.unlinked, -p.total, p.park),
    )
    return DeskHome(
        enterprises=sum(p.total for p in parks),
        unlinked=sum(p.unlinked for p in parks),
        parks=parks,
        projects=project_counts(actor=actor),
        delayed_projects=delayed_projects(actor=actor),
        cases=desk_counts(actor=actor),
    )


def leader_home(*, actor: Actor) -> LeaderHome:
    """The zone at a glance: enterprises (industrial = GB/T 4754 section C), projects, delays."""
    row = (
        scope_enterprises(actor)
        .order_by()
        .aggregate(
            total=Count("pk"),
            industrial=Count("pk", filter=Q(industry__startswith="C")),
            unlinked=Count("pk", filter=Q(primary_liaison__isnull=True)),
        )
    )
    return LeaderHome(
        enterprises=row["total"],
        industrial=row["industrial"],
        unlinked=row["unlinked"],
        projects=project_counts(actor=actor),
    )


def enterprise_home(*, actor: Actor) -> EnterpriseProfile | None:
    """An enterprise user's own profile: its liaisons (with phone) and its projects."""
    enterprise = scope_enterprises(actor).only("uscc").first()
    return enterprise_profile(actor=actor, uscc=enterprise.uscc) if enterprise else None
