"""/api/v1/projects: list, detail with milestones and the delay flag, create, partial update, milestones."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.projects.models import Milestone, Project
from qifu.projects.services import ProjectData, milestone_set, project_create

URL = "/api/v1/projects"
TODAY = date(2026, 6, 1)

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _counts() -> tuple[int, int, int]:
    return Project.objects.count(), Milestone.objects.count(), AuditEntry.objects.count()


def _more_projects(cast, n: int) -> None:
    desk = Actor.of(cast.desk)
    for i in range(n):
        data = ProjectData(code=f"XM-V-{i:03d}", name=f"批量项目{i}", total_investment=Decimal(100))
        project = project_create(actor=desk, enterprise=cast.b, data=data)
        milestone_set(actor=desk, project=project, kind="signing", planned_on=date(2026, 1, 1))


def new_project(**overrides):
    body = {
        "code": "XM-2026-100",
        "name": "丙医药二期",
        "enterprise": "",
        "total_investment": "88000.5",
        "annual_planned": 20000,
        "major": True,
        "status": "construction",
        "park": "小核酸及生物医药产业园",
    }
    return {**body, **overrides}


# --- list -------------------------------------------------------------------------------------


def test_list_case(cast, api_as):
    # when the leader lists projects
    body = api_as(cast.leader).get(URL).json()
    # then both, with money as strings, the owner and the delay flag
    assert body["count"] == 2
    first = body["items"][0]
    assert first["code"] == "XM-2026-001"
    assert first["enterprise"] == {"uscc": cast.a.uscc, "name": cast.a.name}
    assert (first["total_investment"], first["completed_investment"]) == ("50000.00", "0.00")
    assert first["delayed"] is True  # signing done late, start overdue
    assert body["items"][1]["delayed"] is False  # no milestones yet
    assert "milestones" not in first


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"delayed": "true"}, ["XM-2026-001"]),
        ({"delayed": "false"}, ["XM-2026-002"]),
        ({"q": "扩产"}, ["XM-2026-002"]),
        ({"q": "XM-2026"}, ["XM-2026-001", "XM-2026-002"]),
        ({"major": "true"}, []),
        ({"status": "planned"}, ["XM-2026-001", "XM-2026-002"]),
        ({"liaison": "liaison_a"}, []),  # no project-level primary liaison in the cast
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_list_filters_case(cast, api_as, params, expected):
    body = api_as(cast.leader).get(URL, params).json()
    assert [p["code"] for p in body["items"]] == expected
    assert body["count"] == len(expected)


def test_list_filter_by_enterprise_accepts_any_case_of_uscc(cast, api_as):
    body = api_as(cast.desk).get(URL, {"enterprise": cast.b.uscc.lower()}).json()
    assert [p["code"] for p in body["items"]] == ["XM-2026-002"]


def test_list_scope(cast, api_as):
    assert [p["code"] for p in api_as(cast.ent_b).get(URL).json()["items"]] == ["XM-2026-002"]
    assert api_as(cast.auditor).get(URL).json() == {"items": [], "count": 0}


def test_list_bad_filter_is_422(cast, api_as):
    response = api_as(cast.leader).get(URL, {"status": "demolished"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_list_query_count_is_constant(cast, api_as, django_assert_num_queries):
    client = api_as(cast.leader)
    # token, COUNT, page (delay is an EXISTS in the same query)
    with django_assert_num_queries(3):
        client.get(URL, {"limit": 200})
    _more_projects(cast, 12)
    with django_assert_num_queries(3):
        body = client.get(URL, {"limit": 200}).json()
    assert len(body["items"]) == 14


# --- detail -----------------------------------------------------------------------------------


def test_detail_with_milestones_case(cast, api_as):
    response = api_as(cast.ent_a).get(f"{URL}/XM-2026-001")
    assert response.status_code == 200
    body = response.json()
    assert body["delayed"] is True
    assert body["created_at"].endswith("Z")
    assert body["milestones"] == [
        {
            "kind": "signing",
            "label": "签约",
            "seq": 0,
            "planned_on": "2026-01-10",
            "actual_on": "2026-01-12",
            "note": "",
            "late": True,
        },
        {
            "kind": "start",
            "label": "开工",
            "seq": 5,
            "planned_on": "2026-03-01",
            "actual_on": None,
            "note": "",
            "late": True,
        },
    ]


def test_detail_query_count(cast, api_as, django_assert_num_queries):
    client = api_as(cast.leader)
    # token, project (with owner, liaison and delay), milestones
    with django_assert_num_queries(3):
        client.get(f"{URL}/XM-2026-001")
    for kind in ("land", "filing", "completion"):
        milestone_set(actor=Actor.of(cast.desk), project=cast.project_a, kind=kind, planned_on=date(2027, 1, 1))
    with django_assert_num_queries(3):
        assert len(client.get(f"{URL}/XM-2026-001").json()["milestones"]) == 5


def test_detail_missing_is_404(cast, api_as):
    response = api_as(cast.leader).get(f"{URL}/XM-NOPE")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


# --- create -----------------------------------------------------------------------------------


def test_create_by_desk(cast, api_as):
    client = api_as(cast.desk)
    projects, milestones, audits = _counts()
    response = client.post(URL, new_project(enterprise=cast.c.uscc))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["enterprise"]["uscc"]) == ("XM-2026-100", cast.c.uscc)
    assert (body["total_investment"], body["annual_planned"]) == ("88000.50", "20000.00")
    assert (body["major"], body["status"], body["delayed"], body["milestones"]) == (True, "construction", False, [])
    assert _counts() == (projects + 1, milestones, audits + 1)


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"code": "XM-2026-001"}, 409, "project_duplicate_code"),
        ({"enterprise": "91320583MA1XXXXXX0"}, 404, "not_found"),
        ({"total_investment": "-1"}, 422, "invalid"),
        ({"total_investment": None}, 422, "invalid"),
        ({"status": "demolished"}, 422, "invalid"),
        ({"code": ""}, 422, "invalid"),
        ({"primary_liaison": "liaison_a"}, 422, "invalid"),
    ],
    ids=["duplicate", "unknown_enterprise", "negative", "null_total", "status", "empty_code", "extra_field"],
)
def test_create_bad_input_changes_nothing_case(cast, api_as, overrides, status, code):
    client = api_as(cast.desk)
    before = _counts()
    response = client.post(URL, new_project(**{"enterprise": cast.c.uscc, **overrides}))
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("deputy", 403, "project_forbidden"),  # sees C, may not add projects to it
        ("leader", 403, "project_forbidden"),
        ("liaison_a", 404, "not_found"),  # does not see C
        ("ent_a", 404, "not_found"),
        ("sysadmin", 404, "not_found"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.isdigit() else None,
)
def test_create_by_other_roles_case(cast, api_as, who, status, code):
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.post(URL, new_project(enterprise=cast.c.uscc))
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before


# --- partial update ---------------------------------------------------------------------------


def test_patch_by_desk(cast, api_as):
    client = api_as(cast.desk)
    projects, milestones, audits = _counts()
    response = client.patch(f"{URL}/XM-2026-002", {"completed_investment": "1500.25", "status": "construction"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["completed_investment"], body["status"], body["name"]) == ("1500.25", "construction", "乙精密扩产")
    assert body["total_investment"] == "30000.00"
    assert _counts() == (projects, milestones, audits + 1)


@pytest.mark.parametrize(
    "body",
    [{"code": "XM-2026-999"}, {"enterprise": "x"}, {"name": None}, {"annual_planned": "1e20"}, {"major": "perhaps"}],
    ids=["code", "enterprise", "null_name", "too_large", "bad_bool"],
)
def test_patch_bad_input_changes_nothing_case(cast, api_as, body):
    client = api_as(cast.desk)
    before = _counts()
    response = client.patch(f"{URL}/XM-2026-001", body)
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert _counts() == before
    cast.project_a.refresh_from_db()
    assert (cast.project_a.code, cast.project_a.name) == ("XM-2026-001", "甲电子新厂房")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("liaison_a", 403, "project_forbidden"), ("ent_a", 403, "project_forbidden"), ("liaison_b", 404, "not_found")],
    ids=["liaison_a", "ent_a", "liaison_b"],
)
def test_patch_by_other_roles_case(cast, api_as, who, status, code):
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.patch(f"{URL}/XM-2026-001", {"name": "改名"})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before


# --- milestones -------------------------------------------------------------------------------


def test_put_milestone_creates_then_updates(cast, api_as):
    client = api_as(cast.desk)
    projects, milestones, audits = _counts()
    created = client.put(f"{URL}/XM-2026-002/milestones/land", {"planned_on": "2026-07-01", "note": "挂牌"})
    assert created.status_code == 200, created.content
    assert created.json() == {
        "kind": "land",
        "label": "供地/拿地",
        "seq": 1,
        "planned_on": "2026-07-01",
        "actual_on": None,
        "note": "挂牌",
        "late": False,
    }
    done = client.put(f"{URL}/XM-2026-002/milestones/land", {"planned_on": "2026-07-01", "actual_on": "2026-05-20"})
    assert (done.json()["actual_on"], done.json()["late"]) == ("2026-05-20", False)
    assert _counts() == (projects, milestones + 1, audits + 2)


@pytest.mark.parametrize(
    ("kind", "body", "code"),
    [
        ("groundbreaking", {"planned_on": "2026-07-01"}, "milestone_invalid"),
        ("start", {"planned_on": "2026-03-01", "actual_on": "2026-06-02"}, "milestone_actual_in_future"),
        ("start", {"planned_on": "not a date"}, "invalid"),
        ("start", {}, "invalid"),
        ("start", {"planned_on": "2026-03-01", "seq": 1}, "invalid"),
    ],
    ids=["unknown_kind", "actual_in_future", "bad_date", "no_plan", "extra_field"],
)
def test_put_milestone_bad_input_changes_nothing_case(cast, api_as, kind, body, code):
    client = api_as(cast.desk)
    before = _counts()
    response = client.put(f"{URL}/XM-2026-001/milestones/{kind}", body)
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert _counts() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("ent_a", 403, "project_forbidden"), ("kjj_handler", 403, "project_forbidden"), ("deputy", 404, "not_found")],
    ids=["ent_a", "kjj_handler", "deputy"],
)
def test_put_milestone_by_other_roles_case(cast, api_as, who, status, code):
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.put(
        f"{URL}/XM-2026-001/milestones/start", {"planned_on": "2026-03-01", "actual_on": "2026-03-02"}
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _counts() == before
