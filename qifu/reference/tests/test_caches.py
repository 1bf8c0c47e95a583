"""The per-process reference caches (departments with their categories, service lists) are read
once and forgotten whenever the admin saves or deletes a row, so an edit shows at once."""

from qifu.reference.models import Category, Department, ServiceList
from qifu.reference.selectors import department_list, service_list_ids, service_list_names


def test_the_department_list_is_read_once(db, django_assert_num_queries):
    department_list()
    with django_assert_num_queries(0):
        departments = department_list()
    assert departments and all(hasattr(d, "active_categories") for d in departments)


def test_saving_a_department_or_category_shows_at_once(db):
    department = department_list()[0]
    row = Department.objects.get(pk=department.pk)
    row.name = "改名后的部门"
    row.save()
    assert department_list()[0].name == "改名后的部门"

    category = Category.objects.filter(department=row, active=True).first()
    assert category is not None
    category.active = False
    category.save()
    codes = {c.code for c in department_list()[0].active_categories}
    assert category.code not in codes


def test_deactivating_a_department_drops_it(db):
    first = department_list()[0]
    row = Department.objects.get(pk=first.pk)
    row.active = False
    row.save()
    assert first.pk not in {d.pk for d in department_list()}


def test_service_list_names_follow_an_edit(db):
    names = service_list_names()
    code = next(iter(names))
    row = ServiceList.objects.get(code=code)
    row.name = "改名后的清单"
    row.save()
    assert service_list_names()[code] == "改名后的清单"
    assert service_list_ids()[code] == row.pk
