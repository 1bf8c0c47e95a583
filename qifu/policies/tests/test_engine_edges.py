"""Edge cases of the condition language (issue 5 "Must show"), each checked through all three
evaluators — SQL, numpy and the explanation — which must give the expected value and agree."""

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qifu.enterprises.models import Enterprise
from qifu.enterprises.uscc import make_uscc
from qifu.indicators.models import IndicatorDerived, MonthlyIndicator
from qifu.policies import engine
from qifu.policies.conditions import ConditionError, parse
from qifu.reference.models import ServiceList
from qifu.servicelists.models import Membership

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)
_serial = itertools.count(100)


def outcome(tree: dict[str, Any], on: date = TODAY, **fields: Any) -> bool | None:
    """The one enterprise's outcome; fails unless SQL, numpy and the explanation agree."""
    ent = Enterprise.objects.create(uscc=make_uscc(next(_serial)), name="测试企业", **fields)
    return outcome_of(ent, tree, on)


def outcome_of(ent: Enterprise, tree: dict[str, Any], on: date) -> bool | None:
    node = parse(tree)
    ctx = engine.context(on)
    annotated: Any = engine.outcomes(node, ctx)
    by_sql = annotated.get(pk=ent.pk).outcome
    cols = engine.load_columns(ctx)
    t, f = engine.evaluate(node, cols)
    at = list(cols.ids).index(ent.pk)
    by_vec = True if t[at] else (False if f[at] else None)
    facts = engine.facts_of(ent, ctx)
    by_explain = engine.explain(node, facts, ctx).eligible
    by_set = engine.OutcomeSet([node]).outcomes(facts)[0]  # one enterprise's policies (enterprise_policies)
    assert by_sql == by_vec == by_explain == by_set, (by_sql, by_vec, by_explain, by_set)
    in_set = engine.matching(node, ctx).filter(pk=ent.pk).exists()
    assert in_set == (by_sql is True)
    return by_explain


def leaf(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [("ge", 2000, True), ("gt", 2000, False), ("eq", 2000, True), ("le", 2000, True), ("lt", 2000, False),
     ("ne", 2000, False), ("between", [2000, 2000], True), ("in", [1999.99, 2000], True), ("not_in", [2000], False)],
)  # fmt: skip
def test_equality_at_the_threshold(op: str, value: Any, expected: bool) -> None:
    assert outcome(leaf("revenue_last_year", op, value), revenue_last_year=Decimal("2000.00")) is expected


def test_money_in_wan_yuan_with_decimals() -> None:
    assert outcome(leaf("revenue_last_year", "gt", 2000), revenue_last_year=Decimal("2000.01")) is True
    assert outcome(leaf("revenue_last_year", "ge", 2000.02), revenue_last_year=Decimal("2000.01")) is False
    assert outcome(leaf("registered_capital", "between", [0.01, 0.02]), registered_capital=Decimal("0.01")) is True
    assert outcome(leaf("tax_last_year", "le", 12.3456), tax_last_year=Decimal("12.35")) is False


@pytest.mark.parametrize(
    ("founded", "on", "age"),
    [(date(2021, 11, 27), date(2026, 11, 27), 5), (date(2021, 11, 27), date(2026, 11, 26), 4),
     (date(2024, 2, 29), date(2025, 2, 28), 0), (date(2024, 2, 29), date(2025, 3, 1), 1),
     (date(2024, 2, 29), date(2028, 2, 29), 4), (date(2020, 3, 1), date(2028, 2, 29), 7)],
)  # fmt: skip
def test_age_years_on_the_anniversary(founded: date, on: date, age: int) -> None:
    assert engine.age_years(founded, on) == age
    assert outcome(leaf("age_years", "eq", age), on=on, founded_on=founded) is True
    assert outcome(leaf("age_years", "ge", age + 1), on=on, founded_on=founded) is False
    assert outcome(leaf("age_years", "between", [age, age + 2]), on=on, founded_on=founded) is True


def test_age_years_without_a_founding_date_is_unknown() -> None:
    assert outcome(leaf("age_years", "le", 5)) is None


def test_rd_ratio_with_zero_or_missing_revenue_is_unknown() -> None:
    assert outcome(leaf("rd_ratio", "ge", 0.03), rd_last_year=Decimal(3), revenue_last_year=Decimal(0)) is None
    assert outcome(leaf("rd_ratio", "ge", 0.03), rd_last_year=Decimal(3)) is None
    assert outcome(leaf("rd_ratio", "ge", 0.03), revenue_last_year=Decimal(100)) is None
    assert outcome(leaf("rd_ratio", "ge", 0.03), rd_last_year=Decimal(3), revenue_last_year=Decimal(100)) is True
    assert outcome(leaf("rd_ratio", "gt", 0.03), rd_last_year=Decimal(3), revenue_last_year=Decimal(100)) is False


