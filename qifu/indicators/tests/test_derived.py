"""formats.md derived figures (pure): year boundaries, missing months, zero bases, yoy."""

from datetime import date
from decimal import Decimal
from typing import Any

from qifu.indicators.derived import SourceRow, derive_all, derive_enterprise, ratio


def rows(*months: tuple[str, object], enterprise: int = 1) -> list[SourceRow]:
    """(YYYY-MM, revenue) → source rows with revenue set and the other measures = revenue too."""
    out = []
    for pk, (month, value) in enumerate(months, start=1):
        y, m = month.split("-")
        v = None if value is None else Decimal(str(value))
        out.append((pk, enterprise, date(int(y), int(m), 1), v, v, v, v))
    return out


def by_month(source: list[SourceRow]) -> dict[str, dict[str, Any]]:
    return {f"{d['month']:%Y-%m}": d for d in derive_enterprise(source)}


def test_january_ytd_is_january_alone_case():
    # given December and January of the next year
    out = by_month(rows(("2025-12", 100), ("2026-01", 40)))
    # then January starts a new year: its ytd is its own value, not December's sum
    assert out["2026-01"]["revenue_ytd"] == Decimal(40)
    assert out["2025-12"]["revenue_ytd"] is None  # Jan…Nov 2025 not reported: unknown


def test_ytd_sums_the_year_so_far_and_ytd_yoy_compares_the_same_months_case():
    source = rows(
        ("2025-01", 10), ("2025-02", 20), ("2025-03", 30),
        ("2026-01", 12), ("2026-02", 18), ("2026-03", 30),
    )  # fmt: skip
    out = by_month(source)
    assert out["2026-03"]["revenue_ytd"] == Decimal(60)
    assert out["2026-03"]["revenue_ytd_yoy"] == Decimal("0.000000")  # 60 against 60
    assert out["2026-02"]["revenue_ytd"] == Decimal(30)
    assert out["2026-02"]["revenue_ytd_yoy"] == Decimal("0.000000")
    assert out["2026-01"]["revenue_ytd_yoy"] == Decimal("0.200000")


def test_yoy_against_the_same_month_a_year_before_case():
    out = by_month(rows(("2025-03", 80), ("2025-04", 50), ("2026-03", 60)))
    assert out["2026-03"]["revenue_yoy"] == Decimal("-0.250000")
    assert out["2026-03"]["revenue_month"] == Decimal(60)
    assert out["2025-03"]["revenue_yoy"] is None  # no 2024-03


def test_down_exactly_twenty_percent_is_exact_case():
    out = by_month(rows(("2025-05", 100), ("2026-05", 80)))
    assert out["2026-05"]["revenue_yoy"] == Decimal("-0.2")


def test_missing_month_makes_ytd_unknown_not_smaller_case():
    # given February not reported
    out = by_month(rows(("2026-01", 10), ("2026-03", 30), ("2026-04", 5)))
    # then March and April have no known year-to-date, January does
    assert out["2026-01"]["revenue_ytd"] == Decimal(10)
    assert out["2026-03"]["revenue_ytd"] is None
    assert out["2026-04"]["revenue_ytd"] is None
    assert out["2026-03"]["revenue_ytd_yoy"] is None


def test_missing_value_in_a_reported_month_breaks_the_ytd_case():
    out = by_month(rows(("2026-01", 10), ("2026-02", None), ("2026-03", 30)))
    assert out["2026-02"]["revenue_month"] is None
    assert out["2026-02"]["revenue_ytd"] is None and out["2026-03"]["revenue_ytd"] is None


def test_zero_base_makes_ratios_unknown_case():
    source = rows(("2025-01", 0), ("2025-02", 0), ("2026-01", 10), ("2026-02", 10))
    out = by_month(source)
    assert out["2026-01"]["revenue_yoy"] is None
    assert out["2026-02"]["revenue_ytd_yoy"] is None
    assert out["2026-02"]["revenue_ytd"] == Decimal(20)


def test_zero_value_against_a_base_is_minus_one_case():
    out = by_month(rows(("2025-07", 50), ("2026-07", 0)))
    assert out["2026-07"]["revenue_yoy"] == Decimal("-1.000000")


def test_ratio_unknown_when_either_side_missing_case():
    assert ratio(None, Decimal(1)) is None
    assert ratio(Decimal(1), None) is None
    assert ratio(Decimal(1), Decimal(0)) is None
    assert ratio(Decimal(3), Decimal(2)) == Decimal("0.5")


def test_next_month_links_each_report_to_the_following_one_case():
    out = by_month(rows(("2026-01", 1), ("2026-04", 1), ("2026-05", 1)))
    assert out["2026-01"]["next_month"] == date(2026, 4, 1)
    assert out["2026-04"]["next_month"] == date(2026, 5, 1)
    assert out["2026-05"]["next_month"] is None


def test_each_measure_is_derived_on_its_own_case():
    source: list[SourceRow] = [
        (1, 1, date(2025, 1, 1), Decimal(10), None, Decimal(0), Decimal(4)),
        (2, 1, date(2026, 1, 1), Decimal(15), Decimal(3), Decimal(1), Decimal(2)),
    ]
    out = by_month(source)["2026-01"]
    assert out["output_yoy"] == Decimal("0.5")
    assert out["revenue_yoy"] is None  # no base
    assert out["tax_yoy"] is None  # zero base
    assert out["electricity_yoy"] == Decimal("-0.5")


def test_derive_all_keeps_enterprises_apart_case():
    source = rows(("2025-01", 10), ("2026-01", 20), enterprise=1) + rows(("2026-01", 5), enterprise=2)
    out = list(derive_all(source))
    assert [(d["enterprise_id"], f"{d['month']:%Y-%m}") for d in out] == [
        (1, "2025-01"),
        (1, "2026-01"),
        (2, "2026-01"),
    ]
    assert out[2]["revenue_yoy"] is None  # enterprise 2 has no 2025 (not enterprise 1's)
    assert out[1]["next_month"] is None and out[2]["next_month"] is None
