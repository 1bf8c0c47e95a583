"""The API (roles), the dispatch form's hint (scope, query count) and the model page (sysadmin only)."""

import pytest
from django.urls import reverse

from qifu.access.actor import Actor
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import ApiClient
from qifu.triage.models import TriageModel
from qifu.triage.services import triage_train


@pytest.fixture
def accepted(cast):
    case = case_file(
        actor=Actor.of(cast.ent_a),
        enterprise=cast.a,
        data=CaseData(title="退税到账慢", text="我们一笔出口退税申报三个月了还没到账，麻烦帮忙问问"),
    )
    return case_act(actor=Actor.of(cast.desk), case_id=case.pk, action="accept", payload={})


@pytest.mark.parametrize("who", ["desk", "leader", "jfj_head", "jfj_handler"])
def test_api_answers_staff_who_route_cases(cast, who):
    r = ApiClient(getattr(cast, who)).post("/api/v1/triage", {"text": "厂区用电需要增容"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["source"] == "keywords" and body["model_version"] is None
    assert body["category"]["code"] == "utilities" and body["department"]["code"] == "JFJ"
    assert len(body["alternatives"]) == 2 and len(body["department_alternatives"]) == 2


@pytest.mark.parametrize("who", ["ent_a", "liaison_a", "deputy", "sysadmin", "secadmin", "auditor"])
def test_api_refuses_everyone_else(cast, who):
    r = ApiClient(getattr(cast, who)).post("/api/v1/triage", {"text": "厂区用电需要增容"})
    assert r.status_code == 403 and r.json()["code"] == "triage_forbidden"


def test_api_blank_text_and_model_source(cast, history):
    client = ApiClient(cast.desk)
    r = client.post("/api/v1/triage", {"text": "   "})
    assert r.status_code == 422 and r.json()["code"] == "triage_empty_text"
    row = triage_train(actor=None)
    r = client.post("/api/v1/triage", {"text": "出口退税还没到账"})
    assert r.json()["source"] == "model" and r.json()["model_version"] == row.pk


def test_case_page_hooks_the_hint_into_the_dispatch_form(client, cast, accepted):
    client.force_login(cast.desk)
    page = client.get(reverse("cases:detail", args=[accepted.pk])).content.decode()
    assert reverse("triage:hint", args=[accepted.pk]) in page


def test_hint_is_a_hint_with_a_bounded_query_count(client, cast, accepted, history, django_assert_max_num_queries):
    triage_train(actor=None)
    client.force_login(cast.desk)
    url = reverse("triage:hint", args=[accepted.pk])
    client.get(url)  # warm: session, the model loaded once per process
    with django_assert_max_num_queries(8):
        r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and "data-qf-triage-use" in html
    assert 'data-category="tax"' in html and 'data-lead="SWJ"' in html
    accepted.refresh_from_db()
    assert accepted.category_id is None and accepted.state == "accepted"  # nothing applied


@pytest.mark.parametrize("who", ["ent_b", "liaison_b", "sysadmin"])
def test_hint_is_not_found_for_others(client, cast, accepted, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("triage:hint", args=[accepted.pk])).status_code == 404


def test_model_page_for_the_system_administrator_only(client, cast, history, django_assert_max_num_queries):
    client.force_login(cast.sysadmin)
    r = client.get(reverse("triage:model"))
    assert r.status_code == 200 and "关键词" in r.content.decode()
    r = client.post(reverse("triage:retrain"))
    assert r.status_code == 302 and TriageModel.objects.count() == 1
    with django_assert_max_num_queries(14):
        r = client.get(reverse("triage:model"))
    html = r.content.decode()
    assert 'id="triage-confusion"' in html and "税务办理" in html and 'id="triage-top3"' in html
    for who in ("desk", "leader", "secadmin", "auditor"):
        client.force_login(getattr(cast, who))
        assert client.get(reverse("triage:model")).status_code == 404
        assert client.post(reverse("triage:retrain")).status_code == 404
    assert TriageModel.objects.count() == 1


def test_the_bench_scenario_posts_a_generated_request_the_api_answers(cast):
    import json

    from qifu.bench import scenarios

    item = scenarios.REGISTRY["triage"]
    assert isinstance(item, scenarios.Scenario) and "triage" in scenarios.NEEDS_TRIAGE
    assert item.method == "POST" and item.paths({}) == ["/api/v1/triage"] and item.body is not None
    body = json.loads(item.body({}))
    r = ApiClient(getattr(cast, item.user)).post("/api/v1/triage", body)
    assert r.status_code == 200 and r.json()["category"]["code"]
