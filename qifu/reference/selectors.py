"""Reference data reads. Departments and categories are not business data: every signed-in user sees them."""

from django.db.models import Prefetch, QuerySet

from qifu.reference.models import Category, Department


def department_list() -> QuerySet[Department]:
    """Active departments in display order, each with its active categories (`active_categories`)."""
    categories = Category.objects.filter(active=True).order_by("sort", "code")
    return (
        Department.objects.filter(active=True)
        .prefetch_related(Prefetch("category_set", queryset=categories, to_attr="active_categories"))
        .order_by("sort", "code")
    )
