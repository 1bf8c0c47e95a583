"""Internal to `qifu bench`: the policy matching batch scenarios, timed inside the process.

    qifu bench_policies match_all      every policy x every active enterprise, numpy (engine.match_all)
    qifu bench_policies match_all_sql  the same, one SQL query per policy (engine.matching)
    qifu bench_policies openfisca      the same rules in OpenFisca, checked against engine.match_all

Each prints one JSON object on stdout: {"seconds", "policies", "enterprises", "matches", …}. The
seconds run from reading the policies to the last eligible set (the column load included); the
interpreter's and Django's start-up are not in them. Every policy in the database is matched,
whatever its status, so the city's figure is the issue's 1,000 policies x 100,000 enterprises.
"""

import json
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qifu.policies import engine
from qifu.policies.conditions import Node, parse
from qifu.policies.models import Policy, PolicyStatus


def policy_trees() -> list[tuple[str, Node]]:
    # The bench reads raw rows on purpose: it measures the engine, not a visibility decision.
    return [(code, parse(tree)) for code, tree in Policy.objects.order_by("code").values_list("code", "conditions")]


def run_match_all(on: date) -> dict[str, Any]:
    return _engine_run(on)[0]


def _engine_run(on: date) -> tuple[dict[str, Any], dict[str, Any]]:
    started = time.perf_counter()
    trees = policy_trees()
    ctx = engine.context(on)
    cols = engine.load_columns(ctx)
    loaded = time.perf_counter()
    eligible = engine.match_all(trees, cols)
    seconds = time.perf_counter() - started
    doc = {
        "seconds": round(seconds, 3),
        "load_seconds": round(loaded - started, 3),
        "policies": len(trees),
        "enterprises": cols.size,
        "matches": sum(len(ids) for ids in eligible.values()),
    }
    return doc, eligible


def run_match_all_sql(on: date) -> dict[str, Any]:
    started = time.perf_counter()
    trees = policy_trees()
    ctx = engine.context(on)
    matches = 0
    for _code, node in trees:
        matches += len(list(engine.matching(node, ctx).values_list("id", flat=True)))
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "policies": len(trees),
        "enterprises": engine.active_enterprises().count(),
        "matches": matches,
    }


def run_openfisca(on: date) -> dict[str, Any]:
    from qifu.bench import openfisca_rules

    started = time.perf_counter()
    trees = policy_trees()
    ctx = engine.context(on)
    outcome = openfisca_rules.match_all(trees, ctx)
    seconds = time.perf_counter() - started
    # The reference, outside OpenFisca's timing: the engine's numpy run, end to end as well.
    reference, expected = _engine_run(on)
    mismatched = [code for code, _node in trees if not same_set(expected[code], outcome.eligible.get(code))]
    return {
        "seconds": round(seconds, 3),
        "translate_seconds": round(outcome.timings["translate"], 3),
        "load_seconds": round(outcome.timings["load"], 3),
        "compute_seconds": round(outcome.timings["compute"], 3),
        "engine_seconds": reference["seconds"],
        "ratio": round(seconds / reference["seconds"], 2) if reference["seconds"] else None,
        "policies": len(trees),
        "enterprises": outcome.enterprises,
        "matches": sum(len(ids) for ids in outcome.eligible.values()),
        "mismatched_policies": len(mismatched),
        "mismatched_codes": mismatched[:10],
    }


def same_set(a: Any, b: Any) -> bool:
    return b is not None and {int(x) for x in a} == {int(x) for x in b}


RUNS = {"match_all": run_match_all, "match_all_sql": run_match_all_sql, "openfisca": run_openfisca}


class Command(BaseCommand):
    help = "Internal to `qifu bench`: time matching every policy against every enterprise; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run", choices=list(RUNS))
        parser.add_argument("--on", type=date.fromisoformat, help="evaluation day (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Policy.objects.exists():
            raise CommandError("no policies in the database (run `qifu seed_policies` first)")
        doc = RUNS[options["run"]](options["on"] or timezone.localdate())
        doc["published"] = Policy.objects.filter(status=PolicyStatus.PUBLISHED).count()
        self.stdout.write(json.dumps(doc, ensure_ascii=False))
