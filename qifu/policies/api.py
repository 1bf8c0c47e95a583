"""/api/v1/policies and /api/v1/enterprises/{uscc}/policies: the policy package over the API
(PRODUCT.md §2.6, §3). Operations only. Mounted at the API root (full paths below): the second
path sits beside /api/v1/enterprises/{uscc} without touching the enterprises router.

Visibility: `scope_policies` (drafts only for the desk, leaders and the issuing department; a
policy outside the caller's scope answers 404), `scope_policy_enterprises` for who qualifies, and
`scope_enterprises` for one enterprise's policies."""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router, Status

from qifu.api import actor_of
from qifu.core.pagination import MAX_LIMIT, PageIn, page_of
from qifu.core.schemas import errors
from qifu.policies.schemas import (
    ImportOut,
    MatchPageOut,
    OnIn,
    PolicyFilter,
    PolicyFitPageOut,
    PolicyIn,
    PolicyOut,
    PolicyPageOut,
    fit_out,
    match_out,
    policy_brief,
    policy_out,
)
from qifu.policies.selectors import (
    enterprise_get_for_policies,
    enterprise_policies,
    policy_get,
    policy_list,
    policy_matches,
)
from qifu.policies.services import policy_import, policy_save
from qifu.reference.selectors import service_list_names

router = Router(tags=["policies"])

WRITE_ERRORS = (
    "Errors: 422 `invalid_policy` with `faults`: [{index, code, path, message}] — every bad part named by "
    "its path (e.g. `conditions.all[2].op`); 422 `duplicate_policy_code`; 403 `policy_edit_forbidden` "
    "(only the service desk and the issuing department write policies). A refused write changes nothing."
)


@router.get("/policies", response={200: PolicyPageOut, **errors()}, summary="Policies in my scope")
def list_policies(request: HttpRequest, filters: Query[PolicyFilter], page: Query[PageIn]) -> dict[str, Any]:
    """Published policies for everyone; drafts and expired ones for the desk, leaders and the issuing
    department. Filters: q, category, status, current (in force on `on`). `{"items", "count"}`."""
    rows = policy_list(actor=actor_of(request), filters=filters.to_filters(), on=filters.on)
    found = page_of(rows, count_from=rows, page=page)
    return {"items": [policy_brief(p) for p in found["items"]], "count": found["count"]}


@router.post("/policies", response={201: PolicyOut, **errors(404)}, summary="Create a policy", description=WRITE_ERRORS)
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    created = policy_save(actor=actor, data=payload.to_data())
    return Status(201, policy_out(policy_get(actor=actor, code=created.code), redact=actor.is_enterprise))


@router.post(
    "/policies/import",
    response={200: ImportOut, **errors()},
    summary="Import policies (all or nothing)",
    description="A formats.md list of policy objects. Any fault, a code twice in the list, or (without "
    "`replace`) a code already taken by a different policy refuses the whole list. " + WRITE_ERRORS,
)
def import_policies(request: HttpRequest, payload: Body[list[Any]], replace: bool = False) -> dict[str, Any]:
    return policy_import(actor=actor_of(request), items=payload, replace=replace).as_json()


@router.get("/policies/{code}", response={200: PolicyOut, **errors(404)}, summary="One policy")
def get_policy(request: HttpRequest, code: str) -> dict[str, Any]:
    """With its full text, interpretation, conditions and attachments; 404 outside the caller's scope."""
    actor = actor_of(request)
    return policy_out(policy_get(actor=actor, code=code), redact=actor.is_enterprise)


@router.put(
    "/policies/{code}",
    response={200: PolicyOut, **errors(404)},
    summary="Replace a policy",
    description="The whole formats.md object (the code in the path wins). " + WRITE_ERRORS,
)
def update_policy(request: HttpRequest, code: str, payload: PolicyIn) -> dict[str, Any]:
    actor = actor_of(request)
    policy = policy_get(actor=actor, code=code)  # first: a hidden policy answers 404, never 403
    policy_save(actor=actor, data=payload.to_data(), policy=policy)
    return policy_out(policy_get(actor=actor, code=code), redact=actor.is_enterprise)


@router.get("/policies/{code}/matches", response={200: MatchPageOut, **errors(404)}, summary="Who qualifies")
def policy_match_list(request: HttpRequest, code: str, when: Query[OnIn], page: Query[PageIn]) -> dict[str, Any]:
    """The eligible enterprises (true on every condition, data missing counts as not proven) that the
    caller may see: every enterprise for the desk, leaders and the issuing department; one SQL query."""
    actor = actor_of(request)
    rows = policy_matches(actor=actor, policy=policy_get(actor=actor, code=code), on=when.on)
    found = page_of(rows.only("id", "uscc", "name"), count_from=rows, page=page)
    return {"items": [match_out(e) for e in found["items"]], "count": found["count"]}


@router.get(
    "/enterprises/{uscc}/policies",
    response={200: PolicyFitPageOut, **errors(404)},
    summary="Policies that fit one enterprise, with the reasons",
)
def enterprise_policy_list(request: HttpRequest, uscc: str, when: Query[OnIn], page: Query[PageIn]) -> dict[str, Any]:
    """Every current published policy the enterprise qualifies for (`eligible` true), then those only
    missing data decides (`eligible` null, with `missing`); each leaf with its outcome, the
    enterprise's value and a plain-Chinese `reason`. 404 outside the caller's enterprise scope."""
    actor = actor_of(request)
    enterprise = enterprise_get_for_policies(actor=actor, uscc=uscc)
    fits = enterprise_policies(actor=actor, enterprise=enterprise, on=when.on)
    names = service_list_names()
    window = fits[page.offset : page.offset + min(page.limit, MAX_LIMIT)]
    redact = actor.is_enterprise
    return {"items": [fit_out(f, names, redact=redact) for f in window], "count": len(fits)}