def test_industry_prefix_with_one_or_several_codes() -> None:
    assert outcome(leaf("industry", "prefix", "C39"), industry="C3985") is True
    assert outcome(leaf("industry", "prefix", ["C40", "C39"]), industry="C3985") is True
    assert outcome(leaf("industry", "prefix", ["C40", "I65"]), industry="C3985") is False
    assert outcome(leaf("industry", "prefix", "C39"), industry="") is None  # no code: unknown


def test_not_all_and_any_over_unknown() -> None:
    unknown = leaf("employees", "ge", 50)  # employees missing
    false = leaf("high_tech", "is", True)  # high_tech defaults to False
    true = leaf("listed", "is", False)
    assert outcome({"not": unknown}) is None
    assert outcome({"all": [true, unknown]}) is None
    assert outcome({"all": [false, unknown]}) is False
    assert outcome({"any": [true, unknown]}) is True
    assert outcome({"any": [false, unknown]}) is None
    assert outcome({"not": {"any": [false, unknown]}}) is None


def test_service_lists_read_the_latest_snapshot() -> None:
    tree = leaf("service_lists", "in", ["fast_growing", "key_core"])
    assert outcome(tree) is None  # no list was ever filled: unknown
    ent = Enterprise.objects.create(uscc=make_uscc(8), name="另一家")
    fast = ServiceList.objects.get(code="fast_growing")
    Membership.objects.create(month=date(2026, 9, 1), service_list=fast, enterprise=ent)
    Membership.objects.create(
        month=date(2026, 10, 1), service_list=ServiceList.objects.get(code="declining"), enterprise=ent
    )
    ctx = engine.context(TODAY)
    node = parse(tree)
    assert ctx.lists_month == date(2026, 10, 1)
    # September's membership is history: in October it is on "declining" only.
    assert engine.explain(node, engine.facts_of(ent, ctx), ctx).eligible is False
    assert not engine.matching(node, ctx).filter(pk=ent.pk).exists()
    assert engine.matching(parse(leaf("service_lists", "not_in", ["fast_growing"])), ctx).filter(pk=ent.pk).exists()


