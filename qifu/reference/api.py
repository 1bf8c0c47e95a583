"""/api/v1/departments: reference data every signed-in user may read (not business data)."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from qifu.core.pagination import LimitOffset
from qifu.core.schemas import errors
from qifu.reference.models import Department
from qifu.reference.schemas import DepartmentOut
from qifu.reference.selectors import department_list

router = Router(tags=["reference"])


@router.get("", response={200: list[DepartmentOut], **errors()}, summary="Departments and their categories")
@paginate(LimitOffset)
def list_departments(request: HttpRequest) -> list[Department]:
    """Active departments in display order, each with the request categories it leads by default."""
    return department_list()
