"""Three evaluators of one condition tree, with one meaning (formats.md, three-valued logic):

- `sql_condition`: the tree compiled to one SQL boolean expression through the ORM (SQLite and
  PostgreSQL alike). SQL's NULL *is* the third value: a comparison with a missing column is
  NULL, and AND, OR, NOT over NULL follow the same Kleene tables as formats.md. Used for one
  policy's "who qualifies" (paged, scoped, indexed) and for the rows behind an API list.
- `Columns` + `evaluate`: the tree vectorised with numpy over columns loaded once (two boolean
  masks per node: surely true, surely false; neither = unknown). Used where many policies meet all
  enterprises at once (`match_all`: the nightly notices, `qifu policies match --all`, the bench),
  because one scan serves a thousand policies — the bench measures both (docs/POLICIES.md).
- `explain`: one enterprise, in Python, every leaf with its outcome and the enterprise's value.

Why the three agree (the property test in tests/test_engine_property.py checks it on both
databases): money is compared exactly in SQL and the explanation (Decimal) and as binary floats in
numpy, which keeps order and equality because conditions.py bounds money to 15 significant
digits; `rd_ratio` is computed as a binary float everywhere (CAST … AS REAL / double precision,
numpy float64, Python float); `age_years` is never computed per row: "age ≥ N on day D" is
"founded on or before the N-th anniversary's eve", a date comparison, in all three.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Left, NullIf
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, In, LessThan, LessThanOrEqual

from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.indicators.models import IndicatorDerived
from qifu.policies.conditions import FIELDS, INDICATOR_FIELDS, Group, Kind, Leaf, Node
from qifu.servicelists.models import Membership

Tri = bool | None  # True, False, or None = unknown ("数据缺失")
In_ = TypeVar("In_")  # what a compiled tree reads: the facts, or the leaf results of an OutcomeSet

# Columns whose empty string means "not known" (formats.md: optional text columns).
BLANK_IS_MISSING = frozenset({"uscc", "name", "industry", "park"})
COLUMNS = tuple(
    name for name in FIELDS if name not in ("age_years", "rd_ratio", "service_lists") and name not in INDICATOR_FIELDS
)
INDICATORS = tuple(name for name in FIELDS if name in INDICATOR_FIELDS)  # in FIELDS order


def indicators_as_of(on: date) -> QuerySet[IndicatorDerived]:
    """Each enterprise's derived figures as of ON: its latest month reported on or before ON (one
    row per enterprise: `next_month`, the month of its next report, is after ON or none)."""
    return IndicatorDerived.objects.filter(month__lte=on).filter(Q(next_month__isnull=True) | Q(next_month__gt=on))


def _indicator_value(name: str, value: Any) -> Any:
    """A stored figure as the evaluators compare it: ratios as binary floats (like rd_ratio)."""
    if value is None:
        return None
    return float(value) if FIELDS[name].kind == Kind.RATIO else value


def anniversary_eve(on: date, years: int) -> date:
    """The last founding date that makes a company at least YEARS old on ON (29 February → 28th)."""
    year = on.year - years
    day = on.day
    while True:
        try:
            return date(year, on.month, day)
        except ValueError:
            day -= 1


def age_years(founded: date | None, on: date) -> int | None:
    if founded is None:
        return None
    return on.year - founded.year - ((founded.month, founded.day) > (on.month, on.day))


@dataclass(frozen=True)
class Context:
    """What an evaluation depends on besides the enterprise: the day, and the service-list
    snapshot (its month, or None when no list has ever been filled: `service_lists` is unknown)."""

    on: date
    lists_month: date | None
    list_ids: dict[str, int]  # service list code -> id


_UNREAD = date.min  # "not read yet": None is a valid lists_month (no snapshot)


def context(on: date, *, lists_month: date | None = _UNREAD) -> Context:
    """The evaluation context on ON; LISTS_MONTH when the caller has already read it."""
    from qifu.reference.selectors import service_list_ids
    from qifu.servicelists.selectors import latest_month

    month = latest_month(on) if lists_month is _UNREAD else lists_month
    return Context(on=on, lists_month=month, list_ids=service_list_ids())


# --- one enterprise: the explanation ----------------------------------------------------------


@dataclass(frozen=True)
class LeafResult:
    leaf: Leaf
    actual: Any
    outcome: Tri

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.leaf.path,
            "field": self.leaf.field,
            "op": self.leaf.op,
            "value": _jsonable(self.leaf.raw),
            "actual": _jsonable(self.actual),
            "outcome": "unknown" if self.outcome is None else ("true" if self.outcome else "false"),
        }


@dataclass(frozen=True)
class Explanation:
    eligible: Tri
    leaves: list[LeafResult]

    def as_json(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "leaves": [r.as_json() for r in self.leaves]}

    @property
    def missing(self) -> list[str]:
        """The fields whose missing value left a leaf unknown (what the enterprise could fill in)."""
        seen: dict[str, None] = {}
        for r in self.leaves:
            if r.outcome is None:
                seen.setdefault(r.leaf.field)
        return list(seen)


def facts_of(enterprise: Enterprise, ctx: Context, *, indicators: bool = True) -> dict[str, Any]:
    """The enterprise's values of every condition field (None = missing). INDICATORS=False leaves
    the monthly figures out (missing), for a caller whose trees name none of them."""
    facts: dict[str, Any] = {}
    for name in COLUMNS:
        value = getattr(enterprise, name)
        facts[name] = None if (name in BLANK_IS_MISSING and value == "") else value
    facts["age_years"] = age_years(enterprise.founded_on, ctx.on)
    rd, revenue = enterprise.rd_last_year, enterprise.revenue_last_year
    facts["rd_ratio"] = float(rd) / float(revenue) if rd is not None and revenue is not None and revenue > 0 else None
    if ctx.lists_month is None:
        facts["service_lists"] = None
    else:
        facts["service_lists"] = sorted(
            Membership.objects.filter(enterprise_id=enterprise.pk, month=ctx.lists_month).values_list(
                "service_list__code", flat=True
            )
        )
    rows = indicators_as_of(ctx.on).filter(enterprise_id=enterprise.pk).order_by().values(*INDICATORS)[:1]
    row = next(iter(rows), None) if indicators else None  # one row at most (see indicators_as_of)
    for name in INDICATORS:
        facts[name] = _indicator_value(name, row[name]) if row else None
    return facts


def explain(node: Node, facts: dict[str, Any], ctx: Context) -> Explanation:
    results: list[LeafResult] = []
    eligible = _explain(node, facts, ctx, results)
    return Explanation(eligible=eligible, leaves=results)


def _explain(node: Node, facts: dict[str, Any], ctx: Context, out: list[LeafResult]) -> Tri:
    if isinstance(node, Leaf):
        actual = facts.get(node.field)
        outcome = leaf_outcome(node, actual, ctx)
        out.append(LeafResult(node, actual, outcome))
        return outcome
    parts = [_explain(p, facts, ctx, out) for p in node.parts]  # every leaf, no short cut
    if node.op == "not":
        return None if parts[0] is None else not parts[0]
    if node.op == "all":
        return False if False in parts else (None if None in parts else True)
    return True if True in parts else (None if None in parts else False)


def leaf_outcome(leaf: Leaf, actual: Any, ctx: Context) -> Tri:
    if actual is None:
        return None
    spec = FIELDS[leaf.field]
    op, v = leaf.op, leaf.value
    return _outcome(spec.kind, op, v, actual)


def _outcome(kind: Kind, op: str, v: Any, actual: Any) -> bool:
    return _comparator(kind, op, v)(actual)


def _comparator(kind: Kind, op: str, v: Any) -> Callable[[Any], bool]:
    """A known value → does the leaf hold? (Built once per leaf: the short-cut functions of
    `outcome_fn` call it a thousand times per enterprise page.)"""
    if kind == Kind.LISTS:
        wanted = frozenset(v)
        if op == "in":
            return lambda a: not wanted.isdisjoint(a)
        return lambda a: wanted.isdisjoint(a)
    if kind == Kind.RATIO:
        v = tuple(float(x) for x in v) if isinstance(v, tuple) else float(v)
        inner = _comparator(Kind.MONEY, op, v)
        return lambda a: inner(float(a))
    if op in ("eq", "is"):
        return lambda a: bool(a == v)
    if op == "ne":
        return lambda a: bool(a != v)
    if op == "lt":
        return lambda a: bool(a < v)
    if op == "le":
        return lambda a: bool(a <= v)
    if op == "gt":
        return lambda a: bool(a > v)
    if op == "ge":
        return lambda a: bool(a >= v)
    if op == "in":
        return lambda a: a in v
    if op == "not_in":
        return lambda a: a not in v
    if op == "between":
        low, high = v
        return lambda a: bool(low <= a <= high)
    if op == "prefix":
        starts = tuple(v)
        return lambda a: str(a).startswith(starts)
    raise ValueError(op)


def outcome_fn(node: Node) -> Callable[[dict[str, Any]], Tri]:
    """The tree as a Python function of the facts giving only the outcome — the same tables as
    `explain`, stopping early where the answer is settled (a false part of `all`, a true part of
    `any`). One enterprise against a thousand policies runs this first and explains only the
    policies that are not plainly false."""
    if isinstance(node, Leaf):
        name, holds = node.field, _comparator(FIELDS[node.field].kind, node.op, node.value)

        def leaf(facts: dict[str, Any]) -> Tri:
            actual = facts.get(name)
            return None if actual is None else holds(actual)

        return leaf
    return _grouped(node.op, [outcome_fn(p) for p in node.parts])


def _grouped(op: str, parts: list[Callable[[In_], Tri]]) -> Callable[[In_], Tri]:
    """`not`, `all` or `any` over PARTS (functions of the same input), stopping where the answer is
    settled: a false part of `all`, a true part of `any` (Kleene's tables, like `explain`)."""
    if op == "not":
        inner = parts[0]

        def negate(arg: In_) -> Tri:
            r = inner(arg)
            return None if r is None else not r

        return negate
    settled = op == "any"  # the value that settles the group: True for any, False for all

    def group(arg: In_) -> Tri:
        unknown = False
        for part in parts:
            r = part(arg)
            if r is settled:
                return settled
            if r is None:
                unknown = True
        return None if unknown else not settled

    return group


class OutcomeSet:
    """Many trees' outcomes for one enterprise at a time — `outcome_fn` for a whole policy set.
    Policies repeat their conditions (the zone's 842 current policies hold 4,446 leaves but 188
    distinct ones), so each distinct leaf (field, operator, value) is tested once per enterprise
    and every tree then reads the results by position, stopping early as `outcome_fn` does."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self._index: dict[tuple[str, str, Any], int] = {}
        self._tests: list[tuple[str, Callable[[Any], bool]]] = []
        self._trees = [self._compile(n) for n in nodes]

    def __len__(self) -> int:
        return len(self._trees)

    @cached_property
    def fields(self) -> frozenset[str]:
        """The fields the trees name (a caller reads only the facts they need)."""
        return frozenset(name for name, _test in self._tests)

    @property
    def distinct_leaves(self) -> int:
        return len(self._tests)

    def _compile(self, node: Node) -> Callable[[list[Tri]], Tri]:
        if isinstance(node, Leaf):
            key = (node.field, node.op, _hashable(node.value))
            at = self._index.get(key)
            if at is None:
                at = self._index[key] = len(self._tests)
                self._tests.append((node.field, _comparator(FIELDS[node.field].kind, node.op, node.value)))
            return itemgetter(at)
        return _grouped(node.op, [self._compile(p) for p in node.parts])

    def outcomes(self, facts: dict[str, Any]) -> list[Tri]:
        """Each tree's outcome for FACTS, in the order the trees were given."""
        values: list[Tri] = []
        for name, holds in self._tests:
            actual = facts.get(name)
            values.append(None if actual is None else holds(actual))
        return [tree(values) for tree in self._trees]


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


# --- all enterprises in one SQL query -----------------------------------------------------------


class Kleene(Expression):
    """AND / OR / NOT over SQL booleans, NULL as unknown (SQL's own three-valued logic)."""

    output_field = BooleanField()

    def __init__(self, connector: str, *parts: Any) -> None:
        super().__init__(output_field=BooleanField())
        self.connector = connector
        self.parts = list(parts)

    def get_source_expressions(self) -> list[Any]:
        return self.parts

    def set_source_expressions(self, exprs: Any) -> None:
        self.parts = list(exprs)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sqls, params = [], []
        for part in self.parts:
            sql, p = compiler.compile(part)
            sqls.append(f"({sql})")
            params.extend(p)
        if self.connector == "NOT":
            return f"NOT {sqls[0]}", params
        return "(" + f" {self.connector} ".join(sqls) + ")", params


def sql_condition(node: Node, ctx: Context) -> Any:
    """A boolean expression over Enterprise rows: TRUE, FALSE or NULL (unknown) per row."""
    if isinstance(node, Group):
        parts = [sql_condition(p, ctx) for p in node.parts]
        if node.op == "not":
            return Kleene("NOT", parts[0])
        return Kleene("AND" if node.op == "all" else "OR", *parts)
    return _sql_leaf(node, ctx)


def _sql_leaf(leaf: Leaf, ctx: Context) -> Any:
    spec = FIELDS[leaf.field]
    op: str = leaf.op
    v: Any = leaf.value
    if spec.kind == Kind.LISTS:
        if ctx.lists_month is None:
            return Value(None, output_field=BooleanField())
        ids = [ctx.list_ids[c] for c in v if c in ctx.list_ids]
        on = Exists(
            Membership.objects.filter(enterprise_id=OuterRef("pk"), month=ctx.lists_month, service_list_id__in=ids)
        )
        return on if op == "in" else Kleene("NOT", on)
    if leaf.field == "age_years":
        return _sql_age(op, v, ctx.on)
    lhs: Any
    if leaf.field in INDICATOR_FIELDS:
        figure = Subquery(indicators_as_of(ctx.on).filter(enterprise_id=OuterRef("pk")).values(leaf.field)[:1])
        if spec.kind == Kind.RATIO:
            v = tuple(float(x) for x in v) if isinstance(v, tuple) else float(v)
            return _compare(Cast(figure, FloatField()), op, v, value_field=FloatField())
        return _compare(figure, op, v)
    if spec.kind == Kind.RATIO:
        ratio = Cast(F("rd_last_year"), FloatField()) / Cast(F("revenue_last_year"), FloatField())
        lhs = Case(When(revenue_last_year__gt=0, then=ratio), default=None, output_field=FloatField())
        v = tuple(float(x) for x in v) if isinstance(v, tuple) else float(v)
        return _compare(lhs, op, v, value_field=FloatField())
    lhs = NullIf(F(leaf.field), Value("")) if leaf.field in BLANK_IS_MISSING else F(leaf.field)
    if op == "prefix":
        return Kleene("OR", *[Exact(Left(lhs, len(p)), Value(p)) for p in v])
    return _compare(lhs, op, v)


def _compare(lhs: Any, op: str, v: Any, value_field: Any = None) -> Any:
    def val(x: Any) -> Any:
        return Value(x, output_field=value_field) if value_field is not None else x

    if op in ("eq", "is"):
        return Exact(lhs, val(v))
    if op == "ne":
        return Kleene("NOT", Exact(lhs, val(v)))
    if op == "lt":
        return LessThan(lhs, val(v))
    if op == "le":
        return LessThanOrEqual(lhs, val(v))
    if op == "gt":
        return GreaterThan(lhs, val(v))
    if op == "ge":
        return GreaterThanOrEqual(lhs, val(v))
    if op in ("in", "not_in"):
        hit = Kleene("OR", *[Exact(lhs, val(x)) for x in v]) if value_field is not None else In(lhs, list(v))
        return hit if op == "in" else Kleene("NOT", hit)
    if op == "between":
        return Kleene("AND", GreaterThanOrEqual(lhs, val(v[0])), LessThanOrEqual(lhs, val(v[1])))
    raise ValueError(op)


def _sql_age(op: str, v: Any, on: date) -> Any:
    founded = F("founded_on")

    def at_least(n: int) -> Any:  # age >= n
        return LessThanOrEqual(founded, anniversary_eve(on, n))

    def below(n: int) -> Any:  # age < n
        return GreaterThan(founded, anniversary_eve(on, n))

    def equal(n: int) -> Any:
        return Kleene("AND", at_least(n), below(n + 1))

    if op == "ge":
        return at_least(v)
    if op == "gt":
        return at_least(v + 1)
    if op == "lt":
        return below(v)
    if op == "le":
        return below(v + 1)
    if op == "eq":
        return equal(v)
    if op == "ne":
        return Kleene("NOT", equal(v))
    if op in ("in", "not_in"):
        hit = Kleene("OR", *[equal(n) for n in v])
        return hit if op == "in" else Kleene("NOT", hit)
    if op == "between":
        return Kleene("AND", at_least(v[0]), below(v[1] + 1))
    raise ValueError(op)


def active_enterprises() -> QuerySet[Enterprise]:
    """The matching universe: enterprises still in business (a deregistered one qualifies for nothing)."""
    return Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)


