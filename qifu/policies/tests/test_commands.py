"""`qifu policies import|match|explain|nightly` (PRODUCT.md §3): JSON only on stdout with --json,
messages on stderr, the exact explain shape, --on moving ages, non-zero exits with a message."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.policies.models import Policy
from qifu.policies.tests.given_api import given_policy, policy_data

pytestmark = pytest.mark.django_db

AGE_15 = {"all": [{"field": "above_scale", "op": "is", "value": True}, {"field": "age_years", "op": "ge", "value": 15}]}


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("policies", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_then_changes_nothing_the_second_time(cast, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps([policy_data("KS-1"), policy_data("KS-2", status="draft")], ensure_ascii=False))
    out, err = run("import", str(path), "--json")
    assert json.loads(out) == {"created": ["KS-1", "KS-2"], "updated": [], "unchanged": []}
    assert "created 2" in err
    out, _ = run("import", str(path), "--json")
    assert json.loads(out) == {"created": [], "updated": [], "unchanged": ["KS-1", "KS-2"]}
    assert dict(Policy.objects.values_list("code", "status")) == {"KS-1": "published", "KS-2": "draft"}


def test_import_with_faults_exits_1_lists_them_and_writes_nothing(cast, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    bad = {"all": [{"field": "employees", "op": "ge", "value": "many"}]}
    path.write_text(json.dumps([policy_data("KS-1"), policy_data("KS-2", conditions=bad)], ensure_ascii=False))
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("policies", "import", str(path), stdout=out, stderr=StringIO())
    assert raised.value.returncode == 1
    assert "[1] KS-2 conditions.all[0].value:" in out.getvalue()
    assert Policy.objects.count() == 0


def test_import_of_a_missing_file_exits_2(cast, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        run("import", str(tmp_path / "nope.json"))
    assert raised.value.returncode == 2


def test_match_prints_only_the_json_list_of_usccs(cast) -> None:
    given_policy(cast.desk, "KS-EL")  # C39/C40 and 规上: enterprise A only
    out, err = run("match", "KS-EL", "--json")
    assert json.loads(out) == [cast.a.uscc]
    assert "1 eligible" in err


def test_match_skips_a_deregistered_enterprise(cast) -> None:
    given_policy(cast.desk, "KS-EL")
    Enterprise.objects.filter(pk=cast.a.pk).update(status=EnterpriseStatus.DEREGISTERED)
    out, _ = run("match", "KS-EL", "--json")
    assert json.loads(out) == []


def test_on_moves_the_age_of_every_enterprise(cast) -> None:
    # given: founded 2012-05-01, so 14 years old on 2027-04-30 and 15 on 2027-05-01
    given_policy(cast.desk, "KS-AGE", conditions=AGE_15)
    # then
    assert json.loads(run("match", "KS-AGE", "--json", "--on", "2027-04-30")[0]) == []
    assert json.loads(run("match", "KS-AGE", "--json", "--on", "2027-05-01")[0]) == sorted(
        [cast.a.uscc, cast.b.uscc, cast.c.uscc]
    )
    before = json.loads(run("explain", "KS-AGE", cast.a.uscc, "--json", "--on", "2027-04-30")[0])
    after = json.loads(run("explain", "KS-AGE", cast.a.uscc, "--json", "--on", "2027-05-01")[0])
    assert (before["eligible"], before["leaves"][1]["actual"], before["leaves"][1]["outcome"]) == (False, 14, "false")
    assert (after["eligible"], after["leaves"][1]["actual"], after["leaves"][1]["outcome"]) == (True, 15, "true")


def test_explain_prints_exactly_the_documented_shape(cast) -> None:
    conditions = {
        "all": [
            {"field": "industry", "op": "prefix", "value": ["C39", "C40"]},
            {"field": "revenue_last_year", "op": "ge", "value": 2000},
            {"not": {"field": "listed", "op": "is", "value": True}},
        ]
    }
    given_policy(cast.desk, "KS-X", conditions=conditions)
    out, err = run("explain", "KS-X", cast.a.uscc, "--json", "--on", "2026-11-27")
    body: dict[str, Any] = json.loads(out)
    assert err == ""
    assert body == {
        "eligible": None,  # revenue is missing: unknown, not false
        "leaves": [
            {
                "path": "conditions.all[0]",
                "field": "industry",
                "op": "prefix",
                "value": ["C39", "C40"],
                "actual": "C3985",
                "outcome": "true",
            },
            {
                "path": "conditions.all[1]",
                "field": "revenue_last_year",
                "op": "ge",
                "value": 2000,
                "actual": None,
                "outcome": "unknown",
            },
            {
                "path": "conditions.all[2].not",
                "field": "listed",
                "op": "is",
                "value": True,
                "actual": False,
                "outcome": "false",
            },
        ],
    }


def test_explain_a_deregistered_enterprise_is_not_eligible(cast) -> None:
    given_policy(cast.desk, "KS-EL")
    Enterprise.objects.filter(pk=cast.a.pk).update(status=EnterpriseStatus.DEREGISTERED)
    out, err = run("explain", "KS-EL", cast.a.uscc, "--json")
    assert json.loads(out)["eligible"] is False
    assert "deregistered" in err


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("match", "NO-SUCH", "--json"), id="match_unknown_code_case"),
        pytest.param(("explain", "NO-SUCH", "91320583MA1XXXXXX0", "--json"), id="explain_unknown_code_case"),
        pytest.param(("explain", "KS-EL", "91320583MA1XXXXXX0", "--json"), id="explain_unknown_uscc_case"),
        pytest.param(("match", "KS-EL", "--on", "2026-02-30"), id="bad_date_case"),
        pytest.param(("match",), id="no_code_case"),
    ],
)
def test_unknown_things_exit_non_zero_with_a_message(cast, args) -> None:
    given_policy(cast.desk, "KS-EL")
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("policies", *args, stdout=out, stderr=StringIO())
    assert raised.value.returncode != 0 and str(raised.value)
    assert out.getvalue() == ""


def test_match_all_gives_every_published_policy_in_force(cast) -> None:
    given_policy(cast.desk, "KS-EL")
    given_policy(cast.desk, "KS-ALL", conditions={"field": "above_scale", "op": "is", "value": True})
    given_policy(cast.desk, "KS-DRAFT", status="draft")
    given_policy(cast.desk, "KS-OLD", valid_from="2020-01-01", valid_to="2020-12-31")
    out, _ = run("match", "--all", "--json", "--on", "2026-11-27")
    assert json.loads(out) == {
        "KS-EL": [cast.a.uscc],
        "KS-ALL": sorted([cast.a.uscc, cast.b.uscc, cast.c.uscc]),
    }


def test_nightly_reports_its_counts_as_json(cast) -> None:
    given_policy(cast.desk, "KS-EL")
    out, _ = run("nightly", "--json", "--on", "2026-11-27")
    assert json.loads(out) == {"today": "2026-11-27", "expired": 0, "notified": 1, "granted": 0}
    out, _ = run("nightly", "--json", "--on", "2026-11-27")
    assert json.loads(out)["notified"] == 0
