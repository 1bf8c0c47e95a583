"""Staff writes (PRODUCT.md §2.1): a staff user and profile in one step."""

from django.db import transaction

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import STAFF_ROLES
from qifu.accounts.services import user_create
from qifu.audit.services import audit_record
from qifu.core.crypto import blind_index, encrypt_field
from qifu.core.errors import PermissionDenied, RuleViolation
from qifu.people.models import Staff
from qifu.reference.models import Department

PHONE_CTX = "staff.phone"


@transaction.atomic
def staff_create(
    *,
    actor: Actor | None,
    username: str,
    role: str,
    display_name: str,
    department: Department | None = None,
    position: str = "",
    phone: str = "",
    office_phone: str = "",
    password: str | None = None,
    encoded_password: str | None = None,
    must_change_password: bool = True,
) -> User:
    """Only the system admin creates accounts (MC-1); staff roles only; handlers and heads need a department."""
    if actor is not None and actor.role != "sysadmin":
        raise PermissionDenied("only the system administrator creates accounts", code="staff_forbidden")
    if role not in STAFF_ROLES:
        raise RuleViolation(f"{role} is not a staff role", code="staff_role_invalid")
    if role in ("handler", "dept_head") and department is None:
        raise RuleViolation("department handlers and heads need a department", code="staff_department_required")
    user = user_create(
        actor=actor.user if actor else None,
        username=username,
        role=role,
        display_name=display_name,
        department_id=department.pk if department else None,
        password=password,
        encoded_password=encoded_password,
        must_change_password=must_change_password,
    )
    Staff.objects.create(
        user=user,
        department=department,
        position=position,
        phone_enc=encrypt_field(phone, context=PHONE_CTX) if phone else "",
        phone_index=blind_index(phone, context=PHONE_CTX) if phone else "",
        office_phone=office_phone,
    )
    audit_record(actor=actor, action="staff_create", object_type="user", object_id=user.pk, changes={"role": role})
    return user
