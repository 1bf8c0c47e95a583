"""The assessment maths by hand (PRODUCT.md §2.2): rates, weights, rounding, the 红黑榜."""

from decimal import Decimal

import pytest

from qifu.assessment.metrics import Counts, Row, Weights, board, order, scores

DEFAULT = Weights.of((0.1, 0.5, 0.4), 0.9)


def test_the_three_rates_and_the_composite_by_hand() -> None:
    # given 4 valid cases: 3 answered on time, 2 solved, 2 满意 and 1 基本满意
    counts = Counts(total=6, valid=4, responded=3, solved=2, satisfied=2, basic=1)
    # when
    s = scores(counts, DEFAULT)
    # then 响应率 3/4, 解决率 2/4, 满意率 (2 + 0.9)/4, composite 0.1×0.75 + 0.5×0.5 + 0.4×0.725
    assert s.response_rate == Decimal("0.7500")
    assert s.solve_rate == Decimal("0.5000")
    assert s.satisfaction_rate == Decimal("0.7250")
    assert s.composite == Decimal("0.6150")


def test_the_other_rates_by_hand() -> None:
    counts = Counts(
        total=10,
        signed=5,
        signed_on_time=4,
        resolved=3,
        resolved_on_time=2,
        open_late=2,
        dispatched=5,
        returned=1,
        finished=4,
        reopened=1,
        handled=3,
        handling_days=20,
    )
    s = scores(counts, DEFAULT)
    assert s.sign_on_time_rate == Decimal("0.8000")
    assert s.resolve_on_time_rate == Decimal("0.4000")  # 2 / (3 resolved + 2 open and late)
    assert s.return_rate == Decimal("0.2000")
    assert s.reopen_rate == Decimal("0.2500")
    assert s.avg_handling_days == Decimal("6.67")


def test_zero_denominators_are_none_never_zero_or_one() -> None:
    s = scores(Counts(total=3, dispatched=2), DEFAULT)
    assert s.return_rate == Decimal("0.0000")  # 0 of 2 dispatched: a real zero
    for name in ("response_rate", "solve_rate", "satisfaction_rate", "composite", "sign_on_time_rate"):
        assert getattr(s, name) is None, name
    assert s.resolve_on_time_rate is None and s.reopen_rate is None and s.avg_handling_days is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        pytest.param(2, 3, "0.6667", id="two_thirds_case"),
        pytest.param(1, 6, "0.1667", id="one_sixth_case"),
        pytest.param(1, 16, "0.0625", id="exact_case"),
        pytest.param(1, 32, "0.0313", id="half_up_not_even_case"),  # 0.03125: banker's rounding gives 0.0312
        pytest.param(5, 5, "1.0000", id="all_case"),
    ],
)
def test_rates_round_half_up_to_four_places(numerator: int, denominator: int, expected: str) -> None:
    s = scores(Counts(signed=denominator, signed_on_time=numerator), DEFAULT)
    assert s.sign_on_time_rate == Decimal(expected)


def test_the_composite_comes_from_the_unrounded_rates() -> None:
    # 1/3 each: rounded rates would give 0.3333, the exact composite is 1/3 too
    counts = Counts(valid=3, responded=1, solved=1, satisfied=1)
    assert scores(counts, DEFAULT).composite == Decimal("0.3333")
    # w = 0.9 with 1 basically satisfied of 7: 0.9/7 = 0.128571…; composite 0.4 × that = 0.051428…
    counts = Counts(valid=7, basic=1)
    assert scores(counts, DEFAULT).satisfaction_rate == Decimal("0.1286")
    assert scores(counts, DEFAULT).composite == Decimal("0.0514")


def test_weights_change_the_result() -> None:
    counts = Counts(valid=4, responded=3, solved=2, satisfied=2, basic=1)
    w = Weights.of((0.2, 0.4, 0.4), 0.5)
    s = scores(counts, w)
    assert s.satisfaction_rate == Decimal("0.6250")  # (2 + 0.5)/4
    assert s.composite == Decimal("0.6000")  # 0.2×0.75 + 0.4×0.5 + 0.4×0.625


def test_counts_add_up() -> None:
    assert Counts(total=1, valid=1) + Counts(total=2, handling_days=3) == Counts(total=3, valid=1, handling_days=3)


def _row(key: str, valid: int, solved: int) -> Row:
    counts = Counts(total=valid, valid=valid, responded=valid, solved=solved, satisfied=solved)
    return Row(key=key, name=f"部门{key}", counts=counts, scores=scores(counts, DEFAULT))


def test_red_and_black_lists_with_the_minimum() -> None:
    # given 8 departments: A…G with 10 valid cases and 10…4 solved; H with 4 valid (under 5)
    rows = [_row(k, 10, s) for k, s in zip("ABCDEFG", range(10, 3, -1), strict=True)] + [_row("H", 4, 4)]
    # when
    b = board(rows, min_cases=5)
    # then the top 3 are red best first, the bottom 3 black worst first, H listed apart
    assert [(p.rank, p.key) for p in b.red] == [(1, "A"), (2, "B"), (3, "C")]
    assert [(p.rank, p.key) for p in b.black] == [(7, "G"), (6, "F"), (5, "E")]
    assert [(p.rank, p.key, p.valid) for p in b.unranked] == [(None, "H", 4)]
    assert b.red[0].composite == Decimal("1.0000")


def test_with_few_ranked_departments_nobody_is_on_both_lists() -> None:
    rows = [_row(k, 5, s) for k, s in zip("ABCD", (5, 4, 3, 2), strict=True)]
    b = board(rows, min_cases=5)
    assert [p.key for p in b.red] == ["A", "B", "C"]
    assert [p.key for p in b.black] == ["D"]
    b = board(rows[:3], min_cases=5)
    assert [p.key for p in b.red] == ["A", "B", "C"] and b.black == []


def test_a_department_with_no_valid_case_is_never_ranked_even_with_minimum_one() -> None:
    b = board([_row("A", 0, 0), _row("B", 1, 1)], min_cases=1)
    assert [p.key for p in b.red] == ["B"]
    assert [p.key for p in b.unranked] == ["A"]


def test_ties_go_to_more_valid_cases_then_the_code() -> None:
    rows = [_row("B", 5, 5), _row("A", 5, 5), _row("C", 8, 8), _row("D", 0, 0)]
    assert [r.key for r in order(rows)] == ["C", "A", "B", "D"]
