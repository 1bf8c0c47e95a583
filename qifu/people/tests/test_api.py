"""/api/v1/staff: the staff directory. Staff see colleagues; an enterprise sees only its own liaisons."""

import pytest

from qifu.people.services import staff_create
from qifu.reference.models import Department

URL = "/api/v1/staff"
STAFF = ["desk", "leader", "jfj_handler", "jfj_head", "kjj_handler", "kjj_head", "liaison_a", "liaison_b", "deputy"]


def test_list_case(cast, api_as):
    body = api_as(cast.desk).get(URL, {"limit": 200}).json()
    assert body["count"] == len(STAFF)
    assert {row["username"] for row in body["items"]} == set(STAFF)
    head = next(row for row in body["items"] if row["username"] == "jfj_head")
    assert head == {
        "username": "jfj_head",
        "name": "经发负责人",
        "role": "dept_head",
        "department": {"code": "JFJ", "name": "经济发展局"},
        "position": "科员",
        "office_phone": "",
    }
    assert "phone" not in head  # mobiles only in the detail, masked


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"role": "cadre"}, {"liaison_a", "liaison_b"}),
        ({"department": "kjj"}, {"kjj_handler", "kjj_head", "liaison_b"}),
        ({"q": "承办"}, {"jfj_handler", "kjj_handler"}),
        ({"role": "deputy", "department": "JFJ"}, set()),
    ],
    ids=["role", "department", "q", "none"],
)
def test_list_filters_case(cast, api_as, params, expected):
    body = api_as(cast.leader).get(URL, params).json()
    assert {row["username"] for row in body["items"]} == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("ent_a", {"liaison_a"}), ("ent_b", {"liaison_b"}), ("secadmin", set()), ("auditor", set())],
    ids=["ent_a", "ent_b", "secadmin", "auditor"],
)
def test_list_scope_case(cast, api_as, who, expected):
    body = api_as(getattr(cast, who)).get(URL).json()
    assert ({row["username"] for row in body["items"]}, body["count"]) == (expected, len(expected))


def test_list_bad_role_is_422(cast, api_as):
    response = api_as(cast.desk).get(URL, {"role": "enterprise"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_list_query_count_is_constant(cast, api_as, django_assert_num_queries):
    client = api_as(cast.desk)
    with django_assert_num_queries(3):  # token, COUNT, page (with department and profile)
        client.get(URL, {"limit": 200})
    dept = Department.objects.get(code="JFJ")
    for i in range(15):
        staff_create(actor=None, username=f"cadre{i}", role="cadre", display_name=f"干部{i}", department=dept)
    with django_assert_num_queries(3):
        assert client.get(URL, {"limit": 200}).json()["count"] == len(STAFF) + 15


def test_detail_masks_the_mobile(cast, api_as):
    response = api_as(cast.leader).get(f"{URL}/liaison_a")
    assert response.status_code == 200
    body = response.json()
    assert (body["phone"], body["active"], body["role"]) == ("138****8000", True, "cadre")
    assert "13800138000" not in response.content.decode()


def test_enterprise_sees_its_liaison_only(cast, api_as):
    client = api_as(cast.ent_a)
    assert client.get(f"{URL}/liaison_a").status_code == 200
    response = client.get(f"{URL}/liaison_b")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("username", ["nobody", "ent_a", "auditor"])
def test_detail_of_non_staff_is_404_case(cast, api_as, username):
    response = api_as(cast.desk).get(f"{URL}/{username}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
