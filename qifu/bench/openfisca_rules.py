"""The policy conditions translated to OpenFisca, for the bench's comparison (`openfisca_match_all`).

OpenFisca (openfisca-core, the `bench` extra; imported only here) is the reference rules-as-code
engine: entities, input variables and formula variables whose formulas are vectorised numpy over
the whole population. The translation builds a minimal TaxBenefitSystem:

- one entity, Enterprise;
- one input variable per condition column (`employees`, `park`, `founded_on` as a day ordinal …)
  and one `<column>__known` boolean beside it (missing data: formats.md's third value), plus
  `on_list__<code>` per service list and `lists__known`;
- the derived fields as OpenFisca formulas: `rd_ratio` / `rd_ratio__known` from R&D and revenue,
  and `age_years` as comparisons of `founded_on` with the anniversary's eve of the evaluation day
  (the meaning `qifu.policies.engine` gives it);
- one boolean variable per policy whose formula evaluates the policy's tree three-valued — two
  masks per node, surely true and surely false — and answers "surely true" (eligible).

The translator is written apart from `engine.evaluate` (its own comparisons and Kleene logic), so
the bench's check that both give the same eligible set for every policy means something. The
inputs are read from the database with `engine.load_columns` (the same single query), inside the
timing. Text columns come out of OpenFisca as object arrays; each is factorised once per
simulation (distinct values and each row's index, cached on the population) and a text leaf is
decided on the distinct values, as the engine does.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from qifu.policies.conditions import FIELDS, Group, Kind, Leaf, Node
from qifu.policies.engine import COLUMNS, INDICATORS, Columns, Context, anniversary_eve, load_columns

PERIOD = "2026"  # every variable is yearly; the evaluation day is carried by the formulas
TEXT_KINDS = (Kind.TEXT, Kind.INDUSTRY, Kind.CHOICE)
Masks = tuple[np.ndarray, np.ndarray]


@dataclass
class Translation:
    system: Any  # openfisca_core TaxBenefitSystem
    variables: dict[str, str]  # policy code -> its OpenFisca variable
    list_codes: tuple[str, ...]
    indicators: bool = False  # some tree names a monthly figure: its inputs are loaded too


@dataclass
class Outcome:
    eligible: dict[str, np.ndarray]  # policy code -> ids of the eligible enterprises
    enterprises: int
    timings: dict[str, float] = field(default_factory=dict)


def translate(trees: Sequence[tuple[str, Node]], on: date, list_codes: Sequence[str]) -> Translation:
    """A TaxBenefitSystem with the inputs, the derived fields and one variable per policy."""
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import DateUnit
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem  # type: ignore[import-untyped]
    from openfisca_core.variables import Variable  # type: ignore[import-untyped]

    enterprise = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)
    system = TaxBenefitSystem([enterprise])

    def add(name: str, value_type: type, formula: Any = None, **extra: Any) -> None:
        attrs: dict[str, Any] = {
            "value_type": value_type,
            "entity": enterprise,
            "definition_period": DateUnit.YEAR,
            "label": name,
            **extra,
        }
        if formula is not None:
            attrs["formula"] = formula
        system.add_variable(type(name, (Variable,), attrs))

    for name in (*COLUMNS, *INDICATORS):  # the monthly figures are inputs like the columns
        kind = FIELDS[name].kind
        if kind in TEXT_KINDS:
            add(name, str, max_length=None)
        elif kind == Kind.BOOL:
            add(name, bool)
        else:  # numbers and founded_on (a day ordinal) as floats, NaN when missing
            add(name, float, default_value=float("nan"))
        add(f"{name}__known", bool)
    for code in list_codes:
        add(f"on_list__{code}", bool)
    add("lists__known", bool)

    def rd_ratio__known(population: Any, period: Any, parameters: Any) -> np.ndarray:
        revenue = np.nan_to_num(population("revenue_last_year", period))
        known = population("rd_last_year__known", period) & population("revenue_last_year__known", period)
        return np.asarray(known & (revenue > 0), dtype=bool)

    def rd_ratio(population: Any, period: Any, parameters: Any) -> np.ndarray:
        known = population("rd_ratio__known", period)
        rd, revenue = population("rd_last_year", period), population("revenue_last_year", period)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(known, rd / np.where(known, revenue, 1.0), np.nan)

    add("rd_ratio__known", bool, rd_ratio__known)
    add("rd_ratio", float, rd_ratio, default_value=float("nan"))

    variables: dict[str, str] = {}
    for k, (code, node) in enumerate(trees):
        name = f"policy_{k:05d}"
        variables[code] = name
        add(name, bool, _policy_formula(node, on, tuple(list_codes)))
    named = {leaf.field for _code, node in trees for leaf in _leaves(node)}
    return Translation(
        system=system, variables=variables, list_codes=tuple(list_codes), indicators=bool(named & set(INDICATORS))
    )


def _leaves(node: Node) -> list[Leaf]:
    return [node] if isinstance(node, Leaf) else [leaf for part in node.parts for leaf in _leaves(part)]


def _policy_formula(node: Node, on: date, list_codes: tuple[str, ...]) -> Any:
    def formula(population: Any, period: Any, parameters: Any) -> np.ndarray:
        return _masks(node, population, period, on, list_codes)[0]

    return formula


def _text(population: Any, name: str, period: Any) -> tuple[np.ndarray, np.ndarray]:
    """A text column as (distinct values, each row's index into them), once per simulation."""
    cache: dict[str, tuple[np.ndarray, np.ndarray]] = population.__dict__.setdefault("_qifu_text", {})
    if name not in cache:
        uniques, inverse = np.unique(np.asarray(population(name, period), dtype=np.str_), return_inverse=True)
        cache[name] = (uniques, inverse.reshape(-1))
    return cache[name]


def _masks(node: Node, population: Any, period: Any, on: date, list_codes: tuple[str, ...]) -> Masks:
    if isinstance(node, Group):
        parts = [_masks(p, population, period, on, list_codes) for p in node.parts]
        if node.op == "not":
            return parts[0][1], parts[0][0]
        true, false = parts[0]
        for t, f in parts[1:]:
            if node.op == "all":
                true, false = true & t, false | f
            else:
                true, false = true | t, false & f
        return true, false
    return _leaf(node, population, period, on, list_codes)


def _leaf(leaf: Leaf, population: Any, period: Any, on: date, list_codes: tuple[str, ...]) -> Masks:
    kind = FIELDS[leaf.field].kind
    op, value = leaf.op, leaf.value
    if kind == Kind.LISTS:
        known = population("lists__known", period)
        hit = np.zeros(known.shape[0], bool)
        for code in value:  # type: ignore[union-attr]
            if code in list_codes:
                hit = hit | population(f"on_list__{code}", period)
        hit = hit if op == "in" else ~hit
        return known & hit, known & ~hit
    if leaf.field == "age_years":
        founded = population("founded_on", period)
        known = population("founded_on__known", period)
        hit = _age(op, value, founded, on)
        return known & hit, known & ~hit
    known = population(f"{leaf.field}__known", period)
    if kind in TEXT_KINDS:  # decided on the distinct values, spread to the rows
        uniques, inverse = _text(population, leaf.field, period)
        if op in ("eq", "ne", "in", "not_in"):
            wanted = set(value) if isinstance(value, tuple) else {value}
            member = np.fromiter((u in wanted for u in uniques.tolist()), dtype=bool, count=uniques.shape[0])
            hit = (member if op in ("eq", "in") else ~member)[inverse]
        else:
            hit = _compare(uniques, op, value)[inverse]
    else:
        hit = _compare(population(leaf.field, period), op, _plain(value, kind))
    return known & hit, known & ~hit


def _plain(value: Any, kind: Kind) -> Any:
    """The leaf's value in the column's terms: floats for numbers, day ordinals for dates."""
    if isinstance(value, tuple):
        return tuple(_plain(v, kind) for v in value)
    if kind == Kind.DATE:
        return float(value.toordinal())
    if kind in (Kind.MONEY, Kind.RATIO, Kind.INT):
        return float(value)
    return value


def _compare(column: np.ndarray, op: str, value: Any) -> np.ndarray:
    if op in ("eq", "is"):
        return np.asarray(column == value)
    if op == "ne":
        return np.asarray(column != value)
    if op == "lt":
        return np.asarray(column < value)
    if op == "le":
        return np.asarray(column <= value)
    if op == "gt":
        return np.asarray(column > value)
    if op == "ge":
        return np.asarray(column >= value)
    if op in ("in", "not_in"):
        hit = np.zeros(column.shape[0], bool)
        for v in value:
            hit |= column == v
        return hit if op == "in" else ~hit
    if op == "between":
        return np.asarray((column >= value[0]) & (column <= value[1]))
    if op == "prefix":
        hit = np.zeros(column.shape[0], bool)
        for p in value:
            hit |= np.strings.startswith(column, p)
        return hit
    raise ValueError(op)


def _age(op: str, value: Any, founded: np.ndarray, on: date) -> np.ndarray:
    def at_least(years: int) -> np.ndarray:  # founded on or before the YEARS-th anniversary's eve
        return np.asarray(founded <= anniversary_eve(on, years).toordinal())

    def exactly(years: int) -> np.ndarray:
        return np.asarray(at_least(years) & ~at_least(years + 1), dtype=bool)

    if op == "ge":
        return at_least(value)
    if op == "gt":
        return at_least(value + 1)
    if op == "lt":
        return ~at_least(value)
    if op == "le":
        return ~at_least(value + 1)
    if op == "eq":
        return exactly(value)
    if op == "ne":
        return ~exactly(value)
    if op in ("in", "not_in"):
        hit = np.zeros(founded.shape[0], bool)
        for years in value:
            hit |= exactly(years)
        return hit if op == "in" else ~hit
    if op == "between":
        return np.asarray(at_least(value[0]) & ~at_least(value[1] + 1), dtype=bool)
    raise ValueError(op)


def simulate(translation: Translation, cols: Columns) -> dict[str, np.ndarray]:
    """Every policy's variable computed over the columns: {code: ids of the eligible enterprises}."""
    from openfisca_core.simulations import SimulationBuilder  # type: ignore[import-untyped]

    simulation = SimulationBuilder().build_default_simulation(translation.system, count=cols.size)
    for name in COLUMNS:
        simulation.set_input(name, PERIOD, cols.values[name])
        simulation.set_input(f"{name}__known", PERIOD, cols.known[name])
    for name in INDICATORS if translation.indicators else ():  # from the same database, as of the day
        values, known = cols.indicator(name)
        simulation.set_input(name, PERIOD, values)
        simulation.set_input(f"{name}__known", PERIOD, known)
    lists = cols.lists
    simulation.set_input("lists__known", PERIOD, np.full(cols.size, lists is not None))
    for code in translation.list_codes:
        member = lists.get(code) if lists is not None else None
        simulation.set_input(f"on_list__{code}", PERIOD, member if member is not None else np.zeros(cols.size, bool))
    return {
        code: cols.ids[np.asarray(simulation.calculate(name, PERIOD), dtype=bool)]
        for code, name in translation.variables.items()
    }


def match_all(trees: Sequence[tuple[str, Node]], ctx: Context) -> Outcome:
    """Translate, load the inputs from the database, compute every policy (each step timed)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    translation = translate(trees, ctx.on, sorted(ctx.list_ids))
    timings["translate"] = time.perf_counter() - started
    mark = time.perf_counter()
    cols = load_columns(ctx)
    timings["load"] = time.perf_counter() - mark
    mark = time.perf_counter()
    eligible = simulate(translation, cols)
    timings["compute"] = time.perf_counter() - mark
    return Outcome(eligible=eligible, enterprises=cols.size, timings=timings)
