"""The Actor: who is acting, resolved once per request, and what they may see.

Every selector starts from a `scope_*` function in `access.scopes`; this module only describes the
person. `Actor` is cheap to build (no queries beyond the user row already loaded).
"""

from dataclasses import dataclass

from qifu.accounts.models import User
from qifu.accounts.roles import (
    ADMIN_ROLES,
    DEPARTMENT_ROLES,
    LIAISON_ROLES,
    STAFF_ROLES,
    ZONE_WIDE_ROLES,
    Role,
)


@dataclass(frozen=True)
class Actor:
    user: User
    role: str
    department_id: int | None
    enterprise_id: int | None

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(
            user=user,
            role=user.role,
            department_id=user.department_id,
            enterprise_id=user.enterprise_id,
        )

    @property
    def id(self) -> int:
        return int(self.user.pk)

    @property
    def dept(self) -> int:
        """The department id for lookups; 0 (no row) for people without a department."""
        return self.department_id or 0

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_liaison(self) -> bool:
        return self.role in LIAISON_ROLES

    @property
    def is_department(self) -> bool:
        return self.role in DEPARTMENT_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_zone_wide(self) -> bool:
        return self.role in ZONE_WIDE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def can_manage_registry(self) -> bool:
        """Create and edit enterprises and projects, import, manage linkage: the service desk."""
        return self.role == Role.DESK
