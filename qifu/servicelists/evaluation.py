"""Who a rule puts on its list in a month — set-wise, over every active enterprise at once.

The condition is evaluated by the policy engine (`qifu.policies.engine`, one engine): the
enterprise columns are loaded once, and for "N consecutive months" the tree is evaluated as of the
last day of each of the months M, M−1, …, M−N+1 (the monthly indicators are read as of that day;
the registry columns are today's), and the surely-true masks are combined with AND. Unknown (data
missing) is never membership.

A member's reason is written in plain Chinese from the same columns as of month M's last day
(`qifu.policies.wording.leaf_reason`): the leaves that hold, or every leaf with its mark when the
tree has a `not` (a leaf that fails under `not` is part of the reason).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from qifu.policies import engine
from qifu.policies.conditions import FIELDS, INDICATOR_FIELDS, Group, Kind, Leaf, Node, leaves
from qifu.policies.wording import leaf_reason
from qifu.servicelists.months import month_end, months_back
from qifu.servicelists.selectors import latest_month, members_by_list

REASON_MAX = 200


@dataclass(frozen=True)
class RuleSpec:
    code: str
    tree: Node
    months: int


def snapshot_before(month: date) -> date | None:
    """The snapshot a rule evaluated for MONTH reads for `service_lists`: the latest one before
    MONTH (never MONTH's own, so a re-run reads what the first run read)."""
    return latest_month(month - timedelta(days=1))


def _list_masks(ids: np.ndarray, lists_month: date | None) -> dict[str, np.ndarray] | None:
    if lists_month is None:
        return None
    return {
        code: np.isin(ids, np.fromiter(members, dtype=np.int64, count=len(members)))
        for code, members in members_by_list(lists_month).items()
    }


def columns_as_of(base: engine.Columns, month: date) -> engine.Columns:
    """BASE's registry columns with the context (indicators, ages, the snapshot) of MONTH's last day."""
    lists_month = snapshot_before(month)
    ctx = engine.context(month_end(month), lists_month=lists_month)
    values = {k: v for k, v in base.values.items() if k not in INDICATOR_FIELDS}
    known = {k: v for k, v in base.known.items() if k not in INDICATOR_FIELDS}
    lists = base.lists if lists_month == base.ctx.lists_month else _list_masks(base.ids, lists_month)
    return replace(base, values=values, known=known, lists=lists, ctx=ctx)


def evaluate_rules(
    rules: Sequence[RuleSpec], month: date, *, step: Callable[[str], None] | None = None
) -> tuple[engine.Columns, dict[str, np.ndarray]]:
    """(the columns as of MONTH's last day, {code: member mask}) for RULES in MONTH."""
    note = step or (lambda _label: None)
    lists_month = snapshot_before(month)
    first = engine.load_columns(engine.context(month_end(month), lists_month=lists_month))
    note("load")
    members: dict[str, np.ndarray] = {}
    depth = max((r.months for r in rules), default=0)
    for k in range(depth):
        cols = first if k == 0 else columns_as_of(first, months_back(month, k))
        for rule in rules:
            if rule.months <= k:
                continue
            held = engine.evaluate(rule.tree, cols)[0]
            members[rule.code] = held if k == 0 else members[rule.code] & held
        note(f"{months_back(month, k):%Y-%m}")
    for rule in rules:  # a rule of zero depth cannot happen (months ≥ 1), but stay total
        members.setdefault(rule.code, np.zeros(first.size, bool))
    return first, members


def _has_not(node: Node) -> bool:
    if isinstance(node, Leaf):
        return False
    return node.op == "not" or any(_has_not(p) for p in node.parts)


def _actuals(leaf: Leaf, cols: engine.Columns) -> Callable[[int], Any]:
    """Row index → the enterprise's value of LEAF's field, as the explanation shows it."""
    name = leaf.field
    kind = FIELDS[name].kind
    if name in INDICATOR_FIELDS:
        arr, known = cols.indicator(name)
        return lambda i: float(arr[i]) if known[i] else None
    if name == "age_years":
        founded, known = cols.values["founded_on"], cols.known["founded_on"]
        on = cols.ctx.on
        return lambda i: engine.age_years(date.fromordinal(int(founded[i])), on) if known[i] else None
    if name == "rd_ratio":
        rd, rev = cols.values["rd_last_year"], cols.values["revenue_last_year"]
        ok = cols.known["rd_last_year"] & cols.known["revenue_last_year"] & (rev > 0)
        return lambda i: float(rd[i] / rev[i]) if ok[i] else None
    if kind == Kind.LISTS:
        lists = cols.lists
        if lists is None:
            return lambda i: None
        return lambda i: [code for code, mask in lists.items() if mask[i]]
    arr, known = cols.values[name], cols.known[name]
    if kind == Kind.DATE:
        return lambda i: date.fromordinal(int(arr[i])) if known[i] else None
    if kind == Kind.INT:
        return lambda i: int(arr[i]) if known[i] else None
    if kind == Kind.MONEY:
        return lambda i: float(arr[i]) if known[i] else None
    if kind == Kind.BOOL:
        return lambda i: bool(arr[i])
    return lambda i: str(arr[i]) if known[i] else None


def member_reasons(
    tree: Node, months: int, cols: engine.Columns, rows: np.ndarray, list_names: dict[str, str]
) -> list[str]:
    """The reason of each row index in ROWS (members), in Chinese (stored with the snapshot)."""
    parts = leaves(tree)
    every = _has_not(tree) or (isinstance(tree, Group) and tree.op == "not")
    masks = [engine.evaluate(leaf, cols) for leaf in parts]
    actual = [_actuals(leaf, cols) for leaf in parts]
    out: list[str] = []
    with translation.override("zh-hans"):
        lead = _("连续%(n)s个月满足规则：") % {"n": months} if months > 1 else ""
        for i in rows.tolist():
            texts = []
            for leaf, (t, f), value in zip(parts, masks, actual, strict=True):
                outcome: bool | None = True if t[i] else (False if f[i] else None)
                if outcome is not True and not every:
                    continue
                texts.append(leaf_reason(engine.LeafResult(leaf, value(i), outcome), list_names))
            text = lead + _("；").join(texts)
            out.append(text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…")
    return out
