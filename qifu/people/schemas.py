"""API shapes for the staff directory (PRODUCT.md §2.1 Staff). Mobile numbers come out masked (PI-2)."""

from typing import Literal

from ninja import Field, Schema

from qifu.accounts.models import User
from qifu.enterprises.services import mask_phone
from qifu.people.selectors import StaffFilters, staff_phone

StaffRole = Literal["cadre", "deputy", "handler", "dept_head", "desk", "leader"]


class StaffFilter(Schema):
    role: StaffRole | None = None
    department: str = Field("", max_length=16, description="department code, e.g. JFJ")
    q: str = Field("", max_length=64, description="name contains")

    def to_filters(self) -> StaffFilters:
        return StaffFilters(role=self.role or "", department=self.department, q=self.q)


class PersonBrief(Schema):
    username: str
    name: str

    @staticmethod
    def of(user: User) -> "PersonBrief":
        return PersonBrief(username=user.username, name=user.name)


class DepartmentBrief(Schema):
    code: str
    name: str


class StaffListOut(Schema):
    username: str
    name: str
    role: str
    department: DepartmentBrief | None
    position: str
    office_phone: str

    @staticmethod
    def resolve_department(obj: User) -> DepartmentBrief | None:
        dept = obj.department
        return DepartmentBrief(code=dept.code, name=dept.name) if dept else None

    @staticmethod
    def resolve_position(obj: User) -> str:
        staff = getattr(obj, "staff", None)
        return staff.position if staff else ""

    @staticmethod
    def resolve_office_phone(obj: User) -> str:
        staff = getattr(obj, "staff", None)
        return staff.office_phone if staff else ""


class StaffOut(StaffListOut):
    phone: str = Field(description="mobile, masked: 138****5678")
    active: bool

    @staticmethod
    def resolve_phone(obj: User) -> str:
        phone = staff_phone(getattr(obj, "staff", None))
        return mask_phone(phone) if phone else ""

    @staticmethod
    def resolve_active(obj: User) -> bool:
        staff = getattr(obj, "staff", None)
        return bool(obj.is_active and (staff.active if staff else True))
