"""Policy reads, all starting from `scope_policies` / `scope_policy_enterprises` (access.scopes).

- `policy_list` / `policy_get`: the catalogue.
- `policy_tree`: the parsed condition tree, cached per process by (id, updated_at).
- `policy_matches`: one policy's eligible enterprises in SQL (paged by the caller).
- `enterprise_policies`: one enterprise against every current published policy, explained.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_policies, scope_policy_enterprises
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.policies import engine
from qifu.policies.conditions import INDICATOR_FIELDS, Node, parse
from qifu.policies.models import Policy, PolicyStatus


@dataclass(frozen=True)
class PolicyFilters:
    q: str = ""
    category: str = ""
    status: str = ""
    department_id: int | None = None
    current: bool = False  # in force on the day (valid_from ≤ day ≤ valid_to, open ends allowed)


def in_force(day: date) -> Q:
    """Published and valid on DAY (either end of the validity may be open)."""
    return (
        Q(status=PolicyStatus.PUBLISHED)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def policy_list(*, actor: Actor, filters: PolicyFilters | None = None, on: date | None = None) -> QuerySet[Policy]:
    f = filters or PolicyFilters()
    rows = scope_policies(actor).select_related("department")
    if f.q:
        text = f.q.strip()
        rows = rows.filter(
            Q(title__icontains=text)
            | Q(code__icontains=text)
            | Q(document_no__icontains=text)
            | Q(summary__icontains=text)
        )
    if f.category:
        rows = rows.filter(category=f.category)
    if f.status:
        rows = rows.filter(status=f.status)
    if f.department_id:
        rows = rows.filter(department_id=f.department_id)
    if f.current:
        day = on or timezone.localdate()
        rows = rows.filter(in_force(day))
    return rows.order_by("-valid_from", "code")


def policy_get(*, actor: Actor, code: str) -> Policy:
    policy = scope_policies(actor).select_related("department").filter(code=code).first()
    if policy is None:
        raise NotFound("policy not found")
    return policy


_trees: dict[int, tuple[Any, Node]] = {}


def policy_tree(policy: Policy) -> Node:
    """The checked tree (every stored tree was checked on write; parse again only when it changed)."""
    cached = _trees.get(policy.pk)
    if cached is not None and cached[0] == policy.updated_at:
        return cached[1]
    node = parse(policy.conditions)
    _trees[policy.pk] = (policy.updated_at, node)
    return node


def policy_matches(*, actor: Actor, policy: Policy, on: date | None = None) -> QuerySet[Enterprise]:
    """The enterprises the actor may see that are eligible for POLICY on ON (one SQL query)."""
    ctx = engine.context(on or timezone.localdate())
    base = scope_policy_enterprises(actor, policy).filter(status="active")
    return engine.matching(policy_tree(policy), ctx, base=base).order_by("id")


def policy_outcomes(*, actor: Actor, policy: Policy, on: date | None = None) -> QuerySet[Enterprise]:
    """Every enterprise the actor may see with its three-valued `outcome` for POLICY."""
    ctx = engine.context(on or timezone.localdate())
    base = scope_policy_enterprises(actor, policy).filter(status="active")
    return engine.outcomes(policy_tree(policy), ctx, base=base)


def current_policies(on: date) -> list[Policy]:
    """Published policies in force on ON (every one a person of the zone may read)."""
    return [c.policy for c in _current(on).compiled]


@dataclass(frozen=True)
class _Compiled:
    policy: Policy
    node: Node


@dataclass(frozen=True)
class _CurrentSet:
    compiled: list[_Compiled]
    outcomes: engine.OutcomeSet  # the trees in the same order


_current_cache: dict[tuple[Any, ...], _CurrentSet] = {}


def _stamp(on: date) -> tuple[int, Any, date | None]:
    """One small query for what an evaluation on ON must not serve stale: the published policies'
    count and latest change (which decide whether the compiled set is current) and the month of
    the service-list snapshot (engine.context's `lists_month`). Raw SQL because the ORM cannot put
    an aggregate of another table beside an aggregate; both databases run it as written."""
    from qifu.servicelists.models import Membership

    sql = (
        f"SELECT COUNT(*), MAX(updated_at), (SELECT MAX(month) FROM {Membership._meta.db_table} WHERE month <= %s) "  # noqa: S608 - table names from the models
        f"FROM {Policy._meta.db_table} WHERE status = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, PolicyStatus.PUBLISHED.value])
        count, changed, month = cursor.fetchone()
    if isinstance(month, str):  # SQLite gives the date as text
        month = date.fromisoformat(month)
    return int(count), changed, month


def _current(on: date, stamp: tuple[int, Any, date | None] | None = None) -> _CurrentSet:
    """The current policies with their compiled trees, rebuilt only when a policy changed: the
    published ones' count and latest change (`_stamp`) decide."""
    count, changed, _month = stamp or _stamp(on)
    key = (on, count, changed)
    hit = _current_cache.get(key)
    if hit is not None:
        return hit
    rows = (
        Policy.objects.filter(status=PolicyStatus.PUBLISHED)
        .filter(in_force(on))
        .select_related("department")
        .order_by("-valid_from", "code")
    )
    compiled = [_Compiled(policy, policy_tree(policy)) for policy in rows]
    current = _CurrentSet(compiled, engine.OutcomeSet([c.node for c in compiled]))
    _current_cache.clear()  # one day, one version at a time
    _current_cache[key] = current
    return current


class PolicyFit:
    """One policy for one enterprise. The outcome is known at once (the short-cut function); the
    explanation — every leaf with its value — is built on first use, so a page of 20 explains 20
    however many policies fit."""

    def __init__(
        self,
        policy: Policy,
        explanation: engine.Explanation | None = None,
        *,
        node: Node | None = None,
        facts: dict[str, Any] | None = None,
        ctx: engine.Context | None = None,
        eligible: bool | None = None,
    ) -> None:
        self.policy = policy
        self._explanation = explanation
        self._lazy = (node, facts, ctx)
        self._eligible = explanation.eligible if explanation is not None else eligible

    @property
    def eligible(self) -> bool | None:
        return self._eligible

    @property
    def explanation(self) -> engine.Explanation:
        if self._explanation is None:
            node, facts, ctx = self._lazy
            if node is None or facts is None or ctx is None:
                raise ValueError("PolicyFit without an explanation or what builds one")
            self._explanation = engine.explain(node, facts, ctx)
        return self._explanation


def enterprise_get_for_policies(*, actor: Actor, uscc: str) -> Enterprise:
    for enterprise in scope_enterprises(actor).filter(uscc=uscc).order_by()[:1]:  # unique: no ORDER BY
        enterprise._policies_seen_by = actor.id  # type: ignore[attr-defined]  # read by enterprise_policies
        return enterprise
    raise NotFound("enterprise not found")


def enterprise_policies(
    *, actor: Actor, enterprise: Enterprise, on: date | None = None, include_unknown: bool = True
) -> list[PolicyFit]:
    """ENTERPRISE (already checked to be in the actor's scope) against every current policy:
    the eligible ones first, then (INCLUDE_UNKNOWN) those only missing data decides."""
    seen = getattr(enterprise, "_policies_seen_by", None) == actor.id  # loaded through the scope just now
    if not seen and not scope_enterprises(actor).filter(pk=enterprise.pk).exists():
        raise NotFound("enterprise not found")
    if enterprise.status != EnterpriseStatus.ACTIVE:  # as in engine.matching: a deregistered one fits none
        return []
    day = on or timezone.localdate()
    stamp = _stamp(day)
    ctx = engine.context(day, lists_month=stamp[2])
    current = _current(day, stamp)
    facts = engine.facts_of(enterprise, ctx, indicators=not current.outcomes.fields.isdisjoint(INDICATOR_FIELDS))
    eligible: list[PolicyFit] = []
    unknown: list[PolicyFit] = []
    for c, first in zip(current.compiled, current.outcomes.outcomes(facts), strict=True):
        if first is False or (first is None and not include_unknown):
            continue
        fit = PolicyFit(c.policy, node=c.node, facts=facts, ctx=ctx, eligible=first)
        (eligible if first else unknown).append(fit)
    return eligible + unknown
