"""Enterprise reads; every one starts from access.scope_enterprises (PRODUCT.md §1)."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_linkages, scope_projects, scope_task_forces
from qifu.accounts.models import User
from qifu.accounts.roles import LIAISON_ROLES
from qifu.core.crypto import blind_index
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.enterprises.services import CONTACT_PHONE_CTX, normalize_phone
from qifu.enterprises.validators import normalize_uscc
from qifu.linkage.models import Linkage, TaskForce, TaskForceMember
from qifu.projects.models import Project

LIST_FIELDS = (
    "id",
    "uscc",
    "name",
    "industry",
    "park",
    "ownership",
    "above_scale",
    "high_tech",
    "specialized",
    "listed",
    "employees",
    "tags",
    "primary_liaison__id",
    "primary_liaison__display_name",
    "primary_liaison__username",
)


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    industry: str = ""
    park: str = ""
    ownership: str = ""
    above_scale: bool | None = None
    high_tech: bool | None = None
    specialized: str = ""
    listed: bool | None = None
    liaison: int | None = None
    liaison_username: str = ""  # the API names people by username
    liaison_name: str = ""  # pages: a liaison's exact name or username
    without_liaison: bool = False
    phone: str = ""


def enterprise_list(*, actor: Actor, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    """Scoped, filtered, ordered by id (indexed); filters never widen the scope."""
    return (
        enterprise_filtered(actor=actor, filters=filters)
        .select_related("primary_liaison")
        .only(*LIST_FIELDS)
        .order_by("id")
    )


def enterprise_filtered(*, actor: Actor, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    """The scope narrowed by the filters: no joins for display, no order (what a COUNT runs on)."""
    f = filters or EnterpriseFilters()
    qs = scope_enterprises(actor)
    if f.q:
        term = f.q.strip()
        compact = normalize_uscc(term)
        if len(compact) == 18 and compact.isalnum():
            qs = qs.filter(uscc=compact)
        else:
            qs = qs.filter(Q(name__icontains=term) | Q(uscc__startswith=compact))
    if f.industry:
        qs = qs.filter(industry__startswith=f.industry.upper())
    if f.park:
        qs = qs.filter(park=f.park)
    if f.ownership:
        qs = qs.filter(ownership=f.ownership)
    if f.specialized:
        qs = qs.filter(specialized=f.specialized)
    for flag in ("above_scale", "high_tech", "listed"):
        value = getattr(f, flag)
        if value is not None:
            qs = qs.filter(**{flag: value})
    if f.liaison:
        qs = qs.filter(primary_liaison_id=f.liaison)
    if f.liaison_username:
        qs = qs.filter(primary_liaison__username=f.liaison_username)
    if f.liaison_name:
        named = User.objects.filter(role__in=LIAISON_ROLES).filter(
            Q(username=f.liaison_name) | Q(display_name=f.liaison_name)
        )
        qs = qs.filter(primary_liaison_id__in=named.values("id"))
    if f.without_liaison:
        qs = qs.filter(primary_liaison__isnull=True)
    if f.phone:
        qs = qs.filter(contact_phone_index=blind_index(normalize_phone(f.phone), context=CONTACT_PHONE_CTX))
    return qs


ROW_FIELDS = (
    "uscc",
    "name",
    "industry",
    "park",
    "ownership",
    "above_scale",
    "high_tech",
    "specialized",
    "listed",
    "employees",
)


def enterprise_rows(
    *, actor: Actor, filters: EnterpriseFilters | None = None
) -> "QuerySet[Enterprise, dict[str, Any]]":
    """The list as plain rows (dicts) for the API: the same scope, filters and order as
    enterprise_list, without building model instances (the hot path of the registry API)."""
    rows: QuerySet[Enterprise, dict[str, Any]] = (
        enterprise_filtered(actor=actor, filters=filters)
        .order_by("id")
        .values(*ROW_FIELDS, "primary_liaison__username", "primary_liaison__display_name")
    )
    return rows


def enterprise_get(*, actor: Actor, uscc: str) -> Enterprise:
    """One enterprise by USCC; NotFound when missing or outside the actor's scope."""
    enterprise = scope_enterprises(actor).select_related("primary_liaison").filter(uscc=normalize_uscc(uscc)).first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


@dataclass(frozen=True)
class EnterpriseProfile:
    """Everything the 360 page shows, fetched in a fixed number of queries."""

    enterprise: Enterprise
    linkages: list[Linkage]
    history: list[Linkage]
    projects: list[Project]
    task_forces: list[TaskForce]


def enterprise_profile(*, actor: Actor, uscc: str) -> EnterpriseProfile:
    enterprise = enterprise_get(actor=actor, uscc=uscc)
    links = list(
        scope_linkages(actor)
        .filter(enterprise=enterprise)
        .select_related("liaison", "liaison__department", "liaison__staff", "project")
        .order_by("ended_on", "role", "-started_on")
    )
    projects = list(scope_projects(actor).filter(enterprise=enterprise).prefetch_related("milestones").order_by("id"))
    forces = list(
        scope_task_forces(actor)
        .filter(enterprise=enterprise)
        .select_related("lead", "lead__department")
        .prefetch_related(
            Prefetch("members", queryset=TaskForceMember.objects.select_related("user", "user__department"))
        )
    )
    return EnterpriseProfile(
        enterprise=enterprise,
        linkages=[link for link in links if link.ended_on is None],
        history=[link for link in links if link.ended_on is not None],
        projects=projects,
        task_forces=forces,
    )


def enterprise_parks() -> list[str]:
    """Distinct parks for filter menus (cached: a distinct over the whole table is not per request)."""
    parks: list[str] | None = cache.get("qifu:parks")
    if parks is None:
        # order_by(): the model's default ordering (id) would otherwise join the DISTINCT.
        parks = [p for p in Enterprise.objects.order_by("park").values_list("park", flat=True).distinct() if p]
        cache.set("qifu:parks", parks, 300)
    return parks
