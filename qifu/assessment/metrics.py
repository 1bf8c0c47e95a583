"""The assessment maths (PRODUCT.md §2.2 考核): pure functions over counts, no database.

Over the cases of one group (a lead department, or a liaison) filed in the period:

- valid = cases with a valid rating or call-back (`rated_at` set; the rating fields hold the
  latest rating);
- 响应率 = valid cases whose first response was within the limit (`responded_on_time`) / valid;
- 解决率 = valid cases rated 已解决 / valid;
- 满意率 = (满意 + w × 基本满意) / valid, w = `ASSESS_BASIC_WEIGHT` (0.9);
- composite = a × 响应率 + b × 解决率 + c × 满意率, (a, b, c) = `ASSESS_WEIGHTS` (0.1, 0.5, 0.4);
- 及时签收率 = signed within the limit / signed cases;
- 按时办结率 = resolved on time / (resolved cases + open cases already past `resolve_by`), so late
  unfinished work is not hidden (a case paused for the enterprise's information is not late);
- 回退率 = cases returned (退单) at least once / cases ever dispatched;
- 重办率 = cases reopened at least once / cases resolved at least once (resolved, closed or reopened);
- 平均办理时长 = mean `handling_days` (working days, filing to resolution) of resolved cases.

Numbers: every rate is a fraction 0-1, computed exactly (integer arithmetic over the counts and
the weights' decimal fractions) and rounded half-up to 4 places — the composite from the
unrounded rates, not from the rounded ones; average days to 2 places. Results are Decimals
(`Decimal("0.8750")`); the API sends them as JSON numbers. A rate whose denominator is 0 is
None — shown "—" — never 0 or 100%. Integers rather than Decimal division because a city's
5,000 liaison rows are scored on every request.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from math import lcm

RATE_SCALE = 10_000  # 4 places
DAY_SCALE = 100  # 2 places
BOARD_SIZE = 3  # 红榜: the top 3; 黑榜: the bottom 3


@dataclass(frozen=True)
class Weights:
    response: Decimal
    solve: Decimal
    satisfaction: Decimal
    basic: Decimal  # w: how much a 基本满意 counts towards 满意率

    @classmethod
    def of(cls, composite: Sequence[float], basic: float) -> "Weights":
        """From the settings' floats, through their decimal text (0.1 stays exactly 0.1)."""
        response, solve, satisfaction = (Decimal(str(w)) for w in composite)
        return cls(response=response, solve=solve, satisfaction=satisfaction, basic=Decimal(str(basic)))

    @cached_property
    def integers(self) -> tuple[int, int, int, int, int, int, int]:
        """Integer coefficients for exact sums: 满意率 = (wd·满意 + wn·基本满意) / (wd·valid), and
        composite = (r·responded + s·solved + t·满意 + u·基本满意) / (d·valid).
        Returns (wn, wd, r, s, t, u, d)."""
        w = Fraction(self.basic)
        a, b, c = Fraction(self.response), Fraction(self.solve), Fraction(self.satisfaction)
        d = lcm(a.denominator, b.denominator, c.denominator, (c * w).denominator)
        r, s, t, u = (int(x * d) for x in (a, b, c, c * w))
        return w.numerator, w.denominator, r, s, t, u, d


@dataclass(frozen=True)
class Counts:
    """The counts behind every rate; additive, so months and groups can be summed."""

    total: int = 0  # cases filed in the period
    valid: int = 0  # rated (valid rating or call-back)
    responded: int = 0  # valid, first response on time
    solved: int = 0  # valid, rated 已解决
    satisfied: int = 0  # valid, 满意
    basic: int = 0  # valid, 基本满意
    signed: int = 0  # signed (签收) at least once: the clock was settled
    signed_on_time: int = 0
    resolved: int = 0  # resolved, with the on-time flag settled
    resolved_on_time: int = 0
    open_late: int = 0  # open (not paused) and past resolve_by as of the counting day
    dispatched: int = 0  # dispatched at least once
    returned: int = 0  # returned (退单) at least once
    finished: int = 0  # resolved at least once: resolved, closed, or reopened
    reopened: int = 0  # reopened (重办) at least once
    handled: int = 0  # with handling_days
    handling_days: int = 0  # the sum of handling_days

    @property
    def resolve_due(self) -> int:
        """The base of 按时办结率: resolved cases and open cases already late."""
        return self.resolved + self.open_late

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(**{name: getattr(self, name) + getattr(other, name) for name in COUNT_FIELDS})


COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class Scores:
    response_rate: Decimal | None
    solve_rate: Decimal | None
    satisfaction_rate: Decimal | None
    composite: Decimal | None
    sign_on_time_rate: Decimal | None
    resolve_on_time_rate: Decimal | None
    return_rate: Decimal | None
    reopen_rate: Decimal | None
    avg_handling_days: Decimal | None


def _rate(numerator: int, denominator: int, scale: int = RATE_SCALE) -> Decimal | None:
    """numerator / denominator rounded half-up to 1/scale, exactly; None when nothing to divide by."""
    if denominator == 0:
        return None
    units = (2 * numerator * scale + denominator) // (2 * denominator)
    return Decimal(units).scaleb(-4 if scale == RATE_SCALE else -2)


def composite(c: Counts, w: Weights) -> Decimal | None:
    """The composite alone (enough to order thousands of groups before scoring one page)."""
    _, _, r, s, t, u, d = w.integers
    return _rate(r * c.responded + s * c.solved + t * c.satisfied + u * c.basic, d * c.valid)


def scores(c: Counts, w: Weights) -> Scores:
    """The rates of one group; the composite from the unrounded rates."""
    wn, wd = w.integers[:2]
    return Scores(
        response_rate=_rate(c.responded, c.valid),
        solve_rate=_rate(c.solved, c.valid),
        satisfaction_rate=_rate(wd * c.satisfied + wn * c.basic, wd * c.valid),
        composite=composite(c, w),
        sign_on_time_rate=_rate(c.signed_on_time, c.signed),
        resolve_on_time_rate=_rate(c.resolved_on_time, c.resolve_due),
        return_rate=_rate(c.returned, c.dispatched),
        reopen_rate=_rate(c.reopened, c.finished),
        avg_handling_days=_rate(c.handling_days, c.handled, DAY_SCALE),
    )


@dataclass(frozen=True)
class Row:
    """One assessed group: `key` is the department code or the liaison's username."""

    key: str
    name: str
    counts: Counts
    scores: Scores


@dataclass(frozen=True)
class Placing:
    """A department on the 红黑榜 (rank 1 = best), or listed apart for too few valid cases (rank None)."""

    rank: int | None
    key: str
    name: str
    composite: Decimal | None
    valid: int | None  # None (like composite) when the reader sees only the names


@dataclass(frozen=True)
class Board:
    red: list[Placing]
    black: list[Placing]
    unranked: list[Placing]


def order_key(
    key: str, counts: Counts, score: Decimal | None, min_cases: int = 1
) -> tuple[bool, bool, Decimal, int, str]:
    """Groups with at least `min_cases` valid cases first, so one lucky case does not top the
    table; then the best composite, more valid cases, the key. No composite at all: last."""
    return (counts.valid < min_cases, score is None, -(score or Decimal(0)), -counts.valid, key)


def order(rows: Iterable[Row], min_cases: int = 1) -> list[Row]:
    return sorted(rows, key=lambda r: order_key(r.key, r.counts, r.scores.composite, min_cases))


def board(rows: Iterable[Row], *, min_cases: int, size: int = BOARD_SIZE) -> Board:
    """红黑榜: groups with at least `min_cases` valid cases ranked by composite; the top `size`
    are red, the bottom `size` black (worst first). With fewer than 2 × size ranked groups the
    black list holds only those not already red, so no group is on both lists. Groups under the
    minimum are listed apart (样本不足，不参与排名), in their given order."""
    rows = list(rows)
    ranked = [r for r in order(rows) if r.counts.valid >= min_cases and r.scores.composite is not None]
    placed = [Placing(i, r.key, r.name, r.scores.composite, r.counts.valid) for i, r in enumerate(ranked, start=1)]
    red = placed[:size]
    black = list(reversed(placed[max(size, len(placed) - size) :]))
    keys = {r.key for r in ranked}
    apart = [Placing(None, r.key, r.name, r.scores.composite, r.counts.valid) for r in rows if r.key not in keys]
    return Board(red=red, black=black, unranked=apart)
