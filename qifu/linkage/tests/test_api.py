"""/api/v1/linkages: list with history, assign, reassign and end (PRODUCT.md §2.1 挂钩关系)."""

from datetime import date

import pytest
import time_machine

from qifu.audit.models import AuditEntry
from qifu.enterprises.models import Enterprise
from qifu.enterprises.uscc import make_uscc
from qifu.linkage.models import Linkage

URL = "/api/v1/linkages"
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _counts() -> tuple[int, int]:
    return Linkage.objects.count(), AuditEntry.objects.count()


def _link_id(enterprise, username: str) -> int:
    return Linkage.objects.get(enterprise=enterprise, liaison__username=username, ended_on__isnull=True).pk


# --- list -------------------------------------------------------------------------------------


def test_list_case(cast, api_as):
    body = api_as(cast.leader).get(URL).json()
    assert body["count"] == 3
    newest = body["items"][0]  # newest first
    assert newest["enterprise"] == {"uscc": cast.c.uscc, "name": cast.c.name}
    assert newest["liaison"] == {"username": "deputy", "name": "人大代表丙", "department": None}
    assert (newest["role"], newest["project"], newest["ended_on"]) == ("primary", None, None)
    assert body["items"][2]["liaison"]["department"] == "经济发展局"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"liaison": "liaison_b"}, ["liaison_b"]),
        ({"role": "backup"}, []),
        ({"role": "primary"}, ["deputy", "liaison_b", "liaison_a"]),
        ({"liaison": "nobody"}, []),
    ],
    ids=["liaison", "backup", "primary", "unknown_liaison"],
)
def test_list_filters_case(cast, api_as, params, expected):
    body = api_as(cast.leader).get(URL, params).json()
    assert [row["liaison"]["username"] for row in body["items"]] == expected


def test_list_by_enterprise_and_history(cast, api_as):
    client = api_as(cast.desk)
    client.post(f"{URL}/reassign", {"enterprise": cast.a.uscc, "liaison": "liaison_b", "reason": "工作调整"})
    # open links only by default, the history on request
    current = client.get(URL, {"enterprise": cast.a.uscc}).json()
    assert [(r["liaison"]["username"], r["ended_on"]) for r in current["items"]] == [("liaison_b", None)]
    history = client.get(URL, {"enterprise": cast.a.uscc.lower(), "include_ended": "true"}).json()
    assert [(r["liaison"]["username"], r["ended_on"], r["reason"]) for r in history["items"]] == [
        ("liaison_b", None, "工作调整"),
        ("liaison_a", "2026-06-01", "工作调整"),
    ]


def test_list_scope(cast, api_as):
    assert [r["enterprise"]["uscc"] for r in api_as(cast.ent_b).get(URL).json()["items"]] == [cast.b.uscc]
    assert api_as(cast.secadmin).get(URL).json() == {"items": [], "count": 0}


def test_list_query_count_is_constant(cast, api_as, django_assert_num_queries):
    client = api_as(cast.desk)
    with django_assert_num_queries(3):  # token, COUNT, page
        client.get(URL, {"limit": 200})
    for username in ("liaison_b", "deputy"):
        client.post(URL, {"enterprise": cast.a.uscc, "liaison": username, "role": "backup"})
    client.post(URL, {"enterprise": cast.b.uscc, "liaison": "liaison_a", "role": "backup", "project": "XM-2026-002"})
    with django_assert_num_queries(3):
        assert client.get(URL, {"limit": 200}).json()["count"] == 6


# --- assign -----------------------------------------------------------------------------------


def test_assign_backup(cast, api_as):
    client = api_as(cast.desk)
    links, audits = _counts()
    response = client.post(
        URL, {"enterprise": cast.a.uscc, "liaison": "deputy", "role": "backup", "reason": "人大联系"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["liaison"]["username"], body["started_on"], body["reason"]) == (
        "backup",
        "deputy",
        "2026-06-01",
        "人大联系",
    )
    assert _counts() == (links + 1, audits + 1)
    detail = client.get(f"/api/v1/enterprises/{cast.a.uscc}").json()
    assert [b["username"] for b in detail["backups"]] == ["deputy"]


def test_assign_primary_to_unlinked_enterprise_and_project(cast, api_as):
    client = api_as(cast.desk)
    uscc = client.post("/api/v1/enterprises", {"uscc": make_uscc(7777), "name": "新企业"}).json()["uscc"]
    response = client.post(URL, {"enterprise": uscc, "liaison": "liaison_b"})
    assert (response.status_code, response.json()["role"]) == (201, "primary")
    assert Enterprise.objects.get(uscc=uscc).primary_liaison == cast.liaison_b
    project_link = client.post(URL, {"enterprise": cast.a.uscc, "liaison": "deputy", "project": "XM-2026-001"})
    assert (project_link.status_code, project_link.json()["project"]) == (201, "XM-2026-001")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"liaison": "liaison_b"}, 409, "linkage_primary_exists"),
        ({"liaison": "liaison_a", "role": "backup"}, 409, "linkage_already_linked"),
        ({"liaison": "jfj_handler", "role": "backup"}, 422, "linkage_not_a_liaison"),
        ({"liaison": "nobody", "role": "backup"}, 404, "not_found"),
        ({"liaison": "deputy", "project": "XM-2026-002"}, 422, "linkage_project_mismatch"),
        ({"liaison": "deputy", "project": "XM-NOPE"}, 404, "not_found"),
        ({"liaison": "deputy", "role": "boss"}, 422, "invalid"),
        ({"liaison": "deputy", "started_on": "2020-01-01"}, 422, "invalid"),
        ({"liaison": ""}, 422, "invalid"),
    ],
    ids=[
        "primary_exists", "already_linked", "handler", "unknown_user", "project_mismatch", "unknown_project",
        "bad_role", "extra_field", "empty_liaison",
    ],
)  # fmt: skip
def test_assign_bad_input_changes_nothing_case(cast, api_as, body, status, code):
    client = api_as(cast.desk)
    before = _counts()
    response = client.post(URL, {"enterprise": cast.a.uscc, **body})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("liaison_a", 403, "linkage_forbidden"),
        ("leader", 403, "linkage_forbidden"),
        ("kjj_handler", 403, "linkage_forbidden"),
        ("liaison_b", 404, "not_found"),
        ("auditor", 404, "not_found"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.isdigit() else None,
)
def test_assign_by_other_roles_case(cast, api_as, who, status, code):
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.post(URL, {"enterprise": cast.a.uscc, "liaison": "deputy", "role": "backup"})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before


