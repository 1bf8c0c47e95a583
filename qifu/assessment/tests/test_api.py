"""GET /api/v1/metrics/assessment: shape, numbers, visibility per role, parameters."""

import pytest
import time_machine

from qifu.assessment.tests.conftest import at, bulk_cases, handled, rated
from qifu.conftest import Cast

URL = "/api/v1/metrics/assessment"
ROW_KEYS = {
    "key",
    "name",
    "valid",
    "total",
    "response_rate",
    "solve_rate",
    "satisfaction_rate",
    "composite",
    "sign_on_time_rate",
    "resolve_on_time_rate",
    "return_rate",
    "reopen_rate",
    "avg_handling_days",
    "counts",
}


@pytest.fixture
def zone(cast: Cast, departments):
    """JFJ: 2 driven cases (one 满意, one 基本满意) + 4 plain rated; KJJ 5 rated, 3 solved; AHJ 1."""
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4), rate=("solved", "satisfied"))
    handled(cast, accept=at(11, 5), sign=at(11, 5), resolve=at(11, 6), rate=("solved", "basically_satisfied"))
    rated(departments["JFJ"], cast, solved=4, valid=4)
    rated(departments["KJJ"], cast, solved=3, valid=5)
    rated(departments["AHJ"], cast, solved=1, valid=1)
    return cast


def _get(api_as, user, **params):
    with time_machine.travel(at(12, 1), tick=False):
        return api_as(user).get(URL, {"period": "2026-11", **params})


def test_the_shape_and_the_numbers(zone: Cast, api_as) -> None:
    body = _get(api_as, zone.desk).json()
    assert set(body) == {
        "period",
        "since",
        "until",
        "by",
        "weights",
        "min_cases",
        "computed_at",
        "count",
        "rows",
        "red",
        "black",
        "unranked",
    }
    assert (body["period"], body["since"], body["until"], body["by"]) == (
        "2026-11",
        "2026-11-01",
        "2026-11-30",
        "department",
    )
    assert body["weights"] == {"response": 0.1, "solve": 0.5, "satisfaction": 0.4, "basically_satisfied": 0.9}
    assert body["min_cases"] == 5 and body["computed_at"] is None
    jfj = next(r for r in body["rows"] if r["key"] == "JFJ")
    assert set(jfj) == ROW_KEYS
    # 6 valid: responded 5 (one accepted late), solved 6, 满意 5 + 0.9 × 1 基本满意
    assert (jfj["valid"], jfj["total"], jfj["name"]) == (6, 6, "经济发展局")
    assert jfj["response_rate"] == 0.8333
    assert jfj["solve_rate"] == 1.0
    assert jfj["satisfaction_rate"] == 0.9833
    assert jfj["composite"] == 0.9767  # 0.1 × 5/6 + 0.5 × 1 + 0.4 × 5.9/6 = 0.97666…
    assert jfj["avg_handling_days"] == 3.0 and jfj["counts"]["handled"] == 2
    kjj = next(r for r in body["rows"] if r["key"] == "KJJ")
    assert kjj["sign_on_time_rate"] is None and kjj["composite"] == 0.64  # 0.1 × 1 + 0.5 × 0.6 + 0.4 × 0.6
    # ranked departments first, best first; AHJ (composite 1 from a single case) after them
    assert [r["key"] for r in body["rows"][:3]] == ["JFJ", "KJJ", "AHJ"]
    assert [(p["rank"], p["key"], p["valid"]) for p in body["red"]] == [(1, "JFJ", 6), (2, "KJJ", 5)]
    assert body["black"] == []
    assert {"rank": None, "key": "AHJ", "name": "安全生产监督管理和环境保护局", "composite": 1.0, "valid": 1} in body[
        "unranked"
    ]


def test_by_liaison(zone: Cast, api_as) -> None:
    body = _get(api_as, zone.leader, by="liaison").json()
    assert body["by"] == "liaison" and body["count"] == 1
    assert [(r["key"], r["name"], r["total"]) for r in body["rows"]] == [("liaison_a", "挂钩干部甲", 2)]


def test_a_head_sees_their_row_and_only_names_on_the_lists(zone: Cast, api_as) -> None:
    body = _get(api_as, zone.kjj_head).json()
    assert [r["key"] for r in body["rows"]] == ["KJJ"]
    assert [(p["key"], p["composite"], p["valid"]) for p in body["red"]] == [("JFJ", None, None), ("KJJ", None, None)]
    assert _get(api_as, zone.kjj_head, by="liaison").json()["rows"] == []


def test_a_liaison_sees_their_own_row(zone: Cast, api_as) -> None:
    assert [r["key"] for r in _get(api_as, zone.liaison_a, by="liaison").json()["rows"]] == ["liaison_a"]
    deputy = _get(api_as, zone.deputy, by="liaison").json()["rows"]
    assert [(r["key"], r["total"], r["composite"]) for r in deputy] == [("deputy", 0, None)]


@pytest.mark.parametrize("who", ["jfj_handler", "ent_a", "ent_b", "sysadmin", "secadmin", "auditor"])
def test_other_roles_get_404_even_with_bad_parameters(cast: Cast, api_as, who: str) -> None:
    for params in ({}, {"period": "nope"}, {"by": "nope"}):
        response = _get(api_as, getattr(cast, who), **params)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert "rows" not in response.json()


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"period": "2026-13"}, "assessment_bad_period", id="bad_month_case"),
        pytest.param({"since": "2026-11-01", "period": "2026-11"}, "assessment_bad_period", id="both_case"),
        pytest.param({"period": "", "since": "2026-11-01"}, "assessment_bad_period", id="half_range_case"),
        pytest.param({"by": "enterprise"}, "assessment_bad_by", id="bad_by_case"),
        pytest.param({"limit": "0"}, "invalid", id="zero_limit_case"),
        pytest.param({"offset": "-1"}, "invalid", id="negative_offset_case"),
    ],
)
def test_bad_parameters_are_422_with_a_stable_code(cast: Cast, api_as, params, code) -> None:
    response = _get(api_as, cast.desk, **params)
    assert (response.status_code, response.json()["code"]) == (422, code)


def test_a_range_and_the_default_month(zone: Cast, api_as) -> None:
    with time_machine.travel(at(11, 20), tick=False):
        body = api_as(zone.desk).get(URL).json()
    assert body["period"] == "2026-11"
    ranged = _get(api_as, zone.desk, period="", since="2026-11-01", until="2026-11-05").json()
    assert ranged["period"] == "2026-11-01..2026-11-05"
    assert next(r for r in ranged["rows"] if r["key"] == "JFJ")["total"] == 2  # the plain rows are filed 10 Nov


def test_limit_is_capped_and_pages_follow_the_order(zone: Cast, api_as) -> None:
    body = _get(api_as, zone.desk, limit="1000").json()
    assert body["count"] == len(body["rows"]) == 15  # every active department, within the cap of 200
    second = _get(api_as, zone.desk, limit="1", offset="1").json()
    assert [r["key"] for r in second["rows"]] == ["KJJ"] and second["count"] == 15


def test_query_count_does_not_grow_with_cases(cast: Cast, departments, api_as, django_assert_num_queries) -> None:
    client = api_as(cast.desk)
    for n in (1, 30):
        bulk_cases(enterprise=cast.a, filed_by=cast.ent_a, lead_department=departments["JFJ"], count=n)
        with time_machine.travel(at(12, 1), tick=False), django_assert_num_queries(4):  # token + 3
            assert client.get(URL, {"period": "2026-11"}).status_code == 200
