"""The policy editor's pages: who may open them (the desk, the issuing department; 404 or 403 for
others), a save with bad conditions that lists every fault by its path and writes nothing, a good
save, the status buttons, the live preview count and the condition editor's field catalogue."""

import json
import re
from typing import Any

import pytest
from django.test import Client

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.policies.models import Policy, PolicyStatus
from qifu.policies.services import policy_save

pytestmark = pytest.mark.django_db

CONDITIONS = {
    "all": [
        {"field": "high_tech", "op": "is", "value": True},
        {
            "any": [
                {"field": "industry", "op": "prefix", "value": ["C39", "C34"]},
                {"field": "employees", "op": "ge", "value": 300},
            ]
        },
    ]
}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response: Any) -> str:
    return str(response.content.decode())


def catalogue_of(text: str) -> dict[str, Any]:
    """The field catalogue the page hands the condition editor (<script type="application/json">)."""
    found = re.search(r'id="qf-policy-catalogue"[^>]*>(.*?)</script>', text, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "KS-2026-HT-01",
        "title": "高新技术企业首次认定奖励",
        "category": "innovation",
        "department": "KJJ",
        "document_no": "昆高新〔2026〕12号",
        "valid_from": "2026-01-01",
        "valid_to": "2099-12-31",
        "apply_from": "",
        "apply_to": "",
        "benefit": "一次性奖励30万元",
        "summary": "首次认定的高新技术企业给予奖励。",
        "interpretation": "去年首次认定为高新技术企业的，可申请一次性奖励。",
        "full_text": "第一条 ……",
        "status": "draft",
        "conditions": json.dumps(CONDITIONS, ensure_ascii=False),
    }
    data.update(overrides)
    return data


def make_policy(cast: Any, *, department: str = "KJJ", status: str = "published", code: str = "KJJ-01") -> Policy:
    return policy_save(
        actor=Actor.of(cast.desk),
        data={
            "code": code,
            "title": "科技政策",
            "category": "innovation",
            "department": department,
            "conditions": CONDITIONS,
            "status": status,
        },
    )


# --- who may open the editor ---------------------------------------------------------------------------


def test_the_new_page_renders_for_the_desk_and_a_departments_staff(cast: Any) -> None:
    page = login(cast.desk).get("/policies/new/")
    assert page.status_code == 200
    text = html(page)
    assert 'name="conditions"' in text and 'id="qf-policy-catalogue"' in text and "policies/editor.js" in text
    assert "<script>" not in text  # CSP: no inline script, the catalogue is JSON data
    assert 'value="JFJ"' in text and 'value="KJJ"' in text  # the desk may pick any department
    own = html(login(cast.kjj_handler).get("/policies/new/"))
    assert 'value="KJJ"' in own and 'value="JFJ"' not in own  # a department only itself


@pytest.mark.parametrize("who", ["ent_a", "liaison_a", "leader", "sysadmin"])
def test_the_new_page_is_not_found_for_everyone_else(cast: Any, who: str) -> None:
    assert login(getattr(cast, who)).get("/policies/new/").status_code == 404


def test_the_edit_page_for_the_desk_and_the_issuing_department(cast: Any) -> None:
    policy = make_policy(cast)
    for user in (cast.desk, cast.kjj_head, cast.kjj_handler):
        response = login(user).get(f"/policies/{policy.code}/edit/")
        assert response.status_code == 200, user.username
        assert "科技政策" in html(response)


def test_another_department_gets_403_for_a_published_policy_and_404_for_a_draft(cast: Any) -> None:
    published = make_policy(cast, code="KJJ-PUB")
    draft = make_policy(cast, code="KJJ-DRAFT", status="draft")
    jfj = login(cast.jfj_handler)
    assert jfj.get(f"/policies/{published.code}/edit/").status_code == 403
    assert jfj.post(f"/policies/{published.code}/edit/", form_data(title="改掉")).status_code == 403
    assert jfj.get(f"/policies/{draft.code}/edit/").status_code == 404
    assert jfj.post(f"/policies/{published.code}/status/", {"status": "draft"}).status_code == 403
    published.refresh_from_db()
    assert (published.title, published.status) == ("科技政策", "published")


