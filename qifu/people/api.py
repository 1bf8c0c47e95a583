"""/api/v1/staff: the staff directory (PRODUCT.md §2.1). Staff see colleagues; an enterprise its liaisons."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from qifu.accounts.models import User
from qifu.api import actor_of
from qifu.core.pagination import LimitOffset
from qifu.core.schemas import errors
from qifu.people.schemas import StaffFilter, StaffListOut, StaffOut
from qifu.people.selectors import staff_get, staff_list

router = Router(tags=["staff"])


@router.get("", response={200: list[StaffListOut], **errors()}, summary="List staff in my scope")
@paginate(LimitOffset)
def list_staff(request: HttpRequest, filters: Query[StaffFilter]) -> QuerySet[User]:
    """Staff see every active colleague; an enterprise user sees only its own liaisons."""
    return staff_list(actor=actor_of(request), filters=filters.to_filters())


@router.get("/{username}", response={200: StaffOut, **errors(404)}, summary="One staff member")
def get_staff(request: HttpRequest, username: str) -> User:
    """404 `not_found` when the person is missing, not staff, or outside the caller's scope."""
    return staff_get(actor=actor_of(request), username=username)