def matching(node: Node, ctx: Context, base: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """The enterprises (of BASE, by default every active one) for which the whole tree is true."""
    base = active_enterprises() if base is None else base
    return base.filter(sql_condition(node, ctx))


def outcomes(node: Node, ctx: Context, base: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """BASE annotated with `outcome`: True, False or None (unknown) — the whole three values in SQL."""
    base = active_enterprises() if base is None else base
    cond = sql_condition(node, ctx)
    return base.annotate(
        outcome=Case(
            When(cond, then=Value(True)),
            When(Kleene("NOT", cond), then=Value(False)),
            default=Value(None),
            output_field=BooleanField(),
        )
    )


# --- all enterprises, many policies: numpy over columns loaded once -------------------------------


@dataclass
class Columns:
    """Every condition column of the active enterprises, one numpy array each, plus `known` masks."""

    ids: np.ndarray
    values: dict[str, np.ndarray]
    known: dict[str, np.ndarray]
    lists: dict[str, np.ndarray] | None  # code -> member mask; None = no snapshot (unknown)
    ctx: Context
    _factors: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.ids.shape[0])

    def indicator(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A monthly figure as of the context's day for every row, with its known mask: all of
        them are read in one query the first time a tree names one."""
        if name not in self.values:
            self._load_indicators()
        return self.values[name], self.known[name]

    def _load_indicators(self) -> None:
        casts = {f"_{n}": Cast(F(n), FloatField()) for n in INDICATORS}
        rows = list(
            indicators_as_of(self.ctx.on)
            .annotate(**casts)
            .values_list("enterprise_id", *casts)
            .iterator(chunk_size=20_000)
        )
        n = self.size
        owners = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        at = np.searchsorted(self.ids, owners)  # the ids are sorted (load_columns orders by id)
        ours = at < n
        ours[ours] = self.ids[at[ours]] == owners[ours]  # rows of enterprises outside BASE drop out
        for i, name in enumerate(INDICATORS, start=1):
            arr = np.full(n, np.nan)
            figures = np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=np.float64)
            arr[at[ours]] = figures[ours]
            self.values[name], self.known[name] = arr, ~np.isnan(arr)

    def factors(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A text column as (its sorted distinct values, each row's index into them), computed once:
        a text leaf is decided on the distinct values and spread to the rows by that index, so
        `uscc in [200 codes]` costs a binary search, not a sort of 100,000 strings per leaf."""
        if name not in self._factors:
            uniques, inverse = np.unique(self.values[name], return_inverse=True)
            self._factors[name] = (uniques, inverse.reshape(-1))
        return self._factors[name]


NUMERIC = (Kind.INT, Kind.MONEY)


def load_columns(ctx: Context, base: QuerySet[Enterprise] | None = None) -> Columns:
    """One query over BASE (every active enterprise by default), one pass into arrays."""
    base = active_enterprises() if base is None else base
    numeric = [n for n in COLUMNS if FIELDS[n].kind in NUMERIC]
    text = [n for n in COLUMNS if FIELDS[n].kind in (Kind.TEXT, Kind.INDUSTRY, Kind.CHOICE)]
    flags = [n for n in COLUMNS if FIELDS[n].kind == Kind.BOOL]
    casts = {f"_{n}": Cast(F(n), FloatField()) for n in numeric}
    rows = list(
        base.order_by("id")
        .annotate(**casts)
        .values_list("id", "founded_on", *casts, *text, *flags)
        .iterator(chunk_size=20_000)
    )
    count = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (2 + len(casts) + len(text) + len(flags))
    values: dict[str, np.ndarray] = {}
    known: dict[str, np.ndarray] = {}
    ids = np.fromiter(columns[0], dtype=np.int64, count=count)
    founded = np.array([np.nan if d is None else d.toordinal() for d in columns[1]], dtype=np.float64)
    values["founded_on"], known["founded_on"] = founded, ~np.isnan(founded)
    at = 2
    for n in numeric:
        arr = np.array([np.nan if x is None else x for x in columns[at]], dtype=np.float64)
        values[n], known[n] = arr, ~np.isnan(arr)
        at += 1
    for n in text:
        arr = np.array(["" if x is None else x for x in columns[at]], dtype=np.str_)
        values[n] = arr
        known[n] = arr != "" if n in BLANK_IS_MISSING else np.ones(count, bool)
        at += 1
    for n in flags:
        values[n] = np.fromiter(columns[at], dtype=bool, count=count)
        known[n] = np.ones(count, bool)
        at += 1
    lists: dict[str, np.ndarray] | None = None
    if ctx.lists_month is not None:
        from qifu.servicelists.selectors import members_by_list

        lists = {}
        for code, members in members_by_list(ctx.lists_month).items():
            lists[code] = np.isin(ids, np.fromiter(members, dtype=np.int64, count=len(members)))
    return Columns(ids=ids, values=values, known=known, lists=lists, ctx=ctx)


Masks = tuple[np.ndarray, np.ndarray]  # (surely true, surely false)


def evaluate(node: Node, cols: Columns) -> Masks:
    if isinstance(node, Group):
        parts = [evaluate(p, cols) for p in node.parts]
        if node.op == "not":
            return parts[0][1], parts[0][0]
        t, f = parts[0]
        for pt, pf in parts[1:]:
            if node.op == "all":
                t, f = t & pt, f | pf
            else:
                t, f = t | pt, f & pf
        return t, f
    return _vec_leaf(node, cols)


def _vec_leaf(leaf: Leaf, cols: Columns) -> Masks:
    spec = FIELDS[leaf.field]
    op: str = leaf.op
    v: Any = leaf.value
    n = cols.size
    if spec.kind == Kind.LISTS:
        if cols.lists is None:
            none = np.zeros(n, bool)
            return none, none
        hit = np.zeros(n, bool)
        for code in v:
            if code in cols.lists:
                hit |= cols.lists[code]
        return (hit, ~hit) if op == "in" else (~hit, hit)
    if leaf.field == "age_years":
        return _vec_age(op, v, cols)
    if spec.kind in (Kind.TEXT, Kind.INDUSTRY, Kind.CHOICE):
        return _vec_text(leaf, cols)
    if leaf.field in INDICATOR_FIELDS:
        arr, known = cols.indicator(leaf.field)
        v = tuple(float(x) for x in v) if isinstance(v, tuple) else float(v)
    elif spec.kind == Kind.RATIO:
        rd, rev = cols.values["rd_last_year"], cols.values["revenue_last_year"]
        known = cols.known["rd_last_year"] & cols.known["revenue_last_year"] & (rev > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            arr = np.where(known, rd / np.where(known, rev, 1.0), np.nan)
        v = tuple(float(x) for x in v) if isinstance(v, tuple) else float(v)
    else:
        arr, known = cols.values[leaf.field], cols.known[leaf.field]
        if spec.kind == Kind.MONEY:
            v = tuple(float(x) for x in v) if isinstance(v, tuple) else float(v)
        elif spec.kind == Kind.DATE:
            v = tuple(float(x.toordinal()) for x in v) if isinstance(v, tuple) else float(v.toordinal())
    hit = _vec_compare(arr, op, v)
    return known & hit, known & ~hit


def _vec_text(leaf: Leaf, cols: Columns) -> Masks:
    uniques, inverse = cols.factors(leaf.field)
    op: str = leaf.op
    v: Any = leaf.value
    if op in ("eq", "ne", "in", "not_in"):
        wanted = np.array(v if isinstance(v, tuple) else (v,), dtype=np.str_)
        on = np.zeros(uniques.shape[0], bool)
        if uniques.shape[0]:
            at = np.minimum(np.searchsorted(uniques, wanted), uniques.shape[0] - 1)
            on[at[uniques[at] == wanted]] = True
        hit_unique = on if op in ("eq", "in") else ~on
    else:
        hit_unique = _vec_compare(uniques, op, v)
    hit = hit_unique[inverse]
    known = cols.known[leaf.field]
    return known & hit, known & ~hit


def _vec_compare(arr: np.ndarray, op: str, v: Any) -> Any:
    if op in ("eq", "is"):
        return arr == v
    if op == "ne":
        return arr != v
    if op == "lt":
        return arr < v
    if op == "le":
        return arr <= v
    if op == "gt":
        return arr > v
    if op == "ge":
        return arr >= v
    if op == "in":
        return np.isin(arr, list(v))
    if op == "not_in":
        return ~np.isin(arr, list(v))
    if op == "between":
        return (arr >= v[0]) & (arr <= v[1])
    if op == "prefix":
        hit = np.zeros(arr.shape[0], bool)
        for p in v:
            hit |= np.strings.startswith(arr, p)
        return hit
    raise ValueError(op)


def _vec_age(op: str, v: Any, cols: Columns) -> Masks:
    founded, known = cols.values["founded_on"], cols.known["founded_on"]
    on = cols.ctx.on

    def at_least(n: int) -> Any:
        return founded <= anniversary_eve(on, n).toordinal()

    def equal(n: int) -> Any:
        return at_least(n) & ~at_least(n + 1)

    if op == "ge":
        hit = at_least(v)
    elif op == "gt":
        hit = at_least(v + 1)
    elif op == "lt":
        hit = ~at_least(v)
    elif op == "le":
        hit = ~at_least(v + 1)
    elif op == "eq":
        hit = equal(v)
    elif op == "ne":
        hit = ~equal(v)
    elif op in ("in", "not_in"):
        hit = np.zeros(cols.size, bool)
        for x in v:
            hit |= equal(x)
        if op == "not_in":
            hit = ~hit
    elif op == "between":
        hit = at_least(v[0]) & ~at_least(v[1] + 1)
    else:
        raise ValueError(op)
    return known & hit, known & ~hit


def match_all(trees: Iterable[tuple[str, Node]], cols: Columns) -> dict[str, np.ndarray]:
    """{policy code: ids of the eligible enterprises} for many policies over one column load."""
    return {code: cols.ids[evaluate(node, cols)[0]] for code, node in trees}


def ids_of(masks: Masks, cols: Columns) -> Sequence[int]:
    return [int(i) for i in cols.ids[masks[0]]]
