"""/api/v1/visits: log, list (filters, fixed queries), detail, rating, plan, coverage, budget;
404 outside the scope; a visibility test per role."""

from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from qifu.accounts.models import User
from qifu.conftest import ApiClient, Cast
from qifu.visits import models as m
from qifu.visits.tests.domain_helpers import NOW, at, backdate_links, counts, log

pytestmark = pytest.mark.django_db
Api = Callable[[User], ApiClient]


@pytest.fixture
def world(cast: Cast) -> Any:
    backdate_links()
    with time_machine.travel(NOW, tick=False):
        yield cast


def _body(cast: Cast, **kw: Any) -> dict[str, Any]:
    return {
        "enterprise": cast.a.uscc,
        "visited_at": "2026-11-10T10:00:00+08:00",
        "kind": "routine",
        "production": "满负荷",
        "problems": [{"text": "用工缺口200人"}],
        **kw,
    }


def test_log_and_read_a_visit(world: Cast, api_as: Api) -> None:
    cast = world
    r = api_as(cast.liaison_a).post("/api/v1/visits", _body(cast, participants=["kjj_handler"]))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["joint"] and len(data["cases"]) == 1 and data["production"] == "满负荷"
    assert {p["username"] for p in data["participants"]} == {"liaison_a", "kjj_handler"}
    got = api_as(cast.ent_a).get(f"/api/v1/visits/{data['id']}")
    assert got.status_code == 200 and got.json()["cases"] == data["cases"]


@pytest.mark.parametrize(
    "who,changes,status,code",
    [
        ("liaison_b", {}, 422, "not_linked"),
        ("liaison_a", {"visited_at": "2026-11-21T10:00:00+08:00"}, 422, "visit_in_future"),
        ("liaison_a", {"participants": ["nobody"]}, 422, "unknown_participant"),
        ("liaison_a", {"enterprise": "91320583MA00000000"}, 404, "not_found"),
        ("ent_a", {}, 404, "not_found"),
        ("sysadmin", {}, 404, "not_found"),
        ("liaison_a", {"kind": "party"}, 422, None),
    ],
)
def test_bad_visits_write_nothing(
    world: Cast, api_as: Api, who: str, changes: dict[str, Any], status: int, code: str | None
) -> None:
    cast = world
    before = counts()
    r = api_as(getattr(cast, who)).post("/api/v1/visits", _body(cast, **changes))
    assert r.status_code == status, r.content
    if code:
        assert r.json()["code"] == code
    assert r.json()["detail"]
    after = counts()
    # a token is created per client; audit rows are the only other thing that may appear (none here)
    assert {k: v for k, v in after.items() if k != "AuditEntry"} == {
        k: v for k, v in before.items() if k != "AuditEntry"
    }


def test_over_budget_through_the_api(world: Cast, api_as: Api) -> None:
    cast = world
    log(cast, visited_at=at(2026, 11, 2))
    log(cast, visited_at=at(2026, 11, 3))
    client = api_as(cast.liaison_a)
    r = client.post("/api/v1/visits", _body(cast, problems=[]))
    assert (r.status_code, r.json()["code"]) == (422, "over_budget_reason_required")
    r = client.post("/api/v1/visits", _body(cast, problems=[], reason="紧急协调停电"))
    assert r.status_code == 201 and r.json()["over_budget"]
    assert api_as(cast.ent_a).get(f"/api/v1/visits/{r.json()['id']}").json()["over_budget_reason"] == ""
    budget = api_as(cast.ent_a).get(f"/api/v1/visits/budget/{cast.a.uscc}").json()
    assert (budget["used"], budget["budget"], budget["over"]) == (3, 2, True)
    assert api_as(cast.ent_b).get(f"/api/v1/visits/budget/{cast.a.uscc}").status_code == 404


