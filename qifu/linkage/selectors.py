"""Linkage reads, scoped through access (PRODUCT.md §1, §2.1)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_linkages, scope_staff, scope_task_forces
from qifu.accounts.models import User
from qifu.accounts.roles import LIAISON_ROLES
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.linkage.models import Linkage, TaskForce


@dataclass(frozen=True)
class LinkageFilters:
    liaison: int | None = None
    liaison_username: str = ""  # the API names people by username
    enterprise: str = ""  # USCC
    open_only: bool = True
    role: str = ""


def linkage_list(*, actor: Actor, filters: LinkageFilters | None = None) -> QuerySet[Linkage]:
    f = filters or LinkageFilters()
    qs = scope_linkages(actor)
    if f.open_only:
        qs = qs.filter(ended_on__isnull=True)
    if f.liaison:
        qs = qs.filter(liaison_id=f.liaison)
    if f.liaison_username:
        qs = qs.filter(liaison__username=f.liaison_username)
    if f.enterprise:
        qs = qs.filter(enterprise__uscc=f.enterprise)
    if f.role:
        qs = qs.filter(role=f.role)
    return qs.select_related("liaison", "liaison__department", "enterprise", "project").order_by("-id")


def linkage_get(*, actor: Actor, linkage_id: int) -> Linkage:
    link = scope_linkages(actor).select_related("liaison", "enterprise", "project").filter(pk=linkage_id).first()
    if link is None:
        raise NotFound("linkage not found")
    return link


def my_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """'我的企业': enterprises the liaison is linked to now (primary or backup)."""
    linked = Linkage.objects.filter(liaison_id=actor.id, ended_on__isnull=True).values("enterprise_id")
    return scope_enterprises(actor).filter(pk__in=linked).select_related("primary_liaison").order_by("name")


def liaison_workload(*, actor: Actor) -> QuerySet[User]:
    """Liaisons with their count of primary enterprise links, for rebalancing."""
    return (
        scope_staff(actor)
        .filter(role__in=LIAISON_ROLES)
        .select_related("department")
        .annotate(
            enterprise_count=Count(
                "linkages",
                filter=Q(linkages__ended_on__isnull=True, linkages__role="primary", linkages__project__isnull=True),
            )
        )
        .order_by("-enterprise_count", "username")
    )


def taskforce_list(*, actor: Actor) -> QuerySet[TaskForce]:
    return scope_task_forces(actor).select_related("enterprise", "lead").order_by("-id")