def test_an_enterprise_user_gets_404_on_every_editor_route(cast: Any) -> None:
    policy = make_policy(cast)
    client = login(cast.ent_a)
    for url in (f"/policies/{policy.code}/edit/", "/policies/import/", "/policies/new/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/policies/preview/", {"conditions": "{}"}).status_code == 404
    assert client.post(f"/policies/{policy.code}/status/", {"status": "draft"}).status_code == 404


# --- saving -------------------------------------------------------------------------------------------


def test_the_desk_creates_a_policy_from_the_form(cast: Any) -> None:
    response = login(cast.desk).post("/policies/new/", form_data())
    assert response.status_code == 302 and response["Location"] == "/policies/KS-2026-HT-01/edit/"
    policy = Policy.objects.get(code="KS-2026-HT-01")
    assert policy.conditions == CONDITIONS
    assert (policy.status, policy.department.code, policy.document_no) == ("draft", "KJJ", "昆高新〔2026〕12号")
    assert policy.interpretation.startswith("去年首次认定")


def test_a_department_cannot_create_a_policy_for_another_department(cast: Any) -> None:
    response = login(cast.jfj_handler).post("/policies/new/", form_data(department="KJJ"))
    assert response.status_code in (403, 422)
    assert not Policy.objects.exists()


BAD = {
    "all": [
        {"field": "no_such_field", "op": "eq", "value": 1},
        {"field": "employees", "op": "resembles", "value": 10},
        {"field": "employees", "op": "ge", "value": "三百"},
        {"field": "registered_capital", "op": "between", "value": [100]},
        {"any": []},
    ]
}
BAD_PATHS = [
    "conditions.all[0].field",
    "conditions.all[1].op",
    "conditions.all[2].value",
    "conditions.all[3].value",
    "conditions.all[4].any",
]


def test_bad_conditions_list_every_fault_by_its_path_and_write_nothing(cast: Any) -> None:
    client = login(cast.desk)
    policies, audits = Policy.objects.count(), AuditEntry.objects.count()
    response = client.post("/policies/new/", form_data(conditions=json.dumps(BAD), title=""))
    assert response.status_code == 422
    text = html(response)
    listed = re.findall(r'<code class="qf-fault-path">([^<]+)</code>', text)
    assert set(BAD_PATHS) <= set(listed) and "title" in listed
    assert "未知运算符" in text and "政策名称必填" in text
    # the editor receives the faults, to mark the parts they name
    catalogue = catalogue_of(text)
    assert {p for p, _m in catalogue["faults"]} >= set(BAD_PATHS)
    assert Policy.objects.count() == policies and AuditEntry.objects.count() == audits


def test_malformed_json_in_the_conditions_is_refused_with_its_place(cast: Any) -> None:
    client = login(cast.desk)  # (signing in is audited too)
    audits = AuditEntry.objects.count()
    response = client.post("/policies/new/", form_data(conditions='{"all": [}'))
    assert response.status_code == 422
    assert "不是有效的 JSON" in html(response) and "第1行" in html(response)
    assert not Policy.objects.exists() and AuditEntry.objects.count() == audits


def test_a_bad_edit_changes_nothing(cast: Any) -> None:
    policy = make_policy(cast)
    before = (policy.updated_at, policy.conditions)
    client = login(cast.kjj_handler)
    audits = AuditEntry.objects.count()
    response = client.post(
        f"/policies/{policy.code}/edit/",
        form_data(conditions=json.dumps({"all": [{"field": "employees", "op": "between", "value": [1]}]})),
    )
    assert response.status_code == 422 and "conditions.all[0].value" in html(response)
    policy.refresh_from_db()
    assert (policy.updated_at, policy.conditions) == before and AuditEntry.objects.count() == audits


