"""Bad input for the policy import (issue 5 "Must show"): each refused with the path of the fault,
and nothing imported — no policy, no audit record. Through `qifu policies import FILE --json`
(the path operators use) and through POST /api/v1/policies/import (the same service)."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from qifu.audit.models import AuditEntry
from qifu.policies.models import Policy
from qifu.policies.tests.given_api import ABOVE_SCALE, given_policy, policy_data

pytestmark = pytest.mark.django_db


def run_import(tmp_path: Path, content: str | bytes, *extra: str) -> tuple[int, Any]:
    """(exit status, the JSON on stdout) of `qifu policies import FILE --json`."""
    path = tmp_path / "policies.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    out, err = StringIO(), StringIO()
    try:
        call_command("policies", "import", str(path), "--json", *extra, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def conditions_with(bad_leaf: dict[str, Any]) -> dict[str, Any]:
    """An `all` whose third part (index 2) is BAD_LEAF: the fault's path is conditions.all[2]…"""
    return {
        "all": [
            ABOVE_SCALE,
            {"field": "employees", "op": "ge", "value": 10},
            bad_leaf,
        ]
    }


BAD_CONDITIONS = [
    pytest.param(
        conditions_with({"field": "turnover", "op": "ge", "value": 1}),
        "conditions.all[2].field",
        id="unknown_field_case",
    ),
    pytest.param(
        conditions_with({"field": "employees", "op": "gte", "value": 1}), "conditions.all[2].op", id="unknown_op_case"
    ),
    pytest.param(
        conditions_with({"field": "revenue_last_year", "op": "ge", "value": "两千万"}),
        "conditions.all[2].value",
        id="string_for_number_case",
    ),
    pytest.param(
        conditions_with({"field": "employees", "op": "between", "value": [10]}),
        "conditions.all[2].value",
        id="between_one_value_case",
    ),
    pytest.param({"all": []}, "conditions.all", id="empty_all_case"),
    pytest.param({"any": [ABOVE_SCALE, {"all": []}]}, "conditions.any[1].all", id="nested_empty_all_case"),
]


@pytest.mark.parametrize(("conditions", "path"), BAD_CONDITIONS)
def test_a_bad_condition_refuses_the_whole_file_with_its_path(cast, tmp_path, conditions, path) -> None:
    # given: a good policy first, the bad one second
    items = [policy_data("KS-OK-01"), policy_data("KS-BAD-02", conditions=conditions)]
    audits = AuditEntry.objects.count()
    # when
    status, report = run_import(tmp_path, json.dumps(items, ensure_ascii=False))
    # then
    assert status == 1
    assert report["code"] == "invalid_policy"
    assert {(f["index"], f["code"], f["path"]) for f in report["faults"]} == {(1, "KS-BAD-02", path)}
    assert all(f["message"] for f in report["faults"])
    assert Policy.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_every_fault_of_a_file_is_named_at_once(cast, tmp_path) -> None:
    bad = {
        "all": [
            {"field": "turnover", "op": "ge", "value": 1},
            {"field": "employees", "op": "gte", "value": 1},
            {"field": "employees", "op": "between", "value": [10]},
        ]
    }
    items = [policy_data("KS-A", conditions=bad), policy_data("KS-B", title="", valid_from="2026-13-01")]
    status, report = run_import(tmp_path, json.dumps(items, ensure_ascii=False))
    assert status == 1
    assert {(f["index"], f["path"]) for f in report["faults"]} == {
        (0, "conditions.all[0].field"),
        (0, "conditions.all[1].op"),
        (0, "conditions.all[2].value"),
        (1, "title"),
        (1, "valid_from"),
    }
    assert Policy.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('[{"code": "KS-1", "title": "缺了括号"', id="truncated_case"),
        pytest.param("not json at all", id="text_case"),
        pytest.param(b"\xff\xfe\x00garbage", id="not_utf8_case"),
        pytest.param("[]", id="empty_list_case"),
        pytest.param('"a string"', id="not_a_list_case"),
    ],
)
def test_malformed_json_is_refused(cast, tmp_path, content) -> None:
    audits = AuditEntry.objects.count()
    status, report = run_import(tmp_path, content)
    assert status == 1
    assert report["code"] == "malformed_json" and report["faults"]
    assert Policy.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_a_code_twice_in_one_file_is_refused(cast, tmp_path) -> None:
    items = [policy_data("KS-DUP"), policy_data("KS-OTHER"), policy_data("KS-DUP", title="另一条")]
    status, report = run_import(tmp_path, json.dumps(items, ensure_ascii=False))
    assert status == 1
    assert report["code"] == "duplicate_policy_code"
    assert [(f["index"], f["code"], f["path"]) for f in report["faults"]] == [(2, "KS-DUP", "code")]
    assert Policy.objects.count() == 0


def test_a_code_taken_by_a_different_policy_is_refused_without_replace(cast, tmp_path) -> None:
    # given: KS-TAKEN exists
    given_policy(cast.desk, "KS-TAKEN")
    audits = AuditEntry.objects.count()
    items = [policy_data("KS-NEW"), policy_data("KS-TAKEN", title="同一编号的另一项政策")]
    # when
    status, report = run_import(tmp_path, json.dumps(items, ensure_ascii=False))
    # then
    assert status == 1
    assert report["code"] == "duplicate_policy_code"
    assert [(f["index"], f["code"], f["path"]) for f in report["faults"]] == [(1, "KS-TAKEN", "code")]
    assert sorted(Policy.objects.values_list("code", flat=True)) == ["KS-TAKEN"]
    assert Policy.objects.get(code="KS-TAKEN").title == "高新技术企业首次认定奖励"
    assert AuditEntry.objects.count() == audits


def test_with_replace_the_taken_code_is_updated(cast, tmp_path) -> None:
    given_policy(cast.desk, "KS-TAKEN")
    items = [policy_data("KS-NEW"), policy_data("KS-TAKEN", title="修订后的政策")]
    status, report = run_import(tmp_path, json.dumps(items, ensure_ascii=False), "--replace")
    assert status == 0
    assert report == {"created": ["KS-NEW"], "updated": ["KS-TAKEN"], "unchanged": []}
    assert Policy.objects.get(code="KS-TAKEN").title == "修订后的政策"


def test_over_the_api_the_same_faults_come_back_and_nothing_is_written(cast, api_as) -> None:
    bad = conditions_with({"field": "employees", "op": "gte", "value": 1})
    api = api_as(cast.desk)  # (its token is audited)
    audits = AuditEntry.objects.count()
    response = api.post("/api/v1/policies/import", [policy_data("KS-1"), policy_data("KS-2", conditions=bad)])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_policy" and body["detail"]
    assert [(f["index"], f["path"]) for f in body["faults"]] == [(1, "conditions.all[2].op")]
    assert Policy.objects.count() == 0 and AuditEntry.objects.count() == audits


@pytest.mark.parametrize("code", ["new", "import", "for-us", "Brief", "export.json"])
def test_a_code_that_would_shadow_a_page_is_refused(code: str) -> None:
    from qifu.policies.services import policy_check

    policy, faults = policy_check(
        {"code": code, "title": "t", "category": "innovation", "department": "KJJ",
         "conditions": {"field": "high_tech", "op": "is", "value": True}}
    )  # fmt: skip
    assert policy is None and [f.path for f in faults] == ["code"]
