"""List rows read without model instances (cases/rows.py) and the cached filter options
(reference/templatetags/reference_options.py): the same markup as a `Case`, escaped, and never stale."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qifu.cases.models import Case
from qifu.cases.rows import CaseRow, case_rows
from qifu.cases.templatetags.case_lists import case_rows as render_rows
from qifu.cases.tests.conftest import file
from qifu.reference.models import Department
from qifu.reference.selectors import department_list
from qifu.reference.templatetags.reference_options import category_options, department_options

BJ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BJ), tick=False):
        yield


def test_a_row_read_by_values_renders_as_the_case_itself(cast):
    case = file(cast, title="<script>alert(1)</script>厂区用电")
    Case.objects.filter(pk=case.pk).update(supervised=True, green_channel=True)
    loaded = Case.objects.select_related("enterprise", "category", "lead_department").get(pk=case.pk)
    row = case_rows(Case.objects.filter(pk=case.pk))[case.pk]
    assert isinstance(row, CaseRow)
    assert row == CaseRow.of(loaded)
    html = render_rows([row], show_enterprise=True)
    assert html == render_rows([loaded], show_enterprise=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert cast.a.name in html and "督办" in html and "待受理" in html and "qf-row-green" in html


def test_state_badges_follow_the_language(cast):
    case = file(cast)
    row = case_rows(Case.objects.filter(pk=case.pk))[case.pk]
    with translation.override("zh-hans"):
        assert "待受理" in render_rows([row])
    with translation.override("en"):
        english = render_rows([row])
    assert "待受理" not in english


def test_ledger_and_inbox_pages_show_the_rows(cast):
    case = file(cast, title="乙厂区道路破损")
    client = Client()
    client.force_login(cast.desk)
    html = client.get(reverse("ledger:list")).content.decode()
    assert f'href="/cases/{case.pk}/"' in html and "乙厂区道路破损" in html


def test_filter_options_mark_the_chosen_one_and_follow_a_rename(cast):
    departments = department_list()
    first = departments[0]
    html = department_options(departments, first.code)
    assert f'<option value="{first.code}" selected>' in html
    assert html.count(" selected>") == 1
    assert " selected>" not in department_options(departments, "")
    category = next(c for d in departments for c in getattr(d, "active_categories", []))
    assert f'<option value="{category.code}" selected>' in category_options(departments, category.code)
    # a save clears the department cache: a new list, new markup
    Department.objects.filter(pk=first.pk).update(name="改名后的部门")
    Department.objects.get(pk=first.pk).save()
    assert "改名后的部门" in department_options(department_list(), "")
