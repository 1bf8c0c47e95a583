"""Reference data reads. Departments and categories are not business data: every signed-in user sees them."""

import time

from django.db.models import Prefetch

from qifu.reference.models import Category, Code, Department, ServiceList

_department_list: tuple[float, list[Department]] | None = None


def department_list() -> list[Department]:
    """Active departments in display order, each with its active categories (`active_categories`),
    from a per-process cache like the ones below (every ledger page and case form lists them)."""
    global _department_list
    now = time.monotonic()
    if _department_list is None or now - _department_list[0] > CACHE_SECONDS:
        categories = Category.objects.filter(active=True).order_by("sort", "code")
        rows = (
            Department.objects.filter(active=True)
            .prefetch_related(Prefetch("category_set", queryset=categories, to_attr="active_categories"))
            .order_by("sort", "code")
        )
        _department_list = (now, list(rows))
    return _department_list[1]


_categories: tuple[float, dict[str, Category]] | None = None
CACHE_SECONDS = 60.0


def category_by_code(code: str) -> Category | None:
    """An active category with its department, from a per-process cache (filing a case must not
    query reference data each time). Saving a category clears it here at once (see apps.py);
    other processes follow within a minute."""
    global _categories
    now = time.monotonic()
    if _categories is None or now - _categories[0] > CACHE_SECONDS:
        rows = Category.objects.select_related("department").filter(active=True)
        _categories = (now, {c.code: c for c in rows})
    return _categories[1].get(code)


_departments: tuple[float, dict[int, Department]] | None = None


def department_by_id(department_id: int) -> Department | None:
    """A department from the same kind of per-process cache (a new case's timeline names the
    filer's department without a query)."""
    global _departments
    now = time.monotonic()
    if _departments is None or now - _departments[0] > CACHE_SECONDS:
        _departments = (now, {d.pk: d for d in Department.objects.all()})
    return _departments[1].get(department_id)


def service_list_codes() -> tuple[str, ...]:
    """The four service lists' codes (taxonomy.yaml), in display order."""
    return tuple(ServiceList.objects.order_by("sort", "code").values_list("code", flat=True))


_service_lists: tuple[float, dict[str, tuple[int, str]]] | None = None


def _service_list_rows() -> dict[str, tuple[int, str]]:
    """{code: (id, name)} in display order, from the same kind of per-process cache (every policy
    evaluation and every explanation needs them)."""
    global _service_lists
    now = time.monotonic()
    if _service_lists is None or now - _service_lists[0] > CACHE_SECONDS:
        rows = ServiceList.objects.order_by("sort", "code").values_list("code", "id", "name")
        _service_lists = (now, {code: (pk, name) for code, pk, name in rows})
    return _service_lists[1]


def service_list_ids() -> dict[str, int]:
    """{code: id} of the service lists."""
    return {code: pk for code, (pk, _name) in _service_list_rows().items()}


def service_list_names() -> dict[str, str]:
    """{code: name} of the service lists, in display order."""
    return {code: name for code, (_pk, name) in _service_list_rows().items()}


def policy_categories() -> dict[str, str]:
    """{code: Chinese name} of the policy categories (taxonomy.yaml `policy_categories`)."""
    return dict(
        Code.objects.filter(kind=Code.Kind.POLICY_CATEGORY).order_by("sort", "code").values_list("code", "name")
    )


def reference_cache_clear(**_: object) -> None:
    global _categories, _departments, _service_lists, _department_list
    _categories = None
    _department_list = None
    _departments = None
    _service_lists = None
