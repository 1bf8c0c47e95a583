"""API shapes for reference data (taxonomy.yaml): departments with their request categories."""

from ninja import Schema

from qifu.reference.models import Department


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    days: int


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    is_service_desk: bool
    categories: list[CategoryOut]

    @staticmethod
    def resolve_categories(obj: Department) -> list[CategoryOut]:
        # `active_categories` is prefetched by department_list: no query per department.
        return [CategoryOut.model_validate(c, from_attributes=True) for c in getattr(obj, "active_categories", [])]
