"""Indicator pages: who may edit an enterprise-month (the matrix), the edit form (audited, derived
figures recomputed on save), the upload page, and the 360 page's chart data."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from qifu.access.scopes import may_edit_indicators_of
from qifu.audit.models import AuditEntry
from qifu.core.errors import PermissionDenied, RuleViolation
from qifu.indicators.models import IndicatorDerived, MonthlyIndicator
from qifu.indicators.services import indicator_set
from qifu.indicators.tests.helpers import csv_file, next_month, row

# Who writes A's indicators: its liaison, the desk, the economic department — no one else.
EDITS_A = {
    "desk": True,
    "jfj_handler": True,
    "jfj_head": True,
    "liaison_a": True,
    "liaison_b": False,  # B's liaison
    "deputy": False,  # C's
    "kjj_handler": False,  # reads A (its task force), does not write
    "kjj_head": False,
    "leader": False,  # reads everything, writes nothing
    "ent_a": False,  # the enterprise itself reads only
    "ent_b": False,
    "sysadmin": False,
    "secadmin": False,
    "auditor": False,
}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "allowed"), list(EDITS_A.items()))
def test_edit_permission_matrix_case(cast, role, allowed):
    user = getattr(cast, role)
    url = reverse("indicators:edit", args=[cast.a.uscc]) + "?month=2026-02"
    client = _client(user)  # the sign-in is audited; the rest is counted after it
    audits = AuditEntry.objects.count()
    # the rule
    assert may_edit_indicators_of(cast.actor(user), cast.a.pk) is allowed
    # the page
    page = client.get(url)
    assert page.status_code == (200 if allowed else 404)
    # the service
    if allowed:
        indicator_set(actor=cast.actor(user), enterprise=cast.a, month=date(2026, 2, 1), values={"revenue": Decimal(9)})
        assert MonthlyIndicator.objects.get(enterprise=cast.a).revenue == Decimal(9)
    else:
        with pytest.raises(PermissionDenied):
            indicator_set(
                actor=cast.actor(user), enterprise=cast.a, month=date(2026, 2, 1), values={"revenue": Decimal(9)}
            )
        assert MonthlyIndicator.objects.count() == 0
        assert AuditEntry.objects.count() == audits


def test_edit_form_saves_audits_and_recomputes_the_enterprise(cast):
    client = _client(cast.liaison_a)
    url = reverse("indicators:edit", args=[cast.a.uscc])
    client.post(url, {"month": "2025-06", "revenue": "100"})
    audits = AuditEntry.objects.count()
    # when June 2026 is entered
    response = client.post(url, {"month": "2026-06", "revenue": "130", "output": "", "employees": "40"})
    # then it is stored (empty = missing), derived against June 2025, audited once
    assert response.status_code == 302
    stored = MonthlyIndicator.objects.get(enterprise=cast.a, month=date(2026, 6, 1))
    assert (stored.revenue, stored.output, stored.employees) == (Decimal(130), None, 40)
    assert IndicatorDerived.objects.get(indicator=stored).revenue_yoy == Decimal("0.3")
    entries = list(AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - audits])
    assert [e.action for e in entries] == ["indicator_set"]
    assert entries[0].changes["revenue"] == [None, "130"] and entries[0].changes["month"] == "2026-06"
    # and correcting June 2025 moves June 2026's yoy too
    client.post(url, {"month": "2025-06", "revenue": "65"})
    assert IndicatorDerived.objects.get(indicator=stored).revenue_yoy == Decimal(1)


def test_edit_form_refuses_negative_and_future_months(cast):
    client = _client(cast.desk)
    url = reverse("indicators:edit", args=[cast.a.uscc])
    negative = client.post(url, {"month": "2026-01", "revenue": "-1"})
    assert negative.status_code == 422
    future = client.post(url, {"month": f"{next_month():%Y-%m}", "revenue": "1"})
    assert future.status_code == 422
    assert "未来" in future.content.decode()
    assert MonthlyIndicator.objects.count() == 0
    with pytest.raises(RuleViolation) as exc:
        indicator_set(actor=cast.actor(cast.desk), enterprise=cast.a, month=next_month(), values={})
    assert exc.value.code == "indicator_future_month"


def test_import_page_reports_row_and_column(cast):
    client = _client(cast.jfj_handler)
    page = reverse("indicators:import")
    assert client.get(page).status_code == 200
    upload = csv_file([row(cast.a.uscc, "2026-01"), row(cast.b.uscc, "2026-01", "-2")])
    upload.name = "指标.csv"
    response = client.post(page, {"kind": "indicators", "file": upload})
    html = response.content.decode()
    assert "文件未导入" in html and "第3行" in html and "营业收入(万元)" in html
    assert MonthlyIndicator.objects.count() == 0
    assert client.get(reverse("indicators:template", args=["indicators"])).status_code == 200
    assert _client(cast.leader).get(page).status_code == 404


def test_360_page_shows_the_chart_data_and_table(cast):
    client = _client(cast.ent_a)
    indicator_set(actor=cast.actor(cast.desk), enterprise=cast.a, month=_months_ago(2), values={"revenue": Decimal(88)})
    html = client.get(reverse("enterprises:detail", args=[cast.a.uscc])).content.decode()
    match = re.search(r'<script id="indicator-data" type="application/json">(.*?)</script>', html)
    assert match is not None
    data = json.loads(match.group(1))
    assert len(data["labels"]) == 24 and data["labels"][-3] == f"{_months_ago(2):%Y-%m}"
    assert data["revenue"][-3] == 88.0 and data["revenue"][-1] is None
    assert 'id="indicator-table"' in html and "echarts.min.js" in html
    assert reverse("indicators:edit", args=[cast.a.uscc]) not in html  # the enterprise reads only
    liaison_html = _client(cast.liaison_a).get(reverse("enterprises:detail", args=[cast.a.uscc])).content.decode()
    assert reverse("indicators:edit", args=[cast.a.uscc]) in liaison_html


def test_360_page_without_indicators_says_so(cast):
    html = _client(cast.desk).get(reverse("enterprises:detail", args=[cast.b.uscc])).content.decode()
    assert "近24个月暂无月度指标" in html and "indicator-data" not in html


def _months_ago(n: int) -> date:
    from qifu.indicators.services import current_month

    this = current_month()
    key = this.year * 12 + this.month - 1 - n
    return date(key // 12, key % 12 + 1, 1)