def test_the_explanation_lists_every_leaf_with_the_enterprises_value() -> None:
    ent = Enterprise.objects.create(
        uscc=make_uscc(9), name="甲", high_tech=True, revenue_last_year=Decimal("2350.50"), founded_on=date(2020, 1, 1)
    )
    tree = {
        "all": [
            leaf("high_tech", "is", True),
            {"any": [leaf("revenue_last_year", "ge", 2000), leaf("employees", "ge", 100)]},
        ]
    }
    ctx = engine.context(TODAY)
    result = engine.explain(parse(tree), engine.facts_of(ent, ctx), ctx).as_json()
    assert result == {
        "eligible": True,
        "leaves": [
            {"path": "conditions.all[0]", "field": "high_tech", "op": "is", "value": True, "actual": True,
             "outcome": "true"},
            {"path": "conditions.all[1].any[0]", "field": "revenue_last_year", "op": "ge", "value": 2000,
             "actual": 2350.5, "outcome": "true"},
            {"path": "conditions.all[1].any[1]", "field": "employees", "op": "ge", "value": 100, "actual": None,
             "outcome": "unknown"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("tree", "path"),
    [
        ({"all": [leaf("high_tech", "is", True), leaf("no_such_field", "eq", 1)]}, "conditions.all[1].field"),
        ({"all": [leaf("high_tech", "is", True), leaf("employees", "above", 1), leaf("listed", "is", True)]},
         "conditions.all[1].op"),
        (leaf("revenue_last_year", "ge", "2000"), "conditions.value"),
        ({"any": [leaf("employees", "between", [10])]}, "conditions.any[0].value"),
        ({"all": []}, "conditions.all"),
        ({"not": {"all": [leaf("industry", "prefix", "c39")]}}, "conditions.not.all[0].value"),
        (leaf("high_tech", "gt", True), "conditions.op"),
        (leaf("ownership", "eq", "state"), "conditions.value"),
        ({"all": [leaf("employees", "ge", 1)], "any": []}, "conditions"),
        ([leaf("employees", "ge", 1)], "conditions"),
    ],
)  # fmt: skip
def test_a_bad_part_is_named_by_its_path(tree: Any, path: str) -> None:
    with pytest.raises(ConditionError) as exc:
        parse(tree)
    assert path in [p for p, _message in exc.value.faults], exc.value.faults


def test_every_bad_part_is_reported_at_once() -> None:
    tree = {"all": [leaf("nope", "eq", 1), leaf("employees", "ge", "many"), {"any": []}, leaf("age_years", "zz", 3)]}
    with pytest.raises(ConditionError) as exc:
        parse(tree)
    paths = [p for p, _message in exc.value.faults]
    assert paths == [
        "conditions.all[0].field",
        "conditions.all[1].value",
        "conditions.all[2].any",
        "conditions.all[3].op",
    ]


def test_an_enterprises_fitting_policies_agree_with_their_explanations(cast: Any) -> None:
    from qifu.access.actor import Actor
    from qifu.policies.selectors import enterprise_policies
    from qifu.policies.services import policy_import

    def policy(code: str, tree: dict[str, Any]) -> dict[str, Any]:
        return {"code": code, "title": code, "category": "innovation", "department": "KJJ", "conditions": tree}

    policy_import(
        actor=None,
        items=[
            policy("P-YES", leaf("listed", "is", False)),
            policy("P-NO", leaf("listed", "is", True)),
            policy("P-UNKNOWN", {"all": [leaf("listed", "is", False), leaf("employees", "ge", 10)]}),
        ],
    )
    ent = cast.a
    ent.employees = None
    ent.save()
    fits = enterprise_policies(actor=Actor.of(cast.desk), enterprise=ent)
    assert [(f.policy.code, f.eligible) for f in fits] == [("P-YES", True), ("P-UNKNOWN", None)]
    assert all(f.eligible == f.explanation.eligible for f in fits)
    assert fits[1].explanation.missing == ["employees"]


def test_a_policy_set_tests_each_distinct_leaf_once() -> None:
    """Trees sharing leaves (the same field, operator and value) test them once per enterprise,
    and each tree still gets its own outcome, unknown included."""
    big = leaf("revenue_last_year", "ge", 2000)
    young = leaf("age_years", "le", 5)
    trees = [{"all": [big, young]}, {"any": [big, young]}, {"not": big}, big, leaf("revenue_last_year", "ge", 3000)]
    nodes = [parse(t) for t in trees]
    shared = engine.OutcomeSet(nodes)
    assert (len(shared), shared.distinct_leaves) == (5, 3)
    facts = {"revenue_last_year": Decimal("2500"), "age_years": None}
    assert shared.outcomes(facts) == [None, True, False, True, False]
    assert shared.outcomes(facts) == [engine.outcome_fn(n)(facts) for n in nodes]


def given_reports(ent: Enterprise, *months: tuple[date, dict[str, Any]]) -> None:
    """Monthly reports with their derived rows, `next_month` written as the indicators app does."""
    for i, (month, values) in enumerate(months):
        row = MonthlyIndicator.objects.create(enterprise=ent, month=month)
        later = months[i + 1][0] if i + 1 < len(months) else None
        IndicatorDerived.objects.create(indicator=row, enterprise=ent, month=month, next_month=later, **values)


def test_monthly_figures_are_read_as_of_the_day() -> None:
    """formats.md: the latest month reported on or before the evaluation day; none yet is unknown."""
    ent = Enterprise.objects.create(uscc=make_uscc(next(_serial)), name="下滑企业")
    given_reports(
        ent,
        (date(2026, 9, 1), {"revenue_ytd_yoy": Decimal("-0.250000"), "revenue_ytd": Decimal("900")}),
        (date(2026, 10, 1), {"revenue_ytd_yoy": Decimal("-0.100000"), "revenue_ytd": Decimal("1000")}),
    )
    down = leaf("revenue_ytd_yoy", "le", -0.2)
    assert outcome_of(ent, down, date(2026, 8, 31)) is None  # nothing reported yet
    assert outcome_of(ent, down, date(2026, 9, 30)) is True  # September's figures
    assert outcome_of(ent, down, date(2026, 11, 27)) is False  # October's, the latest
    assert outcome_of(ent, leaf("revenue_ytd", "ge", 1000), date(2026, 11, 27)) is True


def test_a_fall_of_exactly_the_threshold_counts_and_a_missing_ratio_is_unknown() -> None:
    ent = Enterprise.objects.create(uscc=make_uscc(next(_serial)), name="持平企业")
    given_reports(ent, (date(2026, 10, 1), {"output_ytd_yoy": Decimal("-0.200000"), "output_yoy": None}))
    assert outcome_of(ent, leaf("output_ytd_yoy", "le", -0.2), TODAY) is True
    assert outcome_of(ent, leaf("output_ytd_yoy", "lt", -0.2), TODAY) is False
    assert outcome_of(ent, leaf("output_yoy", "le", -0.2), TODAY) is None  # a zero or missing base
    assert outcome_of(ent, {"not": leaf("output_yoy", "le", -0.2)}, TODAY) is None


def test_electricity_reads_in_its_own_unit() -> None:
    from qifu.policies.wording import value_text

    assert value_text("electricity_month", Decimal("12.5")) == "12.5万千瓦时"
    assert value_text("revenue_month", Decimal("12.5")) == "12.5万元"
