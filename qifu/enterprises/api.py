"""/api/v1/enterprises: the registry over the API (PRODUCT.md §2.1, §3). Operations only."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qifu.api import actor_of
from qifu.core.pagination import LimitOffset
from qifu.core.schemas import errors
from qifu.enterprises.models import Enterprise
from qifu.enterprises.schemas import (
    EnterpriseFilter,
    EnterpriseIn,
    EnterpriseListOut,
    EnterpriseOut,
    EnterprisePatch,
    enterprise_out,
)
from qifu.enterprises.selectors import enterprise_get, enterprise_list, enterprise_profile
from qifu.enterprises.services import enterprise_create, enterprise_data_of, enterprise_update

router = Router(tags=["enterprises"])

WRITE_ERRORS = (
    "Errors: 403 `enterprise_forbidden` (only the service desk edits the registry); 404 `not_found`; "
    "409 `enterprise_duplicate_uscc`; 422 `enterprise_invalid` (a rule, e.g. the USCC check digit) "
    "or `invalid` (the request shape, including unknown fields)."
)


@router.get("", response={200: list[EnterpriseListOut], **errors()}, summary="List the enterprises in my scope")
@paginate(LimitOffset)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilter]) -> QuerySet[Enterprise]:
    """Filters narrow the caller's scope and never widen it."""
    return enterprise_list(actor=actor_of(request), filters=filters.to_filters())


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
