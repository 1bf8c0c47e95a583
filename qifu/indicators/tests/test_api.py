"""/api/v1 indicators: the scoped list, the bulk upsert (all or nothing, row errors with index and
field), project investment; query counts."""

from datetime import date
from decimal import Decimal

import pytest

from qifu.audit.models import AuditEntry
from qifu.indicators.models import IndicatorDerived, MonthlyIndicator
from qifu.indicators.tests.helpers import next_month

URL = "/api/v1/indicators"


def put_rows(api, rows):
    return api.put(URL, rows)


def a_row(uscc: str, month: str, **values):
    return {"uscc": uscc, "month": month, **values}


def test_upsert_creates_then_updates_and_derives(cast, api_as):
    api = api_as(cast.desk)
    # when two years of A are sent
    response = put_rows(api, [a_row(cast.a.uscc, "2025-04", revenue="50"), a_row(cast.a.uscc, "2026-04", revenue="60")])
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    derived = IndicatorDerived.objects.get(enterprise=cast.a, month=date(2026, 4, 1))
    assert derived.revenue_yoy == Decimal("0.2")
    # and a second call changes one value, leaves the other alone
    again = put_rows(api, [a_row(cast.a.uscc, "2025-04", revenue="50"), a_row(cast.a.uscc, "2026-04", revenue="40")])
    assert again.json() == {"created": 0, "updated": 1, "unchanged": 1}
    derived.refresh_from_db()
    assert derived.revenue_yoy == Decimal("-0.2")


def test_omitted_field_keeps_value_and_null_clears(cast, api_as):
    api = api_as(cast.desk)
    put_rows(api, [a_row(cast.a.uscc, "2026-01", revenue="5", tax="1")])
    put_rows(api, [a_row(cast.a.uscc, "2026-01", tax=None)])
    stored = MonthlyIndicator.objects.get(enterprise=cast.a)
    assert (stored.revenue, stored.tax) == (Decimal(5), None)


RULE_ERRORS = [
    pytest.param(
        lambda c: a_row("91320583000000999X", "2026-01"), "uscc", "indicator_unknown_enterprise", id="unknown_uscc_case"
    ),
    pytest.param(
        lambda c: a_row(c.a.uscc, f"{next_month():%Y-%m}"), "month", "indicator_future_month", id="future_case"
    ),
]


@pytest.mark.parametrize(("make", "field", "code"), RULE_ERRORS)
def test_rule_errors_name_index_and_field_and_write_nothing(cast, api_as, make, field, code):
    api = api_as(cast.desk)
    audits = AuditEntry.objects.count()
    response = put_rows(api, [a_row(cast.b.uscc, "2026-01", revenue="1"), make(cast)])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "indicator_rows_invalid"
    assert [(e["index"], e["field"], e["code"]) for e in body["errors"]] == [(1, field, code)]
    assert MonthlyIndicator.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_duplicate_rows_are_refused_at_both_indexes(cast, api_as):
    response = put_rows(api_as(cast.desk), [a_row(cast.a.uscc, "2026-01"), a_row(cast.a.uscc.lower(), "2026-01")])
    assert response.status_code == 422
    assert [(e["index"], e["code"]) for e in response.json()["errors"]] == [
        (0, "indicator_duplicate_row"),
        (1, "indicator_duplicate_row"),
    ]
    assert MonthlyIndicator.objects.count() == 0


SHAPE_ERRORS = [
    pytest.param({"revenue": "-1"}, "revenue", id="negative_case"),
    pytest.param({"revenue": "abc"}, "revenue", id="not_a_number_case"),
    pytest.param({"month": "2026-13"}, "month", id="bad_month_case"),
    pytest.param({"employees": 2.5}, "employees", id="fractional_people_case"),
    pytest.param({"colour": "red"}, "colour", id="unknown_field_case"),
]


@pytest.mark.parametrize(("over", "field"), SHAPE_ERRORS)
def test_shape_errors_answer_invalid_with_the_index_and_field(cast, api_as, over, field):
    rows = [a_row(cast.a.uscc, "2026-01"), {**a_row(cast.a.uscc, "2026-02"), **over}]
    response = put_rows(api_as(cast.desk), rows)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert any(e["loc"][-2:] == [1, field] for e in body["errors"]), body["errors"]
    assert MonthlyIndicator.objects.count() == 0


@pytest.mark.parametrize("role", ["leader", "ent_a", "kjj_handler", "kjj_head", "sysadmin"])
def test_people_who_report_nothing_get_403_case(cast, api_as, role):
    response = put_rows(api_as(getattr(cast, role)), [a_row(cast.a.uscc, "2026-01")])
    assert response.status_code == 403
    assert response.json()["code"] == "indicator_edit_forbidden"
    assert MonthlyIndicator.objects.count() == 0


