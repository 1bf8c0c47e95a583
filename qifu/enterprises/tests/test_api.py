"""/api/v1/enterprises: list, detail, create and partial update, through the real services."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.enterprises.models import Enterprise
from qifu.enterprises.services import EnterpriseData, enterprise_create, enterprise_data_of, enterprise_update
from qifu.enterprises.uscc import make_uscc

URL = "/api/v1/enterprises"
NEW_USCC = make_uscc(2001)


def _counts() -> tuple[int, int]:
    return Enterprise.objects.count(), AuditEntry.objects.count()


def _set_phone(cast, enterprise: Enterprise, phone: str) -> None:
    data = enterprise_data_of(enterprise)
    enterprise_update(actor=Actor.of(cast.desk), enterprise=enterprise, data=replace(data, contact_phone=phone))


def _more_enterprises(cast, n: int, start: int = 5000) -> None:
    """Plain rows for volume (the list selector does not care how they were made)."""
    Enterprise.objects.bulk_create(
        Enterprise(uscc=make_uscc(start + i), name=f"批量企业{i}", industry="C3985", primary_liaison=cast.liaison_a)
        for i in range(n)
    )


def valid_body(**overrides):
    body = {
        "uscc": NEW_USCC,
        "name": "昆山丁新材料有限公司",
        "industry": "C2651",
        "park": "光电产业园",
        "founded_on": "2019-03-01",
        "registered_capital": "1200.50",
        "ownership": "foreign",
        "above_scale": True,
        "high_tech": True,
        "specialized": "provincial",
        "employees": 85,
        "revenue_last_year": 8000,
        "contact_name": "李经理",
        "contact_phone": "13712345678",
    }
    return {**body, **overrides}


# --- list -------------------------------------------------------------------------------------


def test_list_answers_items_and_count_case(cast, api_as):
    # when the leader lists
    response = api_as(cast.leader).get(URL)
    # then every enterprise, in id order, with the list columns
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["uscc"] for row in body["items"]] == [cast.a.uscc, cast.b.uscc, cast.c.uscc]
    first = body["items"][0]
    assert first["primary_liaison"] == {"username": "liaison_a", "name": "挂钩干部甲"}
    assert set(first) == {
        "uscc",
        "name",
        "industry",
        "park",
        "ownership",
        "above_scale",
        "high_tech",
        "specialized",
        "listed",
        "employees",
        "primary_liaison",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"industry": "C39"}, ["a"]),
        ({"industry": "c3"}, ["a", "b"]),
        ({"park": "精密机械产业园"}, ["b"]),
        ({"q": "乙精密"}, ["b"]),
        ({"q": "bad-uscc-that-matches-nothing"}, []),
        ({"ownership": "domestic"}, ["a", "b", "c"]),
        ({"ownership": "foreign"}, []),
        ({"above_scale": "true"}, ["a", "b", "c"]),
        ({"high_tech": "true"}, []),
        ({"listed": "false"}, ["a", "b", "c"]),
        ({"liaison": "liaison_b"}, ["b"]),
        ({"liaison": "deputy"}, ["c"]),
        ({"liaison": "nobody"}, []),
        ({"without_liaison": "true"}, []),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_list_filters_case(cast, api_as, params, expected):
    response = api_as(cast.leader).get(URL, params)
    assert response.status_code == 200
    body = response.json()
    assert [row["uscc"] for row in body["items"]] == [getattr(cast, e).uscc for e in expected]
    assert body["count"] == len(expected)


def test_list_filter_by_exact_uscc_and_phone(cast, api_as):
    # given B has its own phone number
    _set_phone(cast, cast.b, "13600001111")
    client = api_as(cast.desk)
    # then the exact USCC and the exact phone (in any spacing) find B alone
    assert [r["uscc"] for r in client.get(URL, {"q": cast.b.uscc.lower()}).json()["items"]] == [cast.b.uscc]
    assert [r["uscc"] for r in client.get(URL, {"phone": "136 0000 1111"}).json()["items"]] == [cast.b.uscc]
    assert client.get(URL, {"phone": "1360000111"}).json()["count"] == 0  # exact, not a prefix


def test_list_filter_without_liaison(cast, api_as):
    enterprise_create(actor=Actor.of(cast.desk), data=EnterpriseData(uscc=NEW_USCC, name="未挂钩企业"))
    body = api_as(cast.leader).get(URL, {"without_liaison": "true"}).json()
    assert [r["uscc"] for r in body["items"]] == [NEW_USCC]


def test_list_scope_case(cast, api_as):
    # a liaison sees its own enterprise, whatever it asks for
    body = api_as(cast.liaison_a).get(URL).json()
    assert (body["count"], [r["uscc"] for r in body["items"]]) == (1, [cast.a.uscc])


def test_list_pagination_and_cap(cast, api_as):
    # given 250 enterprises in all
    _more_enterprises(cast, 247)
    client = api_as(cast.leader)
    # then limit/offset page through them, and a huge limit is capped at 200 (not refused)
    page = client.get(URL, {"limit": 2, "offset": 1}).json()
    assert page["count"] == 250
    assert [r["uscc"] for r in page["items"]] == [cast.b.uscc, cast.c.uscc]
    capped = client.get(URL, {"limit": 100000})
    assert capped.status_code == 200
    assert (capped.json()["count"], len(capped.json()["items"])) == (250, 200)
    assert len(client.get(URL).json()["items"]) == 20  # default page


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"offset": -1}, {"limit": "x"}, {"above_scale": "maybe"}, {"ownership": "martian"}],
    ids=str,
)
def test_list_bad_query_is_422_case(cast, api_as, params):
    response = api_as(cast.leader).get(URL, params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_list_query_count_is_constant(cast, api_as, django_assert_num_queries):
    # given a client (its token is created before counting)
    client = api_as(cast.leader)
    # token lookup, COUNT, page
    with django_assert_num_queries(3):
        small = client.get(URL, {"limit": 200})
    _more_enterprises(cast, 60)
    with django_assert_num_queries(3):
        large = client.get(URL, {"limit": 200})
    assert (small.json()["count"], large.json()["count"]) == (3, 63)
    assert len(large.json()["items"]) == 63


# --- detail -----------------------------------------------------------------------------------


@time_machine.travel(date(2026, 6, 1))
def test_detail_case(cast, api_as):
    # when A's liaison opens A
    response = api_as(cast.liaison_a).get(f"{URL}/{cast.a.uscc}")
    # then the registry columns, money as strings, masked contacts, the liaison, projects and task force
    assert response.status_code == 200
    body = response.json()
    assert body["uscc"] == cast.a.uscc
    assert body["registered_capital"] == "5000.00"
    assert body["founded_on"] == "2012-05-01"
    assert body["created_at"].endswith("Z")
    assert body["contact_phone"] == "139****5678"
    assert body["contact_name"] == "王**"
    assert "13912345678" not in response.content.decode()
    assert body["primary_liaison"] == {
        "username": "liaison_a",
        "name": "挂钩干部甲",
        "department": "经济发展局",
        "phone": "13800138000",
    }
    assert body["backups"] == []
    assert body["projects"] == [
        {
            "code": "XM-2026-001",
            "name": "甲电子新厂房",
            "status": "planned",
            "major": False,
            "total_investment": "50000.00",
            "completed_investment": "0.00",
            "delayed": True,
        }
    ]
    [force] = body["task_forces"]
    assert force["lead"] == {"username": "liaison_a", "name": "挂钩干部甲"}
    assert force["members"] == [
        {"username": "kjj_handler", "name": "科创承办", "department": "科技创新局", "duty": "科技项目申报"}
    ]


def test_detail_accepts_lowercase_uscc(cast, api_as):
    assert api_as(cast.ent_a).get(f"{URL}/{cast.a.uscc.lower()}").json()["uscc"] == cast.a.uscc


@pytest.mark.parametrize("uscc", [make_uscc(9999), "not-a-uscc"], ids=["missing", "garbage"])
def test_detail_missing_is_404_case(cast, api_as, uscc):
    response = api_as(cast.leader).get(f"{URL}/{uscc}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_detail_query_count_does_not_grow(cast, api_as, django_assert_num_queries):
    client = api_as(cast.leader)
    # token, enterprise, links, projects, milestones, task forces, members
    with django_assert_num_queries(7):
        client.get(f"{URL}/{cast.a.uscc}")
    # given more links, projects and task-force members on A
    from qifu.linkage.services import linkage_assign, taskforce_add_member
    from qifu.projects.services import ProjectData, project_create

    desk = Actor.of(cast.desk)
    linkage_assign(actor=desk, enterprise=cast.a, liaison=cast.deputy, role="backup")
    linkage_assign(actor=desk, enterprise=cast.a, liaison=cast.liaison_b, role="backup")
    for i in range(3):
        data = ProjectData(code=f"XM-X-{i}", name=f"项目{i}", total_investment=Decimal(1))
        project_create(actor=desk, enterprise=cast.a, data=data)
    taskforce_add_member(actor=desk, task_force=cast.task_force_a, user=cast.jfj_head)
    with django_assert_num_queries(7):
        body = client.get(f"{URL}/{cast.a.uscc}").json()
    assert sorted(b["username"] for b in body["backups"]) == ["deputy", "liaison_b"]
    assert len(body["task_forces"][0]["members"]) == 2
    assert len(body["projects"]) == 4


# --- create -----------------------------------------------------------------------------------


def test_create_by_desk(cast, api_as):
    # given
    client = api_as(cast.desk)
    enterprises, audits = _counts()
    # when the desk registers an enterprise
    response = client.post(URL, valid_body(), content_type="application/json")
    # then 201 with the detail body, one row and one audit entry more
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["uscc"], body["registered_capital"], body["revenue_last_year"]) == (NEW_USCC, "1200.50", "8000.00")
    assert body["contact_phone"] == "137****5678"
    assert body["primary_liaison"] is None
    assert _counts() == (enterprises + 1, audits + 1)


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"uscc": NEW_USCC[:-1] + ("0" if NEW_USCC[-1] != "0" else "1")}, 422, "enterprise_invalid"),
        ({"industry": "Z99"}, 422, "enterprise_invalid"),
        ({"name": ""}, 422, "invalid"),
        ({"registered_capital": "-1"}, 422, "invalid"),
        ({"registered_capital": "NaN"}, 422, "invalid"),
        ({"registered_capital": "1.234"}, 422, "invalid"),
        ({"employees": -5}, 422, "invalid"),
        ({"ownership": "martian"}, 422, "invalid"),
        ({"founded_on": "2019-13-01"}, 422, "invalid"),
        ({"status": "deregistered"}, 422, "invalid"),
        ({"primary_liaison": "liaison_a"}, 422, "invalid"),
    ],
    ids=[
        "check_digit",
        "industry",
        "empty_name",
        "negative_money",
        "nan",
        "scale",
        "negative_employees",
        "ownership",
        "bad_date",
        "status_field",
        "liaison_field",
    ],
)
def test_create_bad_input_changes_nothing_case(cast, api_as, overrides, status, code):
    client = api_as(cast.desk)
    before = _counts()
    response = client.post(URL, valid_body(**overrides), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["detail"]
    assert _counts() == before


def test_create_duplicate_is_409(cast, api_as):
    client = api_as(cast.desk)
    before = _counts()
    response = client.post(URL, valid_body(uscc=cast.a.uscc), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "enterprise_duplicate_uscc")
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "status"), [("{not json", 400), ("[1, 2]", 422), ("null", 422)], ids=["unparseable", "list", "null"]
)
def test_create_body_that_is_not_an_object_case(cast, api_as, body, status):
    # unparseable JSON is a 400 (ninja's parser); well-formed JSON of the wrong shape is a 422
    client = api_as(cast.desk)
    before = _counts()
    response = client.post(URL, body)
    assert (response.status_code, response.json()["code"]) == (status, "invalid")
    assert _counts() == before


@pytest.mark.parametrize("who", ["leader", "liaison_a", "ent_a", "jfj_head", "sysadmin", "auditor"])
def test_create_by_other_roles_is_403_case(cast, api_as, who):
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.post(URL, valid_body(), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "enterprise_forbidden")
    assert _counts() == before


# --- partial update ---------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(cast, api_as):
    # given
    client = api_as(cast.desk)
    enterprises, audits = _counts()
    # when the desk renames B and sets its revenue
    response = client.patch(
        f"{URL}/{cast.b.uscc}",
        {"name": "昆山乙精密机械股份有限公司", "revenue_last_year": "12345.6"},
        content_type="application/json",
    )
    # then those two change, nothing else does, and one audit entry records it
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["revenue_last_year"]) == ("昆山乙精密机械股份有限公司", "12345.60")
    assert (body["industry"], body["registered_capital"], body["contact_phone"]) == ("C3484", "5000.00", "139****5678")
    assert body["primary_liaison"]["username"] == "liaison_b"
    assert _counts() == (enterprises, audits + 1)


def test_patch_contacts_reencrypts_and_reindexes(cast, api_as):
    client = api_as(cast.desk)
    response = client.patch(f"{URL}/{cast.c.uscc}", {"contact_phone": "13655556666"}, content_type="application/json")
    assert response.json()["contact_phone"] == "136****6666"
    assert [r["uscc"] for r in client.get(URL, {"phone": "13655556666"}).json()["items"]] == [cast.c.uscc]


def test_patch_nothing_changes_nothing(cast, api_as):
    client = api_as(cast.desk)
    before = _counts()
    response = client.patch(f"{URL}/{cast.a.uscc}", {"name": cast.a.name}, content_type="application/json")
    assert response.status_code == 200
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"uscc": make_uscc(3003)}, "invalid"),
        ({"primary_liaison": "liaison_b"}, "invalid"),
        ({"status": "deregistered"}, "invalid"),
        ({"name": None}, "invalid"),
        ({"above_scale": None}, "invalid"),
        ({"registered_capital": -1}, "invalid"),
        ({"industry": "Q9"}, "enterprise_invalid"),
    ],
    ids=["uscc", "primary_liaison", "status", "null_name", "null_flag", "negative", "industry_rule"],
)
def test_patch_bad_input_changes_nothing_case(cast, api_as, body, code):
    client = api_as(cast.desk)
    before, snapshot = _counts(), enterprise_data_of(cast.a)
    response = client.patch(f"{URL}/{cast.a.uscc}", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (422, code)
    cast.a.refresh_from_db()
    assert (_counts(), enterprise_data_of(cast.a)) == (before, snapshot)


def test_patch_nullable_field_can_be_cleared(cast, api_as):
    response = api_as(cast.desk).patch(f"{URL}/{cast.a.uscc}", {"founded_on": None}, content_type="application/json")
    assert response.json()["founded_on"] is None


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("liaison_a", 403, "enterprise_forbidden"),  # sees A, may not edit it
        ("ent_a", 403, "enterprise_forbidden"),
        ("leader", 403, "enterprise_forbidden"),
        ("liaison_b", 404, "not_found"),  # does not see A: 404, never 403
        ("ent_b", 404, "not_found"),
        ("jfj_head", 404, "not_found"),
        ("sysadmin", 404, "not_found"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.isdigit() else None,
)
def test_patch_by_other_roles_case(cast, api_as, who, status, code):
    client = api_as(getattr(cast, who))
    before = _counts()
    response = client.patch(f"{URL}/{cast.a.uscc}", {"name": "改名"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    cast.a.refresh_from_db()
    assert cast.a.name == "昆山甲电子科技有限公司"
    assert _counts() == before
