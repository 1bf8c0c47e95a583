"""The policy bench scenarios (issue 5): registry, reported figures, targets, and the three matching
runs on a small seeded database — numpy, SQL and OpenFisca must find the same enterprises."""

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from qifu.bench import openfisca_rules, report, scenarios
from qifu.bench.environment import BenchEnv
from qifu.bench.runner import reported
from qifu.bench.scenarios import BatchResult, BenchError, LoadResult
from qifu.enterprises.models import Enterprise
from qifu.policies import engine
from qifu.policies.conditions import parse
from qifu.policies.models import Policy
from qifu.servicelists.models import Membership

POLICY_SAMPLES = {"usccs": ["91320583MA1N2X3Y4Z"]}


def test_policy_scenarios_are_registered():
    reg = scenarios.REGISTRY
    for name in ("policy_match_all", "policy_match_all_sql", "openfisca_match_all"):
        item = reg[name]
        assert isinstance(item, scenarios.Batch) and item.reports
    assert reg["policy_match_all"].argv({}) == ["bench_policies", "match_all"]  # type: ignore[union-attr]
    assert reg["policy_match_all_sql"].argv({}) == ["bench_policies", "match_all_sql"]  # type: ignore[union-attr]
    assert reg["openfisca_match_all"].argv({}) == ["bench_policies", "openfisca"]  # type: ignore[union-attr]
    page = reg["enterprise_policies"]
    assert isinstance(page, scenarios.Scenario) and page.auth is scenarios.Auth.TOKEN
    assert page.paths(POLICY_SAMPLES) == ["/api/v1/enterprises/91320583MA1N2X3Y4Z/policies"]
    assert set(reg) >= scenarios.NEEDS_POLICIES


def test_a_reporting_batch_takes_its_own_seconds_and_keeps_the_figures():
    # when
    result = reported('progress…\n{"seconds": 1.234, "policies": 60, "matches": 556}\n', ["bench_policies"])

    # then
    assert result == BatchResult(1.234, {"policies": 60, "matches": 556})
    assert result.as_json() == {"seconds": 1.23, "policies": 60, "matches": 556}
    with pytest.raises(BenchError, match="printed no JSON"):
        reported("Traceback …", ["bench_policies"])
    with pytest.raises(BenchError, match="printed no JSON"):
        reported('{"policies": 1}', ["bench_policies"])


def _match(seconds: float) -> BatchResult:
    return BatchResult(seconds, {"policies": 1000, "enterprises": 100_000, "matches": 763_939})


@pytest.mark.parametrize(
    ("results", "label", "expected"),
    [
        pytest.param({"policy_match_all": _match(4.2)}, "policy_match_all", True, id="match_fast_case"),
        pytest.param({"policy_match_all": _match(12.5)}, "policy_match_all", False, id="match_slow_case"),
        pytest.param({}, "policy_match_all", None, id="match_not_measured_case"),
        pytest.param(
            {"openfisca_match_all": BatchResult(9.0, {**_match(9).detail, "ratio": 2.1, "mismatched_policies": 0})},
            "openfisca", True, id="openfisca_same_case",
        ),
        pytest.param(
            {"openfisca_match_all": BatchResult(9.0, {**_match(9).detail, "ratio": 2.1, "mismatched_policies": 3})},
            "openfisca", False, id="openfisca_differs_case",
        ),
        pytest.param(
            {"enterprise_policies": LoadResult(1000, 10, 10, 30, 40, 0)}, "enterprise_policies", True, id="api_case"
        ),
    ],
)  # fmt: skip
def test_policy_targets(results, label, expected):
    outcomes = {name: passed for name, passed, _ in report.evaluate(results)}

    assert [passed for name, passed in outcomes.items() if name.startswith(label)] == [expected]


def test_the_table_shows_a_batch_jobs_figures():
    text = report.table({"policy_match_all": _match(4.2)})

    assert "4.2 s (batch job, policies 1,000, enterprises 100,000, matches 763,939)" in text


