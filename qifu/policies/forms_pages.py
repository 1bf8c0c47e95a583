"""Query parsing for the policy pages: filters stay in the URL (UX.md §6), unknown values are
ignored rather than refused (a bookmarked list never breaks)."""

from dataclasses import dataclass

from django.http import QueryDict

from qifu.access.actor import Actor
from qifu.policies.models import GrantState, PolicyStatus
from qifu.policies.selectors import PolicyFilters
from qifu.reference.models import Department

Q_MAX = 100


@dataclass(frozen=True)
class CatalogueQuery:
    filters: PolicyFilters
    department: str  # the department code as in the URL ("" = any)
    current: bool


def catalogue_query(query: QueryDict, *, actor: Actor, categories: dict[str, str]) -> CatalogueQuery:
    """?q=&category=&department=&status=&current=1. Status is a staff filter (enterprise users only
    ever see published policies, scope_policies)."""
    q = (query.get("q") or "").strip()[:Q_MAX]
    category = query.get("category") or ""
    if category not in categories:
        category = ""
    status = query.get("status") or ""
    if actor.is_enterprise or status not in PolicyStatus.values:
        status = ""
    code = (query.get("department") or "").strip().upper()[:16]
    department_id = None
    if code:
        department_id = Department.objects.filter(code=code).values_list("pk", flat=True).first()
        if department_id is None:
            code = ""
    current = query.get("current") == "1"
    filters = PolicyFilters(q=q, category=category, status=status, department_id=department_id, current=current)
    return CatalogueQuery(filters=filters, department=code, current=current)


def grant_tab(query: QueryDict) -> str:
    state = query.get("state") or GrantState.PROPOSED
    return state if state in GrantState.values else GrantState.PROPOSED


def park_of(query: QueryDict) -> str:
    return (query.get("park") or "").strip()[:64]
