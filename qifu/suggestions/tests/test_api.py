"""/api/v1/suggestions (PRODUCT.md §3): list with filters and `{"items", "count"}`, submit, get,
assign, answer, close; errors as `{"code", "detail"}`; query counts that do not grow with rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qifu.suggestions.models import Suggestion
from qifu.suggestions.tests.conftest import given, submit

BASE = "/api/v1/suggestions"


def test_an_enterprise_submits_and_reads_it_back(cast, api_as) -> None:
    api = api_as(cast.ent_a)
    response = api.post(BASE, {"text": "建议延长政务服务中心周末开放时间。", "topic": "government_service"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "submitted" and body["state_text"] == "待分办"
    assert (body["enterprise"], body["topic"], body["source"]) == (cast.a.uscc, "government_service", "portal")
    assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", body["month"])
    got = api.get(f"{BASE}/{body['id']}").json()
    assert got["id"] == body["id"] and got["answer"] == ""


def test_a_liaison_names_an_enterprise_by_uscc(cast, api_as) -> None:
    response = api_as(cast.liaison_a).post(BASE, {"text": "企业反映用工难", "enterprise": cast.a.uscc})
    assert response.status_code == 201
    assert (response.json()["enterprise"], response.json()["source"]) == (cast.a.uscc, "liaison")


@pytest.mark.parametrize(
    ("who", "payload", "status", "code"),
    [
        pytest.param("ent_a", {"text": ""}, 422, "required", id="empty_case"),
        pytest.param("ent_a", {"text": "长" * 5001}, 422, "too_long", id="long_case"),
        pytest.param("ent_a", {"text": "x", "topic": "nope"}, 422, "unknown_topic", id="topic_case"),
        pytest.param("ent_a", {"text": "x", "source": "visit"}, 422, "invalid", id="no_source_from_clients_case"),
        pytest.param("liaison_a", {"text": "x", "enterprise": "91320583MA1XXXXXX0"}, 404, "not_found", id="ent_case"),
        pytest.param("jfj_handler", {"text": "x"}, 403, "suggestion_submit_forbidden", id="role_case"),
    ],
)
def test_bad_submissions_answer_code_and_detail(cast, api_as, who, payload, status, code) -> None:
    response = api_as(getattr(cast, who)).post(BASE, payload)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["detail"]
    assert Suggestion.objects.count() == 0


def test_liaison_b_cannot_name_enterprise_a(cast, api_as) -> None:
    response = api_as(cast.liaison_b).post(BASE, {"text": "x", "enterprise": cast.a.uscc})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_desk_assigns_the_department_answers_the_author_closes(cast, api_as) -> None:
    s = submit(cast, "ent_a")
    assigned = api_as(cast.desk).post(f"{BASE}/{s.pk}/assign", {"department": "JFJ", "topic": "talent"})
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["state"], assigned.json()["department"], assigned.json()["topic"]) == (
        "assigned",
        "JFJ",
        "talent",
    )
    answered = api_as(cast.jfj_handler).post(f"{BASE}/{s.pk}/answer", {"answer": "已采纳"})
    assert answered.status_code == 200 and answered.json()["answer"] == "已采纳"
    mine = api_as(cast.ent_a).get(f"{BASE}/{s.pk}").json()
    assert (mine["state"], mine["answer"], mine["department_name"]) == ("answered", "已采纳", "经济发展局")
    closed = api_as(cast.ent_a).post(f"{BASE}/{s.pk}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_steps_refused_with_their_codes(cast, api_as) -> None:
    s = given(cast, "assigned", department="JFJ")
    by_author = api_as(cast.ent_a).post(f"{BASE}/{s.pk}/assign", {"department": "KJJ"})
    assert (by_author.status_code, by_author.json()["code"]) == (403, "suggestion_assign_forbidden")
    bad_dept = api_as(cast.desk).post(f"{BASE}/{s.pk}/assign", {"department": "NOPE"})
    assert (bad_dept.status_code, bad_dept.json()["code"]) == (422, "unknown_department")
    other = api_as(cast.kjj_handler).post(f"{BASE}/{s.pk}/answer", {"answer": "越权"})
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    api_as(cast.jfj_head).post(f"{BASE}/{s.pk}/answer", {"answer": "第一次"})
    twice = api_as(cast.jfj_handler).post(f"{BASE}/{s.pk}/answer", {"answer": "第二次"})
    assert (twice.status_code, twice.json()["code"]) == (409, "suggestion_already_answered")
    assert Suggestion.objects.get(pk=s.pk).answer == "第一次"


def test_list_filters_narrow_and_page(cast, api_as) -> None:
    given(cast, "answered", who="ent_a", department="JFJ")  # topic infrastructure
    given(cast, "assigned", who="ent_b", department="KJJ")
    for n in range(3):
        submit(cast, "liaison_a", text=f"建议{n}", topic="finance", enterprise=cast.a)
    api = api_as(cast.desk)
    everything = api.get(BASE).json()
    assert everything["count"] == 5 and len(everything["items"]) == 5
    assert api.get(BASE, {"topic": "finance"}).json()["count"] == 3
    assert api.get(BASE, {"state": ["assigned", "answered"]}).json()["count"] == 2
    month = everything["items"][0]["month"]
    assert api.get(BASE, {"month": month}).json()["count"] == 5
    assert api.get(BASE, {"month": "2001-01"}).json()["count"] == 0
    page = api.get(BASE, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 5 and [i["id"] for i in page["items"]] == [i["id"] for i in everything["items"][2:4]]
    bad = api.get(BASE, {"month": "2026-13"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid")


def test_the_list_costs_the_same_queries_for_3_or_30_rows(cast, api_as) -> None:
    def cost(n: int) -> int:
        Suggestion.objects.all().delete()
        for k in range(n):
            given(cast, "assigned" if k % 2 else "submitted", who="ent_a", text=f"建议{k}")
        api = api_as(cast.desk)
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(BASE, {"limit": 50}).json()["count"] == n
        return len(ctx.captured_queries)

    few, many = cost(3), cost(30)
    assert few == many
    assert many <= 6  # token + user, page, count (and the session-less auth bookkeeping)


def test_the_detail_is_a_fixed_number_of_queries(cast, api_as, django_assert_max_num_queries) -> None:
    s = given(cast, "answered")
    api = api_as(cast.ent_a)
    with django_assert_max_num_queries(6):
        assert api.get(f"{BASE}/{s.pk}").status_code == 200
