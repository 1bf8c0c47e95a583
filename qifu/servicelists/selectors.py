"""Reads of the service lists: the snapshot (the latest month with any row is current), and the
scoped reads of the pages and the API (every one starts from `access.scopes`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from qifu.access.actor import Actor
from qifu.access.scopes import (
    may_see_service_lists,
    scope_list_enterprises,
    scope_list_members,
    scope_list_overrides,
)
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.reference.models import ServiceList
from qifu.servicelists.models import ListOverride, ListRule, Membership


def latest_month(on: date | None = None) -> date | None:
    """The month of the current snapshot (as of ON when given); None when no list was ever filled."""
    rows = Membership.objects.all()
    if on is not None:
        rows = rows.filter(month__lte=on)
    month: date | None = rows.aggregate(m=Max("month"))["m"]
    return month


def list_codes_of(enterprise_id: int, month: date | None) -> set[str]:
    if month is None:
        return set()
    return set(
        Membership.objects.filter(enterprise_id=enterprise_id, month=month).values_list("service_list__code", flat=True)
    )


def members_by_list(month: date | None, codes: Iterable[str] | None = None) -> dict[str, list[int]]:
    """{list code: [enterprise id, …]} of the snapshot (every list, or CODES)."""
    out: dict[str, list[int]] = {}
    if month is None:
        return out
    rows = Membership.objects.filter(month=month)
    if codes is not None:
        rows = rows.filter(service_list__code__in=list(codes))
    for code, ent in rows.values_list("service_list__code", "enterprise_id").iterator(chunk_size=20_000):
        out.setdefault(code, []).append(ent)
    return out


# --- pages and API (scoped: every selector starts from access.scopes) -----------------------------


HISTORY_MONTHS = 36


@dataclass
class ListCard:
    """One list on the overview: its rule and strategy, and its movements in the snapshot month."""

    service_list: ServiceList
    rule: ListRule | None
    members: int = 0
    entered: int = 0
    left: int = 0


def list_get(*, actor: Actor, code: str) -> ServiceList:
    """A list by code; NotFound for an unknown code and for people who do not see lists."""
    if not may_see_service_lists(actor):
        raise NotFound("no such list")
    found = ServiceList.objects.filter(code=code).first()
    if found is None:
        raise NotFound("no such list")
    return found


def list_rule_of(service_list: ServiceList) -> ListRule | None:
    return ListRule.objects.filter(service_list=service_list).first()


def previous_month(month: date) -> date | None:
    """The snapshot before MONTH (the basis of "entered" and "left")."""
    return latest_month(month - timedelta(days=1))


def list_overview(*, actor: Actor, month: date | None) -> list[ListCard]:
    """§2.5 the four lists with members, entered and left in MONTH (vs the snapshot before it),
    counted over the memberships the actor sees."""
    rules = {r.service_list_id: r for r in ListRule.objects.all()}
    cards = {sl.pk: ListCard(sl, rules.get(sl.pk)) for sl in ServiceList.objects.order_by("sort", "code")}
    if month is None:
        return list(cards.values())
    rows = scope_list_members(actor).filter(month=month)
    for list_id, n in rows.values_list("service_list_id").annotate(n=Count("id")).order_by():
        cards[list_id].members = n
    before = previous_month(month)
    if before is not None:
        was = Membership.objects.filter(
            month=before, service_list_id=OuterRef("service_list_id"), enterprise_id=OuterRef("enterprise_id")
        )
        entered = rows.filter(~Exists(was)).values_list("service_list_id").annotate(n=Count("id")).order_by()
        for list_id, n in entered:
            cards[list_id].entered = n
        now = Membership.objects.filter(
            month=month, service_list_id=OuterRef("service_list_id"), enterprise_id=OuterRef("enterprise_id")
        )
        left = scope_list_members(actor).filter(month=before).filter(~Exists(now))
        for list_id, n in left.values_list("service_list_id").annotate(n=Count("id")).order_by():
            cards[list_id].left = n
    else:
        for card in cards.values():
            card.entered = card.members
    return list(cards.values())


def list_months() -> list[date]:
    """The snapshot months, newest first (the month picker)."""
    rows = Membership.objects.order_by("-month").values_list("month", flat=True).distinct()
    return list(rows[:HISTORY_MONTHS])


def list_members(*, actor: Actor, service_list: ServiceList, month: date | None, q: str = "") -> QuerySet[Membership]:
    """The members of SERVICE_LIST in MONTH the actor sees, by enterprise name, with the liaison."""
    if month is None:
        return Membership.objects.none()
    rows = scope_list_members(actor).filter(month=month, service_list=service_list)
    q = q.strip()
    if q:
        rows = rows.filter(Q(enterprise__name__contains=q) | Q(enterprise__uscc__startswith=q.upper()))
    return rows.select_related("enterprise", "enterprise__primary_liaison").order_by("enterprise__name", "id")


def list_movements(
    *, actor: Actor, service_list: ServiceList, month: date
) -> tuple[list[Enterprise], list[Enterprise]]:
    """(entered, left) enterprises of SERVICE_LIST in MONTH vs the snapshot before, at most 50 each."""
    before = previous_month(month)
    if before is None:
        return [], []
    seen = scope_list_enterprises(actor)
    now = Membership.objects.filter(month=month, service_list=service_list).values("enterprise_id")
    was = Membership.objects.filter(month=before, service_list=service_list).values("enterprise_id")
    entered = seen.filter(pk__in=now).exclude(pk__in=was).order_by("name")[:50]
    left = seen.filter(pk__in=was).exclude(pk__in=now).order_by("name")[:50]
    return list(entered), list(left)


def list_overrides_open(*, actor: Actor, service_list: ServiceList) -> QuerySet[ListOverride]:
    return (
        scope_list_overrides(actor)
        .filter(service_list=service_list, withdrawn_at__isnull=True)
        .select_related("enterprise", "created_by")
        .order_by("-created_at")
    )


def list_override_get(*, actor: Actor, service_list: ServiceList, uscc: str) -> ListOverride:
    """The open override of the enterprise USCC on SERVICE_LIST; NotFound when none (or not visible)."""
    found = (
        scope_list_overrides(actor)
        .filter(service_list=service_list, enterprise__uscc=uscc.strip().upper(), withdrawn_at__isnull=True)
        .select_related("enterprise", "service_list")
        .first()
    )
    if found is None:
        raise NotFound("no open override", code="list_override_missing")
    return found


def list_override_by_id(*, actor: Actor, pk: int) -> ListOverride:
    found = scope_list_overrides(actor).filter(pk=pk).select_related("enterprise", "service_list").first()
    if found is None:
        raise NotFound("no such override")
    return found


def list_enterprise_get(*, actor: Actor, uscc: str) -> Enterprise:
    """An enterprise whose lists the actor sees; NotFound otherwise (missing or not visible)."""
    found = scope_list_enterprises(actor).filter(uscc=uscc.strip().upper()).first()
    if found is None:
        raise NotFound("no such enterprise")
    return found


def enterprise_list_history(*, actor: Actor, enterprise: Enterprise) -> QuerySet[Membership]:
    """The enterprise's memberships, newest month first."""
    return (
        scope_list_members(actor)
        .filter(enterprise=enterprise)
        .select_related("service_list")
        .order_by("-month", "service_list__sort")
    )