def test_liaison_reports_only_for_linked_enterprises(cast, api_as):
    api = api_as(cast.liaison_a)
    refused = put_rows(api, [a_row(cast.a.uscc, "2026-01"), a_row(cast.b.uscc, "2026-01")])
    assert refused.status_code == 422
    assert [(e["index"], e["code"]) for e in refused.json()["errors"]] == [(1, "indicator_unknown_enterprise")]
    assert put_rows(api, [a_row(cast.a.uscc, "2026-01", revenue="3")]).status_code == 200


def _seed_months(cast, enterprise, n: int) -> None:
    from qifu.indicators.services import IndicatorInput, indicator_rows_check, indicator_rows_write

    actor = cast.actor(cast.desk)
    rows = [
        IndicatorInput(uscc=enterprise.uscc, month=date(2024 + k // 12, k % 12 + 1, 1), values={"revenue": Decimal(k)})
        for k in range(n)
    ]
    indicator_rows_write(actor=actor, checked=indicator_rows_check(actor=actor, rows=rows), source="test")


def test_list_is_newest_first_with_derived_and_paginated(cast, api_as):
    _seed_months(cast, cast.a, 14)
    body = api_as(cast.liaison_a).get(f"/api/v1/enterprises/{cast.a.uscc}/indicators", {"limit": 3}).json()
    assert body["count"] == 14
    assert [item["month"] for item in body["items"]] == ["2025-02", "2025-01", "2024-12"]
    first = body["items"][0]
    assert first["revenue"] == "13.00"
    assert first["derived"]["revenue_yoy"] == "12.000000"  # 13 against 1 (2024-02)
    assert first["derived"]["revenue_ytd"] == "25.0000"  # 12 + 13


def test_list_query_count_does_not_grow_with_rows(cast, api_as, django_assert_num_queries):
    api = api_as(cast.liaison_a)
    url = f"/api/v1/enterprises/{cast.a.uscc}/indicators"
    _seed_months(cast, cast.a, 2)
    api.get(url)
    # the token (with its user), the enterprise, the count, the page (with the derived rows joined)
    with django_assert_num_queries(4):
        assert api.get(url, {"limit": 50}).json()["count"] == 2
    _seed_months(cast, cast.a, 24)
    with django_assert_num_queries(4):
        assert len(api.get(url, {"limit": 50}).json()["items"]) == 24


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("ent_a", True),
        ("ent_b", False),
        ("liaison_a", True),
        ("liaison_b", False),
        ("kjj_handler", True),  # A's task force
        ("kjj_head", False),
        ("jfj_handler", True),  # the economic department reads every enterprise's
        ("leader", True),
        ("desk", True),
        ("auditor", False),
    ],
)
def test_who_reads_a_indicators_case(cast, api_as, role, visible):
    _seed_months(cast, cast.a, 1)
    response = api_as(getattr(cast, role)).get(f"/api/v1/enterprises/{cast.a.uscc}/indicators")
    assert response.status_code == (200 if visible else 404)
    if not visible:
        assert response.json()["code"] == "not_found" and cast.a.uscc not in response.content.decode()


def test_project_investment_list(cast, api_as):
    from qifu.indicators.services import InvestmentInput, investment_rows_check, investment_rows_write

    desk = cast.actor(cast.desk)
    rows = [
        InvestmentInput(project_code=cast.project_a.code, month=date(2026, m, 1), invested=Decimal(m * 10))
        for m in (1, 2)
    ]
    investment_rows_write(actor=desk, checked=investment_rows_check(actor=desk, rows=rows), source="test")
    body = api_as(cast.liaison_a).get(f"/api/v1/projects/{cast.project_a.code}/investment").json()
    assert body == {
        "items": [{"month": "2026-02", "invested": "20.00"}, {"month": "2026-01", "invested": "10.00"}],
        "count": 2,
    }
    assert api_as(cast.liaison_b).get(f"/api/v1/projects/{cast.project_a.code}/investment").status_code == 404
    assert api_as(cast.jfj_head).get(f"/api/v1/projects/{cast.project_a.code}/investment").status_code == 200


def test_openapi_documents_the_formats(cast, api_as):
    schema = api_as(cast.desk).get("/api/v1/openapi.json").json()
    assert {"IndicatorIn", "IndicatorOut", "DerivedOut", "InvestmentOut"} <= set(schema["components"]["schemas"])
    assert "put" in schema["paths"]["/api/v1/indicators"]
