"""JSON import from the page (all or nothing, the report names 序号, 编号, 位置 and 原因 of every
fault) and JSON export (what the actor sees, in the formats.md shape, read back by the import)."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qifu.audit.models import AuditEntry
from qifu.policies.models import Policy, PolicyStatus

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response: Any) -> str:
    return str(response.content.decode())


def item(code: str, conditions: Any, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"政策 {code}",
        "category": "innovation",
        "department": "KJJ",
        "document_no": "昆科〔2026〕1号",
        "valid_from": "2026-01-01",
        "valid_to": "2099-12-31",
        "benefit": "奖励",
        "auto_grant": False,
        "summary": "摘要",
        "conditions": conditions,
        **extra,
    }


GOOD = {"all": [{"field": "high_tech", "op": "is", "value": True}, {"field": "employees", "op": "ge", "value": 50}]}


def upload(client: Client, payload: Any, *, replace: bool = False, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    data: dict[str, Any] = {"file": SimpleUploadedFile("policies.json", body, content_type="application/json")}
    if replace:
        data["replace"] = "on"
    return client.post("/policies/import/", data)


def report_rows(text: str) -> list[list[str]]:
    import re

    table = re.search(r'id="import-faults".*?<tbody>(.*?)</tbody>', text, re.S)
    assert table is not None, "no fault report"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def test_the_import_page_renders_for_the_desk_and_departments(cast: Any) -> None:
    for user in (cast.desk, cast.kjj_handler):
        text = html(login(user).get("/policies/import/"))
        assert 'name="file"' in text and 'name="replace"' in text


def test_every_bad_part_is_reported_and_nothing_is_imported(cast: Any) -> None:
    client = login(cast.desk)
    audits = AuditEntry.objects.count()
    items = [
        item("OK-1", GOOD),
        item("BAD-FIELD", {"field": "favourite_colour", "op": "eq", "value": "red"}),
        item("BAD-OP", {"all": [{"field": "employees", "op": "approx", "value": 10}]}),
        item("BAD-NUMBER", {"field": "employees", "op": "ge", "value": "五十"}),
        item("BAD-BETWEEN", {"field": "registered_capital", "op": "between", "value": [100]}),
        item("BAD-EMPTY", {"all": []}),
        item("OK-1", GOOD),  # the same code twice in one file
    ]
    response = upload(client, items)
    assert response.status_code == 422
    rows = report_rows(html(response))
    assert rows[0][:3] == ["2", "BAD-FIELD", "conditions.field"]
    assert rows[1][:3] == ["3", "BAD-OP", "conditions.all[0].op"]
    assert rows[2][:3] == ["4", "BAD-NUMBER", "conditions.value"]
    assert rows[3][:3] == ["5", "BAD-BETWEEN", "conditions.value"]
    assert rows[4][:3] == ["6", "BAD-EMPTY", "conditions.all"]
    assert rows[5][:3] == ["7", "OK-1", "code"] and "重复" in rows[5][3]
    assert "未知字段" in rows[0][3] and "未知运算符" in rows[1][3]
    assert not Policy.objects.exists() and AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    "raw",
    [b'[{"code": "X-1", ', b"\xff\xfe not utf-8", b'{"just": "an object"}', b"[]", b"42"],
    ids=["truncated", "not_utf8", "object_not_policy", "empty_list", "number"],
)
def test_a_malformed_file_is_refused_whole(cast: Any, raw: bytes) -> None:
    client = login(cast.desk)
    response = upload(client, None, raw=raw)
    assert response.status_code == 422
    text = html(response)
    assert 'id="import-faults"' in text or "不是有效的 JSON" in text or "JSON 列表" in text
    assert not Policy.objects.exists()


def test_no_file_is_a_message_beside_the_field(cast: Any) -> None:
    response = login(cast.desk).post("/policies/import/", {})
    assert response.status_code == 422 and "请选择要导入的 JSON 文件" in html(response)


def test_success_reports_created_updated_and_unchanged(cast: Any) -> None:
    client = login(cast.desk)
    response = upload(client, [item("P-1", GOOD), item("P-2", GOOD)])
    assert response.status_code == 200
    assert "新增 2 条，更新 0 条，未变 0 条" in html(response)
    assert set(Policy.objects.values_list("code", flat=True)) == {"P-1", "P-2"}
    again = upload(client, [item("P-1", GOOD), item("P-2", GOOD)])
    assert "新增 0 条，更新 0 条，未变 2 条" in html(again)
    changed = [item("P-1", GOOD, title="新名称"), item("P-2", GOOD)]
    refused = upload(client, changed)
    assert refused.status_code == 422 and "替换已有政策" in html(refused)
    assert Policy.objects.get(code="P-1").title == "政策 P-1"
    replaced = upload(client, changed, replace=True)
    assert "新增 0 条，更新 1 条，未变 1 条" in html(replaced)
    assert Policy.objects.get(code="P-1").title == "新名称"


def test_a_department_may_not_import_another_departments_policy(cast: Any) -> None:
    response = upload(login(cast.jfj_handler), [item("KJJ-X", GOOD)])
    assert response.status_code == 403 and "只有服务专班和发布部门" in html(response)
    assert not Policy.objects.exists()


# --- export ------------------------------------------------------------------------------------------------


NESTED = {
    "all": [
        {"field": "industry", "op": "prefix", "value": ["C39", "C40"]},
        {"not": {"field": "service_lists", "op": "in", "value": ["declining"]}},
        {
            "any": [
                {"field": "rd_ratio", "op": "ge", "value": 0.035},
                {"field": "registered_capital", "op": "between", "value": [100, 5000.5]},
                {"field": "founded_on", "op": "lt", "value": "2020-06-30"},
                {"field": "ownership", "op": "in", "value": ["foreign", "taiwan"]},
            ]
        },
    ]
}


def test_export_round_trips_through_import_into_an_empty_database(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(cast.desk)
    originals = [
        item(
            "RT-1", NESTED, interpretation="解读一", full_text="原文一", apply_from="2026-03-01", apply_to="2026-04-30"
        ),
        item("RT-2", GOOD, auto_grant=True, status="draft", department="JFJ", category="industry"),
        item(
            "RT-3",
            {"field": "age_years", "op": "between", "value": [1, 5]},
            valid_from="2025-01-01",
            valid_to="2025-12-31",
        ),
    ]  # RT-3 is past its validity: imported as expired
    assert upload(client, originals).status_code == 200
    assert Policy.objects.get(code="RT-3").status == PolicyStatus.EXPIRED
    before = {p.code: (p.conditions, p.status, p.auto_grant, p.department_id, p.apply_to) for p in Policy.objects.all()}

    with django_assert_max_num_queries(6):
        response = client.get("/policies/export.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert {p["code"] for p in exported} == {"RT-1", "RT-2", "RT-3"}
    rt1 = next(p for p in exported if p["code"] == "RT-1")
    assert rt1["conditions"] == NESTED and rt1["department"] == "KJJ" and rt1["interpretation"] == "解读一"

    Policy.objects.all().delete()  # an empty database
    result = upload(client, exported)
    assert result.status_code == 200 and "新增 3 条" in html(result)
    after = {p.code: (p.conditions, p.status, p.auto_grant, p.department_id, p.apply_to) for p in Policy.objects.all()}
    assert after == before


def test_export_gives_each_person_what_they_see(cast: Any) -> None:
    client = login(cast.desk)
    upload(client, [item("PUB-1", GOOD), item("DRAFT-1", GOOD, status="draft")])
    handler = login(cast.jfj_handler)  # staff of another department: published ones only
    assert [p["code"] for p in json.loads(handler.get("/policies/export.json").content)] == ["PUB-1"]
    assert handler.get("/policies/DRAFT-1/export.json").status_code == 404
    one = json.loads(handler.get("/policies/PUB-1/export.json").content)
    assert [p["code"] for p in one] == ["PUB-1"] and one[0]["conditions"] == GOOD
    # The files carry the conditions whole (一企一策 lists included): not for enterprise users.
    ent = login(cast.ent_a)
    assert ent.get("/policies/export.json").status_code == 404
    assert ent.get("/policies/PUB-1/export.json").status_code == 404
    assert login(cast.sysadmin).get("/policies/export.json").status_code == 404
