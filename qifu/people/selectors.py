"""Staff directory reads, scoped (staff see colleagues; an enterprise sees its own liaisons)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from qifu.access.actor import Actor
from qifu.access.scopes import scope_staff
from qifu.accounts.models import User
from qifu.core.crypto import decrypt_field
from qifu.core.errors import NotFound
from qifu.people.models import Staff
from qifu.people.services import PHONE_CTX


@dataclass(frozen=True)
class StaffFilters:
    role: str = ""
    department: str = ""  # department code
    q: str = ""


def staff_list(*, actor: Actor, filters: StaffFilters | None = None) -> QuerySet[User]:
    f = filters or StaffFilters()
    qs = scope_staff(actor)
    if f.role:
        qs = qs.filter(role=f.role)
    if f.department:
        qs = qs.filter(department__code=f.department.upper())
    if f.q:
        qs = qs.filter(display_name__icontains=f.q)
    return qs.select_related("department", "staff").order_by("department__sort", "username")


def staff_get(*, actor: Actor, username: str) -> User:
    user = scope_staff(actor).select_related("department", "staff").filter(username=username).first()
    if user is None:
        raise NotFound("staff not found")
    return user


def staff_phone(staff: Staff | None) -> str:
    """The liaison's mobile number (shown to their enterprises: the link is two-way)."""
    if staff is None or not staff.phone_enc:
        return ""
    return decrypt_field(staff.phone_enc, context=PHONE_CTX)
