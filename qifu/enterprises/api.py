"""/api/v1/enterprises: the registry over the API (PRODUCT.md §2.1, §3). Operations only."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.enterprises.schemas import (
    EnterpriseFilter,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePageOut,
    EnterprisePatch,
    enterprise_out,
)
from qifu.enterprises.selectors import enterprise_filtered, enterprise_get, enterprise_profile, enterprise_rows
from qifu.enterprises.services import enterprise_create, enterprise_data_of, enterprise_update

router = Router(tags=["enterprises"])

WRITE_ERRORS = (
    "Errors: 403 `enterprise_forbidden` (only the service desk edits the registry); 404 `not_found`; "
    "409 `enterprise_duplicate_uscc`; 422 `enterprise_invalid` (a rule, e.g. the USCC check digit) "
    "or `invalid` (the request shape, including unknown fields)."
)


@router.get("", response={200: EnterprisePageOut, **errors()}, summary="List the enterprises in my scope")
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilter], page: Query[PageIn]) -> dict[str, Any]:
    """Filters narrow the caller's scope and never widen it. `{"items", "count"}`, limit capped at 200."""
    actor, wanted = actor_of(request), filters.to_filters()
    return page_of(
        enterprise_rows(actor=actor, filters=wanted),
        count_from=enterprise_filtered(actor=actor, filters=wanted),
        page=page,
    )


@router.get("/{uscc}", response={200: EnterpriseOut, **errors(404)}, summary="One enterprise (360 view)")
def get_enterprise(request: HttpRequest, uscc: str) -> EnterpriseOut:
    """404 `not_found` when the enterprise is missing or outside the caller's scope."""
    return enterprise_out(enterprise_profile(actor=actor_of(request), uscc=uscc))


@router.post(
    "",
    response={201: EnterpriseOut, **errors(409)},
    summary="Register an enterprise (service desk)",
    description=WRITE_ERRORS,
)
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[EnterpriseOut]:
    actor = actor_of(request)
    enterprise = enterprise_create(actor=actor, data=payload.to_data())
    return Status(201, enterprise_out(enterprise_profile(actor=actor, uscc=enterprise.uscc)))


@router.patch(
    "/{uscc}",
    response={200: EnterpriseOut, **errors(404)},
    summary="Change an enterprise (service desk)",
    description="Send only the fields that change; `uscc`, `primary_liaison` and `status` are refused. " + WRITE_ERRORS,
)
def update_enterprise(request: HttpRequest, uscc: str, payload: EnterprisePatch) -> EnterpriseOut:
    actor = actor_of(request)
    enterprise = enterprise_get(actor=actor, uscc=uscc)  # first: a hidden enterprise answers 404, never 403
    data = payload.apply_to(enterprise_data_of(enterprise))
    enterprise_update(actor=actor, enterprise=enterprise, data=data)
    return enterprise_out(enterprise_profile(actor=actor, uscc=enterprise.uscc))