def test_list_filters_scope_and_queries(world: Cast, api_as: Api, django_assert_max_num_queries: Any) -> None:
    cast = world
    for day in (2, 3, 4, 5):
        log(cast, visited_at=at(2026, 11, day), requested=True, participant_ids=[cast.kjj_handler.pk])
    log(cast, who="liaison_b", enterprise=cast.b, visited_at=at(2026, 10, 5))
    desk = api_as(cast.desk)
    assert desk.get("/api/v1/visits").json()["count"] == 5
    assert desk.get("/api/v1/visits", {"month": "2026-10"}).json()["count"] == 1
    assert desk.get("/api/v1/visits", {"enterprise": cast.a.uscc, "limit": 2}).json()["count"] == 4
    assert len(desk.get("/api/v1/visits", {"enterprise": cast.a.uscc, "limit": 2}).json()["items"]) == 2
    assert desk.get("/api/v1/visits", {"liaison": "kjj_handler"}).json()["count"] == 4
    assert desk.get("/api/v1/visits", {"liaison": "nobody"}).json()["count"] == 0
    assert desk.get("/api/v1/visits", {"kind": "safety"}).json()["count"] == 0
    assert desk.get("/api/v1/visits", {"month": "2026-13"}).status_code == 422
    with django_assert_max_num_queries(6):
        r = desk.get("/api/v1/visits", {"limit": 50})
    assert len(r.json()["items"]) == 5


VISIBLE = {
    # who: (visits of a seen (4), visit of b seen (1))
    "desk": (True, True),
    "leader": (True, True),
    "liaison_a": (True, False),
    "liaison_b": (False, True),
    "deputy": (False, False),
    "kjj_handler": (True, True),  # KJJ took part in both (the handler in a's, liaison_b in b's)
    "kjj_head": (True, True),
    "jfj_handler": (True, False),  # the liaison_a of a is JFJ: its department took part
    "ent_a": (True, False),
    "ent_b": (False, True),
    "sysadmin": (False, False),
    "secadmin": (False, False),
    "auditor": (False, False),
}


def test_visibility_per_role(world: Cast, api_as: Api) -> None:
    cast = world
    va = log(cast, participant_ids=[cast.kjj_handler.pk])
    vb = log(cast, who="liaison_b", enterprise=cast.b)
    for who, (sees_a, sees_b) in VISIBLE.items():
        client = api_as(getattr(cast, who))
        for visit, sees in ((va, sees_a), (vb, sees_b)):
            status = client.get(f"/api/v1/visits/{visit.pk}").status_code
            if who in ("sysadmin", "secadmin", "auditor") and status == 403:
                continue
            assert status == (200 if sees else 404), (who, visit.pk, status)
        if who not in ("sysadmin", "secadmin", "auditor"):
            ids = {v["id"] for v in client.get("/api/v1/visits").json()["items"]}
            assert ids == {v.pk for v, s in ((va, sees_a), (vb, sees_b)) if s}, who


def test_rating(world: Cast, api_as: Api) -> None:
    cast = world
    visit = log(cast)
    assert api_as(cast.ent_b).post(f"/api/v1/visits/{visit.pk}/rating", {"feedback": "helped"}).status_code == 404
    r = api_as(cast.ent_a).post(f"/api/v1/visits/{visit.pk}/rating", {"feedback": "helped", "comment": "很及时"})
    assert r.status_code == 200 and r.json()["feedback"] == "helped"
    again = api_as(cast.ent_a).post(f"/api/v1/visits/{visit.pk}/rating", {"feedback": "ok"})
    assert (again.status_code, again.json()["code"]) == (422, "already_rated")
    assert api_as(cast.liaison_a).post(f"/api/v1/visits/{visit.pk}/rating", {"feedback": "ok"}).status_code == 404


