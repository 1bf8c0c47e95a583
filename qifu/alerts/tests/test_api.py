"""/api/v1/alerts: list with filters and pages, detail, actions (409 with a stable code), rules."""

from datetime import date

import pytest
import time_machine

from qifu.alerts.models import AlarmRule, Alert, AlertKind, AlertState
from qifu.alerts.services import alerts_scan
from qifu.alerts.tests.conftest import TODAY, set_rules
from qifu.audit.models import AuditEntry


@pytest.fixture
def raised(cast, revenue_world, orphan):
    """Three open alerts: A's milestone and indicator (liaison_a), the orphan's indicator (desk)."""
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))
    alerts_scan(today=TODAY)
    return cast


@time_machine.travel(date(2026, 10, 14), tick=False)
def test_list_filters_and_page(raised, api_as):
    desk = api_as(raised.desk)
    body = desk.get("/api/v1/alerts").json()
    assert body["count"] == 3 and len(body["items"]) == 3
    assert [r["due_on"] for r in body["items"]] == sorted(r["due_on"] for r in body["items"])
    only = desk.get("/api/v1/alerts", {"kind": "milestone"}).json()
    assert only["count"] == 1 and only["items"][0]["project"] == "XM-2026-001"
    page = desk.get("/api/v1/alerts", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert desk.get("/api/v1/alerts", {"overdue": 1}).json()["count"] == 0  # due 2026-10-19
    row = desk.get("/api/v1/alerts", {"kind": "indicator"}).json()["items"][0]
    assert row["facts"]["field"] == "revenue_yoy" and row["overdue"] is False


@time_machine.travel(date(2026, 10, 20), tick=False)
def test_overdue_filter(raised, api_as):
    body = api_as(raised.liaison_a).get("/api/v1/alerts", {"overdue": "true"}).json()
    assert body["count"] == 2 and all(r["overdue"] for r in body["items"])


@pytest.mark.parametrize("query", [{"kind": "weather"}, {"state": "closed"}], ids=["kind_case", "state_case"])
def test_bad_filter_is_422_with_code(raised, api_as, query):
    response = api_as(raised.desk).get("/api/v1/alerts", query)
    assert response.status_code == 422 and response.json()["code"] == "alert_bad_filter"


def test_list_query_count_is_bounded(raised, api_as, django_assert_max_num_queries):
    api = api_as(raised.liaison_a)
    with django_assert_max_num_queries(6):  # token, user, count, page (with its joins)
        assert api.get("/api/v1/alerts", {"state": "all"}).status_code == 200


def test_action_done_then_409(raised, api_as):
    # given
    api = api_as(raised.liaison_a)
    alert = Alert.objects.filter(kind=AlertKind.MILESTONE).get()

    # when
    done = api.post(f"/api/v1/alerts/{alert.pk}/actions", {"action": "done", "note": "已走访"})
    audits = AuditEntry.objects.count()
    again = api.post(f"/api/v1/alerts/{alert.pk}/actions", {"action": "dismiss", "note": "重复"})

    # then
    assert done.status_code == 200 and done.json()["state"] == "done" and done.json()["note"] == "已走访"
    assert again.status_code == 409 and again.json()["code"] == "alert_illegal_transition"
    alert.refresh_from_db()
    assert alert.state == AlertState.DONE and alert.close_note == "已走访"
    assert AuditEntry.objects.count() == audits


def test_action_refusals(raised, api_as):
    alert = Alert.objects.filter(kind=AlertKind.MILESTONE).get()
    url = f"/api/v1/alerts/{alert.pk}/actions"
    no_reason = api_as(raised.liaison_a).post(url, {"action": "dismiss", "note": ""})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "alert_note_required"
    leader = api_as(raised.leader).post(url, {"action": "done"})
    assert leader.status_code == 403 and leader.json()["code"] == "alert_action_forbidden"
    assert api_as(raised.liaison_b).post(url, {"action": "done"}).status_code == 404
    assert api_as(raised.liaison_a).post(url, {"action": "reopen"}).status_code == 422
    assert Alert.objects.get(pk=alert.pk).state == AlertState.OPEN


def test_rules_get_and_put(cast, api_as):
    # the shipped defaults (data migration)
    got = api_as(cast.liaison_a).get("/api/v1/alerts/rules").json()
    assert {r["field"]: r["threshold"] for r in got} == {
        "electricity_yoy": "-0.400000", "revenue_ytd_yoy": "-0.300000", "tax_ytd_yoy": "-0.300000",
    }  # fmt: skip
    # the desk replaces the set
    put = api_as(cast.desk).put(
        "/api/v1/alerts/rules", {"rules": [{"field": "output_ytd_yoy", "comparison": "lt", "threshold": "-0.25"}]}
    )
    assert put.status_code == 200
    assert list(AlarmRule.objects.values_list("field", "comparison", "active")) == [("output_ytd_yoy", "lt", True)]
    assert AuditEntry.objects.filter(action="alarm_rules_set").count() == 1


def test_rules_put_refusals_change_nothing(cast, api_as):
    before = list(AlarmRule.objects.values_list("field", "threshold"))
    liaison = api_as(cast.liaison_a).put("/api/v1/alerts/rules", {"rules": []})
    assert liaison.status_code == 403 and liaison.json()["code"] == "alert_rules_forbidden"
    bad = api_as(cast.desk).put(
        "/api/v1/alerts/rules",
        {"rules": [
            {"field": "mood_yoy", "comparison": "lt", "threshold": "1"},
            {"field": "tax_yoy", "comparison": "lt", "threshold": "1"},
            {"field": "tax_yoy", "comparison": "lte", "threshold": "2"},
        ]},
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "alert_rules_invalid"
    assert [f["path"] for f in bad.json()["faults"]] == ["rules[0].field", "rules[2].field"]
    assert list(AlarmRule.objects.values_list("field", "threshold")) == before
    assert api_as(cast.ent_a).get("/api/v1/alerts/rules").status_code == 404
