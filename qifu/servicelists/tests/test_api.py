"""/api/v1 lists, members, an enterprise's history, manual overrides: shapes, codes, scope, queries."""

from collections.abc import Callable

import pytest

from qifu.audit.models import AuditEntry
from qifu.conftest import ApiClient, Cast
from qifu.servicelists.models import ListOverride, Membership
from qifu.servicelists.services import evaluate_month
from qifu.servicelists.tests.conftest import M1, M

pytestmark = pytest.mark.django_db
Api = Callable[..., ApiClient]


@pytest.fixture
def evaluated(declining_world: Callable[[int], Cast]) -> Cast:
    cast = declining_world(1)
    evaluate_month(month=M1)  # B
    evaluate_month(month=M)  # A and B
    return cast


def test_lists_answer_the_four_with_counts_movements_and_strategy(
    evaluated: Cast, api_as: Api, django_assert_max_num_queries
):
    leader = api_as(evaluated.leader)
    with django_assert_max_num_queries(8):  # the bearer token is resolved cold on every call
        body = leader.get("/api/v1/lists").json()
    assert [x["code"] for x in body] == ["key_core", "fast_growing", "new_growth", "declining"]
    declining = body[3]
    assert (declining["month"], declining["members"], declining["entered"], declining["left"]) == ("2026-09", 2, 1, 0)
    assert declining["rule"]["months"] == 1 and declining["rule"]["conditions"]["field"] == "revenue_yoy"
    assert declining["strategy"] == {
        "visit_interval_days": 15,
        "notify": ["liaison", "department"],
        "text": "半月内上门",
    }


def test_members_by_month_paged_and_scoped(evaluated: Cast, api_as: Api, django_assert_max_num_queries):
    desk = api_as(evaluated.desk)
    with django_assert_max_num_queries(6):
        now = desk.get("/api/v1/lists/declining/members?limit=1").json()
    assert now["month"] == "2026-09" and now["count"] == 2 and len(now["items"]) == 1
    before = desk.get("/api/v1/lists/declining/members?month=2026-08").json()
    assert [i["uscc"] for i in before["items"]] == [evaluated.b.uscc]
    assert before["items"][0]["source"] == "rule" and "✓" in before["items"][0]["reason"]
    assert before["items"][0]["liaison"] == "挂钩干部乙"
    mine = api_as(evaluated.liaison_a).get("/api/v1/lists/declining/members").json()
    assert [i["uscc"] for i in mine["items"]] == [evaluated.a.uscc]
    bad = desk.get("/api/v1/lists/declining/members?month=2026-13")
    assert bad.status_code == 422 and bad.json()["code"] == "list_bad_month"
    assert desk.get("/api/v1/lists/nope/members").status_code == 404


@pytest.mark.parametrize("who", ["ent_a", "sysadmin", "auditor"])
def test_enterprise_users_and_admins_see_no_list(evaluated: Cast, api_as: Api, who: str):
    client = api_as(evaluated.all_users[who])
    for path in ("/api/v1/lists", "/api/v1/lists/declining/members", f"/api/v1/enterprises/{evaluated.a.uscc}/lists"):
        answer = client.get(path)
        assert answer.status_code == 404 and answer.json()["code"] == "not_found", path


def test_an_enterprises_history_newest_first(evaluated: Cast, api_as: Api):
    body = api_as(evaluated.desk).get(f"/api/v1/enterprises/{evaluated.b.uscc}/lists").json()
    assert [(i["month"], i["code"]) for i in body["items"]] == [("2026-09", "declining"), ("2026-08", "declining")]
    # outside a liaison's scope: 404 like a missing enterprise
    assert api_as(evaluated.liaison_a).get(f"/api/v1/enterprises/{evaluated.b.uscc}/lists").status_code == 404


def test_overrides_post_and_delete(evaluated: Cast, api_as: Api):
    desk = api_as(evaluated.desk)
    path = "/api/v1/lists/declining/overrides"
    created = desk.post(path, {"uscc": evaluated.c.uscc, "action": "add", "reason": "企业主动求助"})
    assert created.status_code == 201
    assert created.json()["action"] == "add" and created.json()["withdrawn_at"] is None
    assert Membership.objects.filter(month=M, enterprise=evaluated.c, source="manual").exists()
    twin = desk.post(path, {"uscc": evaluated.c.uscc, "action": "remove", "reason": "x"})
    assert twin.status_code == 409 and twin.json()["code"] == "list_override_open"
    no_reason = desk.post(path, {"uscc": evaluated.a.uscc, "action": "remove", "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "list_reason_required"
    liaison_api = api_as(evaluated.liaison_a)
    audits = AuditEntry.objects.count()
    liaison = liaison_api.post(path, {"uscc": evaluated.a.uscc, "action": "remove", "reason": "x"})
    assert liaison.status_code == 403 and liaison.json()["code"] == "list_override_forbidden"
    assert AuditEntry.objects.count() == audits and ListOverride.objects.count() == 1
    # withdraw
    gone = desk.delete(f"{path}/{evaluated.c.uscc}")
    assert gone.status_code == 200 and gone.json()["withdrawn_at"] is not None
    again = desk.delete(f"{path}/{evaluated.c.uscc}")
    assert again.status_code == 404 and again.json()["code"] == "list_override_missing"
    evaluate_month(month=M)
    assert not Membership.objects.filter(month=M, enterprise=evaluated.c).exists()