def test_plan_and_coverage(world: Cast, api_as: Api) -> None:
    cast = world
    log(cast, visited_at=at(2026, 11, 3))
    plan = api_as(cast.liaison_a).get("/api/v1/visits/plan", {"month": "2026-11"}).json()
    assert plan["counts"] == {"done": 1, "due": 0, "overdue": 0}
    assert plan["items"][0]["enterprise"] == cast.a.uscc
    october = api_as(cast.liaison_a).get("/api/v1/visits/plan", {"month": "2026-10"}).json()
    assert october["counts"]["overdue"] == 1
    assert api_as(cast.desk).get("/api/v1/visits/plan", {"liaison": "liaison_b"}).json()["count"] == 1
    assert api_as(cast.liaison_b).get("/api/v1/visits/plan", {"liaison": "liaison_a"}).status_code == 404
    assert api_as(cast.ent_a).get("/api/v1/visits/plan").status_code == 404
    cov = api_as(cast.desk).get("/api/v1/visits/coverage", {"month": "2026-11"}).json()
    assert (cov["total"]["linked"], cov["total"]["visited"], cov["count"]) == (3, 1, 3)
    # liaisons come a page at a time; the count and the total stay the whole scope's
    paged = api_as(cast.desk).get("/api/v1/visits/coverage", {"month": "2026-11", "limit": 2, "offset": 2}).json()
    assert (len(paged["items"]), paged["count"], paged["total"]["linked"]) == (1, 3, 3)
    first = api_as(cast.desk).get("/api/v1/visits/coverage", {"month": "2026-11", "limit": 2}).json()
    assert {r["key"] for r in first["items"]} | {paged["items"][0]["key"]} == {r["key"] for r in cov["items"]}
    by_dept = api_as(cast.desk).get("/api/v1/visits/coverage", {"month": "2026-11", "by": "department"}).json()
    assert sum(r["linked"] for r in by_dept["items"]) == 3
    mine = api_as(cast.liaison_a).get("/api/v1/visits/coverage", {"month": "2026-11"}).json()
    assert [r["rate"] for r in mine["items"]] == [1.0]
    assert api_as(cast.ent_a).get("/api/v1/visits/coverage").json()["items"] == []
    top = api_as(cast.desk).get("/api/v1/visits/most-contacted", {"month": "2026-11"}).json()
    assert top[0]["enterprise"] == cast.a.uscc


def test_preferences_and_quiet_periods(world: Cast, api_as: Api) -> None:
    cast = world
    ent = api_as(cast.ent_a)
    r = ent.put(f"/api/v1/visits/budget/{cast.a.uscc}", {"monthly_budget": 4, "preferred_channel": "phone"})
    assert r.status_code == 200 and (r.json()["budget"], r.json()["preferred_channel"]) == (4, "phone")
    assert api_as(cast.liaison_a).put(f"/api/v1/visits/budget/{cast.a.uscc}", {"monthly_budget": 9}).status_code == 403
    q = ent.post(
        f"/api/v1/visits/budget/{cast.a.uscc}/quiet-periods", {"starts_on": "2026-11-25", "ends_on": "2026-11-30"}
    )
    assert q.status_code == 201
    assert api_as(cast.ent_b)._call("delete", f"/api/v1/visits/quiet-periods/{q.json()['id']}").status_code == 404
    assert ent._call("delete", f"/api/v1/visits/quiet-periods/{q.json()['id']}").status_code == 204
    assert m.QuietPeriod.objects.count() == 0


def test_log_with_photos_multipart(world: Cast, api_as: Api) -> None:
    import json

    from django.test.client import MULTIPART_CONTENT

    from qifu.visits.tests.domain_helpers import photo

    cast = world
    client = api_as(cast.liaison_a)
    data = json.dumps(_body(cast, problems=[]))
    r = client.post("/api/v1/visits/with-photos", {"data": data, "photos": [photo()]}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 201, r.content
    (shot,) = r.json()["photos"]
    assert max(shot["width"], shot["height"]) == 1600
    got = api_as(cast.ent_a).get(f"/api/v1/visits/{r.json()['id']}/photos/{shot['id']}")
    assert got.status_code == 200
    assert api_as(cast.ent_b).get(f"/api/v1/visits/{r.json()['id']}/photos/{shot['id']}").status_code == 404
    before = counts()
    bad = client.post(
        "/api/v1/visits/with-photos",
        {"data": data, "photos": [photo("x.jpg", b"not an image")]},
        content_type=MULTIPART_CONTENT,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "photo_not_image")
    broken = client.post("/api/v1/visits/with-photos", {"data": "{"}, content_type=MULTIPART_CONTENT)
    assert (broken.status_code, broken.json()["code"]) == (422, "invalid")
    assert {k: v for k, v in counts().items() if k != "AuditEntry"} == {
        k: v for k, v in before.items() if k != "AuditEntry"
    }
