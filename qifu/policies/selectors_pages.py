"""Reads for the policy pages (views_pages), beside the shared selectors in selectors.py.

Everything starts from the one visibility layer (`scope_policies`, `scope_policy_enterprises`,
`scope_enterprises`) or from an object a scoped selector already returned.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_policy_enterprises
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.policies import engine
from qifu.policies.conditions import fields_used
from qifu.policies.models import GrantState, Policy, PolicyAttachment, PolicyGrant, PolicyIntroduction
from qifu.policies.selectors import (
    PolicyFit,
    enterprise_get_for_policies,
    enterprise_policies,
    policy_matches,
    policy_tree,
)
from qifu.policies.services import may_edit
from qifu.policies.wording import condition_outline, flat_reasons

MATCH_FIELDS = ("id", "uscc", "name", "industry", "park", "primary_liaison__display_name", "primary_liaison__username")


def policy_attachments(policy: Policy) -> list[PolicyAttachment]:
    """The attachments of a policy the caller already got through `policy_get` (scoped)."""
    return list(policy.attachments.order_by("id").only("id", "policy_id", "name", "content_type", "size"))


def uses_service_lists(policy: Policy) -> bool:
    return "service_lists" in fields_used(policy_tree(policy))


def service_list_names_for(*policies: Policy) -> dict[str, str]:
    """Service-list names, read only when one of POLICIES names a list (one query, else none)."""
    if not any(uses_service_lists(p) for p in policies):
        return {}
    from qifu.reference.selectors import service_list_names

    return service_list_names()


def for_us_enterprise(*, actor: Actor, uscc: str = "") -> Enterprise:
    """适合我们的政策: an enterprise user's own enterprise; staff name one they may see (USCC)."""
    if actor.is_enterprise:
        enterprise = scope_enterprises(actor).select_related("primary_liaison").first()  # its own, or none
        if enterprise is None:
            raise NotFound("enterprise not found")
        return enterprise
    if not uscc or actor.is_admin:
        raise NotFound("enterprise not found")
    return enterprise_get_for_policies(actor=actor, uscc=uscc)


HOME_POLICIES = 5  # the enterprise home lists this many; the full list is one click away


@dataclass(frozen=True)
class PolicyPick:
    """A current policy the enterprise qualifies for, with the conditions it meets in plain Chinese."""

    policy: Policy
    reasons: list[str]


def home_policies(*, actor: Actor, limit: int = HOME_POLICIES) -> tuple[list[PolicyPick], int]:
    """§2.6 "policies that fit us, with the reasons", for the enterprise home: the first LIMIT
    current policies its own enterprise is eligible for (not those only missing data decides),
    each with the conditions it meets; and how many it is eligible for in all."""
    fits = enterprise_policies(actor=actor, enterprise=for_us_enterprise(actor=actor), include_unknown=False)
    top = fits[:limit]
    lists = service_list_names_for(*(f.policy for f in top))
    picks = []
    for fit in top:
        outline = condition_outline(policy_tree(fit.policy), fit.explanation.leaves, lists)
        picks.append(PolicyPick(fit.policy, [line.text for line in flat_reasons(outline) if line.outcome]))
    return picks, len(fits)


def enterprise_policy_fit(*, actor: Actor, enterprise: Enterprise, policy: Policy, on: date | None = None) -> PolicyFit:
    """One policy explained for one enterprise (the enterprise's own view of a policy page)."""
    if not scope_enterprises(actor).filter(pk=enterprise.pk).exists():
        raise NotFound("enterprise not found")
    ctx = engine.context(on or timezone.localdate())
    explanation = engine.explain(policy_tree(policy), engine.facts_of(enterprise, ctx), ctx)
    return PolicyFit(policy, explanation)


@dataclass(frozen=True)
class Introduced:
    on: date
    by: str


@dataclass
class Brief:
    """可介绍的政策 for one enterprise: the current policies it qualifies for, with the latest
    宣讲 of each (None: not introduced yet)."""

    fits: list[PolicyFit]
    introduced: dict[int, Introduced] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[PolicyFit, Introduced | None]]:
        return [(fit, self.introduced.get(fit.policy.pk)) for fit in self.fits]


def policy_brief(*, actor: Actor, enterprise: Enterprise, on: date | None = None) -> Brief:
    """The liaison's brief before a visit (the 360 page, the visit form): eligible policies only,
    explained in memory, plus one query for the introductions already recorded."""
    fits = enterprise_policies(actor=actor, enterprise=enterprise, on=on, include_unknown=False)
    return Brief(fits=fits, introduced=introductions_of(enterprise=enterprise, policy_ids=[f.policy.pk for f in fits]))


def introductions_of(*, enterprise: Enterprise, policy_ids: list[int]) -> dict[int, Introduced]:
    """The latest introduction of each policy to ENTERPRISE (already checked to be visible)."""
    if not policy_ids:
        return {}
    rows = (
        PolicyIntroduction.objects.filter(enterprise_id=enterprise.pk, policy_id__in=policy_ids)
        .order_by("policy_id", "-introduced_on", "-id")
        .values_list("policy_id", "introduced_on", "introduced_by__display_name", "introduced_by__username")
    )
    out: dict[int, Introduced] = {}
    for policy_id, on, display, username in rows:
        out.setdefault(policy_id, Introduced(on=on, by=display or username))
    return out


def match_rows(*, actor: Actor, policy: Policy, park: str = "", on: date | None = None) -> QuerySet[Enterprise]:
    """Who qualifies: the eligible enterprises the actor may see (one SQL query), narrowed by park,
    with only the columns the table and the export show."""
    rows = policy_matches(actor=actor, policy=policy, on=on)
    if park:
        rows = rows.filter(park=park)
    return rows.select_related("primary_liaison").only(*MATCH_FIELDS)


def may_see_grants(actor: Actor, policy: Policy) -> bool:
    """免申即享 lists: the desk and the issuing department review; leaders read."""
    return policy.auto_grant and (actor.role == "leader" or may_edit(actor, policy.department_id))


def may_review_grants(actor: Actor, policy: Policy) -> bool:
    return policy.auto_grant and may_edit(actor, policy.department_id)


def grant_rows(*, actor: Actor, policy: Policy, state: str) -> QuerySet[PolicyGrant]:
    if not may_see_grants(actor, policy):
        raise NotFound("grant list not found")
    enterprises = scope_policy_enterprises(actor, policy).values("pk")
    return (
        PolicyGrant.objects.filter(policy=policy, state=state, enterprise_id__in=enterprises)
        .select_related("enterprise", "enterprise__primary_liaison", "reviewed_by")
        .order_by("enterprise_id")
    )


def grant_counts(*, actor: Actor, policy: Policy) -> dict[str, int]:
    if not may_see_grants(actor, policy):
        raise NotFound("grant list not found")
    counts = {state: 0 for state in GrantState.values}
    enterprises = scope_policy_enterprises(actor, policy).values("pk")
    for state, n in (
        PolicyGrant.objects.filter(policy=policy, enterprise_id__in=enterprises)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
    ):
        counts[state] = n
    return counts


def grant_get(*, actor: Actor, policy: Policy, grant_id: int) -> PolicyGrant:
    if not may_see_grants(actor, policy):
        raise NotFound("grant not found")
    grant = (
        PolicyGrant.objects.filter(policy=policy, pk=grant_id)
        .filter(enterprise_id__in=scope_policy_enterprises(actor, policy).values("pk"))
        .select_related("enterprise", "policy")
        .first()
    )
    if grant is None:
        raise NotFound("grant not found")
    return grant