# --- reassign ---------------------------------------------------------------------------------


def test_reassign_keeps_history(cast, api_as):
    client = api_as(cast.desk)
    links, audits = _counts()
    response = client.post(f"{URL}/reassign", {"enterprise": cast.a.uscc, "liaison": "liaison_b", "reason": "轮岗"})
    assert response.status_code == 200, response.content
    assert (response.json()["liaison"]["username"], response.json()["role"]) == ("liaison_b", "primary")
    assert _counts() == (links + 1, audits + 2)  # the old link ends, a new one starts
    detail = client.get(f"/api/v1/enterprises/{cast.a.uscc}").json()
    assert detail["primary_liaison"]["username"] == "liaison_b"
    assert [(h["username"], h["ended_on"]) for h in detail["liaison_history"]] == [("liaison_a", "2026-06-01")]
    # and A is no longer on liaison_a's list (liaison_a still sees A: it leads A's task force)
    assert client.get("/api/v1/enterprises", {"liaison": "liaison_a"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"liaison": "liaison_b", "reason": " "}, 422, "linkage_reason_required"),
        ({"liaison": "liaison_b"}, 422, "invalid"),
        ({"liaison": "liaison_a", "reason": "同一人"}, 409, "linkage_same_liaison"),
        ({"liaison": "kjj_head", "reason": "调整"}, 422, "linkage_not_a_liaison"),
    ],
    ids=["blank_reason", "no_reason", "same_liaison", "not_a_liaison"],
)
def test_reassign_bad_input_changes_nothing_case(cast, api_as, body, status, code):
    client = api_as(cast.desk)
    before = _counts()
    response = client.post(f"{URL}/reassign", {"enterprise": cast.a.uscc, **body})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before


def test_reassign_by_liaison_is_403(cast, api_as):
    client = api_as(cast.liaison_a)
    before = _counts()
    response = client.post(f"{URL}/reassign", {"enterprise": cast.a.uscc, "liaison": "liaison_b", "reason": "x"})
    assert (response.status_code, response.json()["code"]) == (403, "linkage_forbidden")
    assert _counts() == before


# --- end --------------------------------------------------------------------------------------


def test_end_link(cast, api_as):
    client = api_as(cast.desk)
    link_id = _link_id(cast.b, "liaison_b")
    links, audits = _counts()
    response = client.post(f"{URL}/{link_id}/end", {"reason": "企业迁出"})
    assert response.status_code == 200, response.content
    assert (response.json()["ended_on"], response.json()["reason"]) == ("2026-06-01", "企业迁出")
    assert _counts() == (links, audits + 1)
    assert client.get(f"/api/v1/enterprises/{cast.b.uscc}").json()["primary_liaison"] is None
    again = client.post(f"{URL}/{link_id}/end", {})
    assert (again.status_code, again.json()["code"]) == (409, "linkage_not_open")
    assert _counts() == (links, audits + 1)


def test_end_without_body(cast, api_as):
    response = api_as(cast.desk).post(f"{URL}/{_link_id(cast.b, 'liaison_b')}/end")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("liaison_b", 403, "linkage_forbidden"), ("ent_b", 403, "linkage_forbidden"), ("liaison_a", 404, "not_found")],
    ids=["liaison_b", "ent_b", "liaison_a"],
)
def test_end_by_other_roles_case(cast, api_as, who, status, code):
    link_id = _link_id(cast.b, "liaison_b")
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.post(f"{URL}/{link_id}/end", {})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before
    assert Linkage.objects.get(pk=link_id).ended_on is None


def test_end_missing_is_404(cast, api_as):
    response = api_as(cast.desk).post(f"{URL}/999999/end", {})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
