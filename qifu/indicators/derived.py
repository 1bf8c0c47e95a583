"""formats.md's derived figures, computed from one enterprise's reported months (pure Python).

For X in output, revenue, tax, electricity and the reported month M:
- `X_month`: X in M;
- `X_yoy`: X(M) / X(M − 12 months) − 1, as a fraction (−0.25 = down 25%);
- `X_ytd`: X over January … M of M's year — known only when every one of those months reported X
  (a missing month makes the sum unknown, not smaller);
- `X_ytd_yoy`: X_ytd against the same months of the year before (also complete), as a fraction.
A missing or zero base makes a ratio unknown (None). Ratios are Decimals rounded to six places,
so that "down 20% or more" is decided exactly (80 / 100 − 1 is −0.2, not −0.19999999999999996).

Also `next_month`: the month of the enterprise's next report (None for the latest), which lets a
reader pick "the latest month on or before D" with one range condition (see models.py).
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from qifu.indicators.models import DERIVED_MEASURES

RATIO_PLACES = Decimal("0.000001")
N = len(DERIVED_MEASURES)

# (indicator id, enterprise id, month, output, revenue, tax, electricity): the read of the ledger.
SourceRow = tuple[int, int, date, Decimal | None, Decimal | None, Decimal | None, Decimal | None]


def month_key(month: date) -> int:
    return month.year * 12 + month.month - 1


def ratio(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    """value / base − 1; None when either is missing or the base is zero."""
    if value is None or base is None or base == 0:
        return None
    return (value / base - 1).quantize(RATIO_PLACES)


def derive_enterprise(rows: Sequence[SourceRow]) -> Iterator[dict[str, Any]]:
    """The derived rows (dicts by IndicatorDerived attname) of ONE enterprise's rows, in month order."""
    values: dict[int, tuple[Decimal | None, ...]] = {}
    ytds: dict[int, tuple[Decimal | None, ...]] = {}
    keys = [month_key(row[2]) for row in rows]
    previous_key: int | None = None
    previous_ytd: tuple[Decimal | None, ...] = (None,) * N
    for key, row in zip(keys, rows, strict=True):
        current: tuple[Decimal | None, ...] = row[3:7]
        values[key] = current
        ytd: tuple[Decimal | None, ...]
        if key % 12 == 0:  # January starts the year
            ytd = current
        elif previous_key == key - 1:
            ytd = tuple(
                p + v if p is not None and v is not None else None for p, v in zip(previous_ytd, current, strict=True)
            )
        else:  # the month before was not reported: the year-to-date sum is unknown
            ytd = (None,) * N
        ytds[key] = ytd
        previous_key, previous_ytd = key, ytd
    for i, (key, row) in enumerate(zip(keys, rows, strict=True)):
        current, ytd = values[key], ytds[key]
        last_year, last_ytd = values.get(key - 12, (None,) * N), ytds.get(key - 12, (None,) * N)
        out: dict[str, Any] = {
            "indicator_id": row[0],
            "enterprise_id": row[1],
            "month": row[2],
            "next_month": rows[i + 1][2] if i + 1 < len(rows) else None,
        }
        for n, measure in enumerate(DERIVED_MEASURES):
            out[f"{measure}_month"] = current[n]
            out[f"{measure}_yoy"] = ratio(current[n], last_year[n])
            out[f"{measure}_ytd"] = ytd[n]
            out[f"{measure}_ytd_yoy"] = ratio(ytd[n], last_ytd[n])
        yield out


def derive_all(rows: Iterable[SourceRow]) -> Iterator[dict[str, Any]]:
    """Derived rows for rows sorted by (enterprise, month), one enterprise after the other."""
    group: list[SourceRow] = []
    for row in rows:
        if group and row[1] != group[0][1]:
            yield from derive_enterprise(group)
            group = []
        group.append(row)
    if group:
        yield from derive_enterprise(group)
