"""/api/v1/departments: reference data, readable by every signed-in user (not business data)."""

import pytest

URL = "/api/v1/departments"


@pytest.mark.parametrize("who", ["ent_a", "liaison_a", "desk", "auditor", "sysadmin"])
def test_departments_with_categories_case(cast, api_as, who):
    body = api_as(getattr(cast, who)).get(URL, {"limit": 200}).json()
    assert body["count"] == 15
    codes = [row["code"] for row in body["items"]]
    assert codes[:2] == ["ZSJ", "JFJ"]
    jrb = next(row for row in body["items"] if row["code"] == "JRB")
    assert {"code": "financing", "name": "融资信贷", "name_en": "Financing and credit", "days": 10} in jrb["categories"]
    ysb = next(row for row in body["items"] if row["code"] == "YSB")
    assert ysb["is_service_desk"] is True


def test_default_page_and_query_count(cast, api_as, django_assert_num_queries):
    client = api_as(cast.ent_a)
    with django_assert_num_queries(3):  # token, departments, their categories (then kept a minute)
        body = client.get(URL, {"limit": 5}).json()
    assert (len(body["items"]), body["count"]) == (5, 15)
    with django_assert_num_queries(1):  # the token: the departments come from the process's cache
        body = client.get(URL, {"limit": 200}).json()
    assert len(body["items"]) == body["count"] == 15


def test_departments_need_a_token(db, client):
    response = client.get(URL)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
