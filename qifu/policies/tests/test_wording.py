"""The reasons an enterprise reads are kept per (leaf, value, outcome, language): a kept reason must
be what a fresh wording gives, and never another value's or another language's."""

from decimal import Decimal

from django.utils import translation

from qifu.policies import wording
from qifu.policies.conditions import Leaf, parse
from qifu.policies.engine import LeafResult


def _result(value, outcome):
    leaf = parse({"field": "revenue_last_year", "op": "ge", "value": 2000})
    assert isinstance(leaf, Leaf)
    return leaf, LeafResult(leaf, value, outcome)


def test_a_kept_reason_is_the_fresh_one():
    leaf, result = _result(Decimal("2350.00"), True)
    first = wording.leaf_reason(result)
    assert first == wording._leaf_reason(result, None)
    assert "2,350" in first and "✓" in first
    assert wording.leaf_reason(LeafResult(leaf, Decimal("2350.00"), True)) is first


def test_each_value_outcome_and_language_has_its_own_reason():
    leaf, rich = _result(Decimal("2350.00"), True)
    poor = LeafResult(leaf, Decimal("1200.00"), False)
    missing = LeafResult(leaf, None, None)
    texts = {wording.leaf_reason(r) for r in (rich, poor, missing)}
    assert len(texts) == 3
    assert "1,200" in wording.leaf_reason(poor) and "✗" in wording.leaf_reason(poor)
    assert "数据缺失" in wording.leaf_reason(missing)
    with translation.override("en"):
        english = wording.leaf_reason(missing)
    assert english != wording.leaf_reason(missing)
    assert "数据缺失" not in english
