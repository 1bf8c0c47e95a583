"""/api/v1/safety: checklists, the check of a visit, rectifications and their actions."""

from typing import Any

from qifu.safety.models import Rectification, RectState, SafetyCheck
from qifu.safety.tests.conftest import answers, at, given_check, given_visit
from qifu.visits.models import VisitKind

API = "/api/v1/safety"


def _body(enterprise, fail: str = "S05") -> dict[str, Any]:
    rows = []
    for r in answers(enterprise, {fail: 5}):
        rows.append({"item": r.item_id, "outcome": r.outcome, "note": r.note, "days": r.days})
    return {"results": rows}


def test_checklists_for_staff(cast, api_as) -> None:
    response = api_as(cast.liaison_a).get(f"{API}/checklists")
    assert response.status_code == 200
    first = response.json()[0]
    assert first["items"][0]["code"] == "S01" and {"severity", "days"} <= set(first["items"][0])
    assert api_as(cast.sysadmin).get(f"{API}/checklists").status_code == 403


def test_post_a_check_and_read_it_back(cast, api_as) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    response = api_as(cast.liaison_a).post(f"{API}/visits/{visit.pk}/check", _body(cast.a))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["failed"] == 1 and body["enterprise"] == cast.a.uscc
    failed = [r for r in body["results"] if r["outcome"] == "fail"]
    assert failed[0]["rectification"] is not None
    assert api_as(cast.ent_a).get(f"{API}/visits/{visit.pk}/check").status_code == 200
    assert api_as(cast.ent_b).get(f"{API}/visits/{visit.pk}/check").json()["code"] == "not_found"


def test_check_errors_are_coded_and_write_nothing(cast, ahj, api_as) -> None:
    routine = given_visit(cast.a, cast.liaison_a, kind=VisitKind.ROUTINE)
    response = api_as(cast.liaison_a).post(f"{API}/visits/{routine.pk}/check", _body(cast.a))
    assert response.status_code == 422 and response.json()["code"] == "not_safety_visit" and response.json()["detail"]
    visit = given_visit(cast.a, cast.liaison_a)
    response = api_as(ahj.handler).post(f"{API}/visits/{visit.pk}/check", _body(cast.a))
    assert response.status_code == 403 and response.json()["code"] == "not_on_visit"
    bad = _body(cast.a)
    bad["results"].append({"item": 987654, "outcome": "pass"})
    response = api_as(cast.liaison_a).post(f"{API}/visits/{visit.pk}/check", bad)
    assert response.status_code == 422 and response.json()["code"] == "unknown_item"
    assert not SafetyCheck.objects.exists()


def test_rectifications_list_detail_and_actions(cast, ahj, api_as, django_assert_max_num_queries) -> None:
    for day in (2, 3, 4):
        given_check(given_visit(cast.a, cast.liaison_a, when=at(2026, 11, day)), cast.liaison_a, fail={"S05": 5})
    client = api_as(cast.ent_a)
    with django_assert_max_num_queries(6):
        page = client.get(f"{API}/rectifications").json()
    assert page["count"] == 3 and len(page["items"]) == 3
    first = page["items"][0]
    assert {"due", "state", "overdue", "hazard", "severity"} <= set(first)
    rid = first["id"]
    assert client.get(f"{API}/rectifications/{rid}").json()["state"] == "open"
    done = client.post(f"{API}/rectifications/{rid}/actions", {"action": "submit", "note": "已整改"})
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    refused = client.post(f"{API}/rectifications/{rid}/actions", {"action": "verify"})
    assert refused.status_code == 409 and refused.json()["code"] == "action_not_allowed"
    ok = api_as(ahj.head).post(f"{API}/rectifications/{rid}/actions", {"action": "verify", "note": "合格"})
    assert ok.json()["state"] == "verified"
    assert api_as(cast.ent_b).get(f"{API}/rectifications/{rid}").status_code == 404
    other = api_as(cast.ent_b).post(f"{API}/rectifications/{rid}/actions", {"action": "submit", "note": "x"})
    assert other.status_code == 404
    assert client.get(f"{API}/rectifications", {"state": "verified"}).json()["count"] == 1
    assert client.get(f"{API}/rectifications", {"severity": "general"}).json()["count"] == 0
    assert Rectification.objects.filter(state=RectState.OPEN).count() == 2
