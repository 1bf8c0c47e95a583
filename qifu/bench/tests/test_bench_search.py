"""The `search` scenario (issue 7 item 1): registered with the desk's token, URL-encoded queries
from the ledger's own titles, and its p95 ≤ 100 ms target."""

from urllib.parse import unquote

import pytest

from qifu.bench import report, scenarios
from qifu.bench.samples import sample_search_queries
from qifu.bench.scenarios import LoadResult


def _load(p95: float) -> LoadResult:
    return LoadResult(requests=1000, seconds=10.0, p50_ms=p95 / 2, p95_ms=p95, p99_ms=p95, errors=0)


def test_search_is_registered_as_the_desk_over_the_cases():
    item = scenarios.REGISTRY["search"]
    assert isinstance(item, scenarios.Scenario)
    assert item.auth is scenarios.Auth.TOKEN and item.user == "desk"
    (path,) = item.paths({"search_queries": ["用电 增容"]})
    assert path.startswith("/api/v1/search?type=cases&limit=20&q=") and " " not in path
    assert unquote(path.split("q=")[1]) == "用电 增容"
    assert item.paths({}) == []


@pytest.mark.parametrize(("p95", "expected"), [(80.0, True), (140.0, False)])
def test_search_target(p95, expected):
    outcomes = {name: passed for name, passed, _ in report.evaluate({"search": _load(p95)})}
    assert outcomes["search p95 ≤ 100 ms"] is expected


def test_queries_are_two_words_of_the_cases_own_titles(cast):
    from qifu.access.actor import Actor
    from qifu.cases.services import CaseData, case_file

    for title in ("员工社保办理问题", "厂区用电增容申请"):
        case_file(actor=Actor.of(cast.ent_a), enterprise=cast.a, data=CaseData(text=title + "，请协调。", title=title))
    queries = sample_search_queries(10)
    assert queries and all(len(q.split(" ")) == 2 for q in queries)