def test_the_bench_adds_the_policies_through_seed_policies(tmp_path: Path, monkeypatch):
    # given
    env = BenchEnv(scale="zone", data_dir=tmp_path)
    calls: list[tuple[str, ...]] = []

    def qifu(*args: str, capture: bool = False, check: bool = True) -> CompletedProcess[str]:
        calls.append(args)
        return CompletedProcess(list(args), 0, stdout='{"policies": 60, "list_memberships": 104}\n', stderr="")

    monkeypatch.setattr(env, "qifu", qifu)
    said: list[str] = []

    # when
    env.ensure_policies(say=said.append)

    # then
    assert calls == [("seed_policies", "--scale", "zone", "--seed", "1", "--no-progress")]
    assert said == ["added to the seeded database: 60 policies, 104 service-list memberships"]


# --- the runs, on a small seeded database ----------------------------------------------------------


@pytest.fixture
def seeded(db, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = None
    call_command("seed", scale="small", seed=1, no_progress=True, stdout=StringIO())
    # missing data, so that unknown (the third value) is exercised: no revenue, no industry, no date
    first, second, third = Enterprise.objects.order_by("id")[:3]
    Enterprise.objects.filter(pk=first.pk).update(revenue_last_year=None, rd_last_year=None)
    Enterprise.objects.filter(pk=second.pk).update(industry="", park="")
    Enterprise.objects.filter(pk=third.pk).update(founded_on=None, employees=None)
    # a wider net than the small seed's 8 policies: the zone's 60 trees, every field and operator
    from qifu.ops.seeding.policies import PolicyPlanner

    usccs = list(Enterprise.objects.order_by("uscc").values_list("uscc", flat=True))
    planned = PolicyPlanner(seed=3, count=60, departments={"JFJ": "经济发展局"}, named=usccs[:5], blacklist=usccs[5:7])
    department = Policy.objects.values_list("department_id", flat=True).first()
    assert department is not None
    for row in planned.plan():
        Policy.objects.create(
            code=f"T-{row.code}", title=row.title, category=row.category, department_id=department,
            conditions=row.conditions, status=row.status,
        )  # fmt: skip


def _run(which: str) -> dict[str, Any]:
    out = StringIO()
    call_command("bench_policies", which, stdout=out)
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


@pytest.mark.slow
def test_the_three_runs_find_the_same_enterprises(seeded):
    # when
    numpy_run, sql_run, openfisca_run = _run("match_all"), _run("match_all_sql"), _run("openfisca")

    # then
    assert numpy_run["policies"] == Policy.objects.count() == 68
    assert numpy_run["enterprises"] == Enterprise.objects.count()
    assert numpy_run["matches"] > 0
    assert sql_run["matches"] == numpy_run["matches"] == openfisca_run["matches"]
    assert openfisca_run["mismatched_policies"] == 0 and openfisca_run["ratio"] > 0
    assert {"seconds", "load_seconds", "compute_seconds", "engine_seconds", "published"} <= set(openfisca_run)


@pytest.mark.parametrize("snapshot", [True, False], ids=["with_lists_case", "without_lists_case"])
def test_the_openfisca_translation_gives_engine_match_alls_sets(seeded, snapshot):
    # given: with the service-list snapshot, and without one (service_lists is then unknown)
    if not snapshot:
        Membership.objects.all().delete()
    trees = [(code, parse(tree)) for code, tree in Policy.objects.values_list("code", "conditions")]
    for on in (timezone.localdate(), date(2027, 2, 28), date(2028, 2, 29) + timedelta(days=1)):
        ctx = engine.context(on)

        # when
        outcome = openfisca_rules.match_all(trees, ctx)
        expected = engine.match_all(trees, engine.load_columns(ctx))

        # then
        for code, _node in trees:
            assert np.array_equal(np.sort(outcome.eligible[code]), np.sort(expected[code])), code
        assert outcome.enterprises == Enterprise.objects.filter(status="active").count()