def test_an_edit_keeps_the_code_and_the_status(cast: Any) -> None:
    policy = make_policy(cast)
    new_tree = {"field": "employees", "op": "between", "value": [10, 500]}
    response = login(cast.kjj_head).post(
        f"/policies/{policy.code}/edit/",
        form_data(code="SOMETHING-ELSE", status="draft", conditions=json.dumps(new_tree), department="KJJ"),
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.code, policy.status, policy.conditions) == ("KJJ-01", "published", new_tree)


# --- status buttons -----------------------------------------------------------------------------------


def test_publish_withdraw_and_expire_from_the_edit_page(cast: Any) -> None:
    policy = make_policy(cast, status="draft")
    client = login(cast.kjj_handler)
    page = html(client.get(f"/policies/{policy.code}/edit/"))
    assert 'data-qf-policy-confirm="' in page and 'value="published"' in page
    for to in ("published", "expired", "draft", "published", "draft"):
        assert client.post(f"/policies/{policy.code}/status/", {"status": to}).status_code == 302
        policy.refresh_from_db()
        assert policy.status == to
    # a refused step (draft -> expired) says why and changes nothing
    response = client.post(f"/policies/{policy.code}/status/", {"status": "expired"}, follow=True)
    assert "不能改为" in html(response)
    policy.refresh_from_db()
    assert policy.status == "draft"


def test_an_expired_policy_is_read_only_until_withdrawn(cast: Any) -> None:
    policy = make_policy(cast)
    client = login(cast.desk)
    client.post(f"/policies/{policy.code}/status/", {"status": "expired"})
    page = html(client.get(f"/policies/{policy.code}/edit/"))
    assert "已失效，不能直接修改" in page and 'id="policy-save" disabled' in page
    assert client.post(f"/policies/{policy.code}/edit/", form_data(title="新标题")).status_code == 409
    policy.refresh_from_db()
    assert policy.title == "科技政策" and policy.status == PolicyStatus.EXPIRED


# --- preview and the field catalogue --------------------------------------------------------------------


def test_the_preview_counts_the_eligible_and_the_unknown(cast: Any, django_assert_max_num_queries: Any) -> None:
    client = login(cast.desk)
    tree = {"field": "employees", "op": "ge", "value": 300}  # a, b and c have 320 employees
    with django_assert_max_num_queries(8):
        response = client.post("/policies/preview/", {"conditions": json.dumps(tree), "department": "KJJ"})
    assert response.status_code == 200
    assert re.search(r'id="policy-preview-count">3<', html(response))
    unknown = {"field": "revenue_last_year", "op": "ge", "value": 1}  # nobody has revenue yet
    text = html(client.post("/policies/preview/", {"conditions": json.dumps(unknown)}))
    assert 'id="policy-preview-count">0<' in text and "另有 3 家因数据缺失无法判断" in text
    bad = html(client.post("/policies/preview/", {"conditions": json.dumps({"all": []})}))
    assert "conditions.all" in bad and "暂不能预览" in bad


def test_the_catalogue_gives_chinese_labels_kinds_units_and_only_the_allowed_operators(cast: Any) -> None:
    text = html(login(cast.desk).get("/policies/new/"))
    catalogue = catalogue_of(text)
    fields = {f["name"]: f for f in catalogue["fields"]}
    assert fields["registered_capital"]["label"] == "注册资本" and fields["registered_capital"]["unit"] == "万元"
    assert fields["employees"]["unit"] == "人" and fields["age_years"]["unit"] == "年"
    assert [op for op, _l in fields["high_tech"]["ops"]] == ["is", "eq", "ne"]
    assert [op for op, _l in fields["service_lists"]["ops"]] == ["in", "not_in"]
    assert dict(fields["service_lists"]["choices"])["key_core"] == "重点核心企业"
    assert dict(fields["ownership"]["choices"])["foreign"] == "外资"
    assert dict(fields["employees"]["ops"])["ge"] == "不低于"
    assert "百分比" in fields["rd_ratio"]["hint"]
    assert [g for g, _l in catalogue["groups"]] == ["all", "any", "not"]
