"""Conditions and explanations in plain Chinese (UX.md §3: the enterprise reads plain Chinese, never
internal codes).

- `leaf_sentence(leaf)`: "上年研发投入占营业收入比例 不低于 3%", "行业代码 开头是 C39 或 C40".
- `leaf_reason(result)`: one explained leaf with the enterprise's value:
  "上年营业收入 2,350万元，不低于 2,000万元 ✓".
- `condition_outline(node, results)`: the tree as nested `Line`s (groups say 同时满足 / 满足其一 /
  不满足), each leaf with its sentence, and — given an explanation — its outcome and reason, so a
  leaf under `not` or `any` is read in its place and never out of context.
- `deadline(policy, today)`: the application window in words with its urgency (UX.md §5).

Pure formatting over `conditions` and `engine` types; service-list names are passed in.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qifu.enterprises.models import Ownership, Specialized
from qifu.policies.conditions import FIELDS, OP_LABELS, Group, Kind, Leaf, Node, names_enterprises
from qifu.policies.engine import LeafResult, Tri

CHOICE_LABELS: dict[str, Mapping[str, Any]] = {
    "ownership": dict(Ownership.choices),
    "specialized": dict(Specialized.choices),
}


def number(value: Decimal | int | float) -> str:
    """2350 → "2,350"; 1234.5 → "1,234.5" (no trailing zeros)."""
    text = f"{Decimal(str(value)) if isinstance(value, float) else Decimal(value):,.4f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(fraction: Decimal | float) -> str:
    """0.03 → "3%"; 0.034567 → "3.46%"."""
    value = Decimal(str(fraction)) * 100
    text = f"{value.quantize(Decimal('0.01')):,.2f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def day_text(value: date, today: date | None = None) -> str:
    """2026年12月5日, or 12月5日 within the year of TODAY."""
    if today is not None and value.year == today.year:
        return _("%(m)d月%(d)d日") % {"m": value.month, "d": value.day}
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def _either(items: list[str]) -> str:
    """A、B 或 C."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(head)s 或 %(last)s") % {"head": _("、").join(items[:-1]), "last": items[-1]}


def _both(items: list[str]) -> str:
    return _("、").join(items)


def value_text(name: str, value: Any, lists: Mapping[str, str] | None = None) -> str:
    """One value of field NAME as a person reads it (units, labels, percent, Chinese dates)."""
    spec = FIELDS[name]
    if value is None:
        return _("数据缺失")
    if spec.kind == Kind.BOOL:
        return _("是") if value else _("否")
    if spec.kind == Kind.MONEY and name.startswith("electricity"):  # 万千瓦时, not 万元
        return f"{number(value)}{spec.unit}"
    if spec.kind == Kind.MONEY:
        return _("%(n)s万元") % {"n": number(value)}
    if spec.kind == Kind.INT:
        return f"{number(value)}{spec.unit}"  # the unit is a lazy translation
    if spec.kind == Kind.RATIO:
        return percent(value)
    if spec.kind == Kind.DATE:
        return day_text(value) if isinstance(value, date) else str(value)
    if spec.kind == Kind.CHOICE:
        return str(CHOICE_LABELS.get(name, {}).get(value, value))
    if spec.kind == Kind.LISTS:
        codes = list(value) if isinstance(value, list | tuple | set) else [value]
        names = [str((lists or {}).get(c, c)) for c in codes]
        return _both(names) if names else _("未列入服务清单")
    return str(value)


def _values(leaf: Leaf, lists: Mapping[str, str] | None) -> str:
    v = leaf.value
    if leaf.op == "between":
        low, high = v  # type: ignore[misc,str-unpack]
        return _("%(low)s 至 %(high)s") % {
            "low": value_text(leaf.field, low, lists),
            "high": value_text(leaf.field, high, lists),
        }
    if isinstance(v, tuple):
        return _either([value_text(leaf.field, x, lists) for x in v])
    return value_text(leaf.field, v, lists)


def leaf_sentence(leaf: Leaf, lists: Mapping[str, str] | None = None) -> str:
    """The requirement of one leaf: "上年营业收入 不低于 2,000万元"."""
    spec = FIELDS[leaf.field]
    label = str(spec.label)
    if spec.kind == Kind.BOOL and leaf.op in ("is", "eq", "ne"):
        wanted = bool(leaf.value) if leaf.op != "ne" else not bool(leaf.value)
        return _("是%(label)s") % {"label": label} if wanted else _("不是%(label)s") % {"label": label}
    if spec.kind == Kind.LISTS:
        names = _values(leaf, lists)
        if leaf.op == "in":
            return _("列入%(lists)s") % {"lists": names}
        return _("未列入%(lists)s") % {"lists": names}
    if names_enterprises(leaf.field, leaf.op):  # 一企一策: say that there is a list, not who is on it
        n = len(leaf.value) if isinstance(leaf.value, tuple) else 1
        if leaf.op in ("eq", "in"):
            return _("属于政策指定的企业（名单共%(n)s家）") % {"n": n}
        return _("不属于政策排除的企业（名单共%(n)s家）") % {"n": n}
    return f"{label} {OP_LABELS[leaf.op]} {_values(leaf, lists)}"


# A leaf's requirement reads the same for every enterprise: worded once per leaf and language (the
# trees live as long as the process's policy cache; the leaf itself is kept beside its id).
_RULES: dict[tuple[int, str, int], tuple[Leaf, str, str]] = {}


def _rule(leaf: Leaf, lists: Mapping[str, str] | None) -> tuple[str, str]:
    names = hash(tuple(lists.items())) if lists and FIELDS[leaf.field].kind == Kind.LISTS else 0
    key = (id(leaf), get_language() or "", names)
    hit = _RULES.get(key)
    if hit is not None and hit[0] is leaf:
        return hit[1], hit[2]
    if len(_RULES) > 100_000:
        _RULES.clear()
    texts = (leaf_sentence(leaf, lists), f"{OP_LABELS[leaf.op]} {_values(leaf, lists)}")
    _RULES[key] = (leaf, *texts)
    return texts


def _sentence(leaf: Leaf, lists: Mapping[str, str] | None) -> str:
    return _rule(leaf, lists)[0]


def _requirement(leaf: Leaf, lists: Mapping[str, str] | None) -> str:
    return _rule(leaf, lists)[1]


# A reason depends on the leaf, the enterprise's value and the outcome only: enterprises share
# values (a park, a yes/no, a missing figure), so reasons are kept like the rules above.
_REASONS: dict[tuple[Any, ...], tuple[Leaf, str]] = {}


def leaf_reason(result: LeafResult, lists: Mapping[str, str] | None = None) -> str:
    """One leaf for one enterprise: "上年营业收入 2,350万元，不低于 2,000万元 ✓"."""
    leaf, actual = result.leaf, result.actual
    names = hash(tuple(lists.items())) if lists and FIELDS[leaf.field].kind == Kind.LISTS else 0
    value = tuple(actual) if isinstance(actual, list) else (str(actual) if isinstance(actual, Decimal) else actual)
    key = (id(leaf), get_language() or "", names, result.outcome, type(value), value)
    hit = _REASONS.get(key)
    if hit is not None and hit[0] is leaf:
        return hit[1]
    if len(_REASONS) > 100_000:
        _REASONS.clear()
    text = _leaf_reason(result, lists)
    _REASONS[key] = (leaf, text)
    return text


def _leaf_reason(result: LeafResult, lists: Mapping[str, str] | None) -> str:
    leaf = result.leaf
    spec = FIELDS[leaf.field]
    label = str(spec.label)
    if result.outcome is None:
        return _("%(label)s：数据缺失（要求：%(rule)s）") % {"label": label, "rule": _sentence(leaf, lists)}
    actual = value_text(leaf.field, result.actual, lists)
    if names_enterprises(leaf.field, leaf.op):
        return _("%(rule)s %(mark)s") % {"rule": _sentence(leaf, lists), "mark": "✓" if result.outcome else "✗"}
    if spec.kind == Kind.BOOL:
        rule = _sentence(leaf, lists)
        if result.outcome:
            return _("%(rule)s ✓") % {"rule": rule}
        return _("%(label)s：%(actual)s，要求%(rule)s ✗") % {"label": label, "actual": actual, "rule": rule}
    if spec.kind == Kind.LISTS:
        rule = _sentence(leaf, lists)
        mark = "✓" if result.outcome else "✗"
        return _("%(rule)s（现列入：%(actual)s）%(mark)s") % {"rule": rule, "actual": actual, "mark": mark}
    requirement = _requirement(leaf, lists)
    if result.outcome:
        return _("%(label)s %(actual)s，%(rule)s ✓") % {"label": label, "actual": actual, "rule": requirement}
    return _("%(label)s %(actual)s，未满足“%(rule)s” ✗") % {"label": label, "actual": actual, "rule": requirement}


@dataclass
class Line:
    """One line of a rendered condition tree: a group heading (with its parts) or a leaf."""

    text: str
    is_group: bool = False
    outcome: Tri = None
    explained: bool = False  # OUTCOME is meaningful (an explanation was given)
    field_name: str = ""
    parts: list["Line"] = field(default_factory=list)

    @property
    def mark(self) -> str:
        if not self.explained:
            return ""
        return "unknown" if self.outcome is None else ("true" if self.outcome else "false")


def _group_heading(op: str) -> str:
    return {"all": _("同时满足以下全部条件"), "any": _("满足以下任一条件"), "not": _("不符合以下条件")}[op]


def condition_outline(
    node: Node, results: list[LeafResult] | None = None, lists: Mapping[str, str] | None = None
) -> Line:
    """NODE as nested lines; with RESULTS (an explanation's leaves) each line carries its outcome."""
    by_path = {r.leaf.path: r for r in results or []}
    return _outline(node, by_path, results is not None, lists)


def _outline(node: Node, by_path: dict[str, LeafResult], explained: bool, lists: Mapping[str, str] | None) -> Line:
    if isinstance(node, Leaf):
        result = by_path.get(node.path)
        if result is None:
            return Line(leaf_sentence(node, lists), field_name=node.field)
        return Line(leaf_reason(result, lists), outcome=result.outcome, explained=True, field_name=node.field)
    parts = [_outline(p, by_path, explained, lists) for p in node.parts]
    outcome: Tri = None
    if explained:
        values = [p.outcome for p in parts]
        if node.op == "not":
            outcome = None if values[0] is None else not values[0]
        elif node.op == "all":
            outcome = False if False in values else (None if None in values else True)
        else:
            outcome = True if True in values else (None if None in values else False)
    return Line(_group_heading(node.op), is_group=True, outcome=outcome, explained=explained, parts=parts)


def flat_reasons(line: Line) -> list[Line]:
    """The leaves of an outline, in order (a plain list for compact places)."""
    if not line.is_group:
        return [line]
    out: list[Line] = []
    for part in line.parts:
        out.extend(flat_reasons(part))
    return out


def is_simple(node: Node) -> bool:
    """A single leaf, or one `all` of leaves: shown as a plain list, without a group heading."""
    if isinstance(node, Leaf):
        return True
    return isinstance(node, Group) and node.op == "all" and all(isinstance(p, Leaf) for p in node.parts)


@dataclass(frozen=True)
class Deadline:
    """The application window in words: TEXT, and LEVEL for the colour (UX.md §5)."""

    text: str
    level: str  # "open" | "soon" (≤ 20% of the window or ≤ 7 days left) | "closed" | "upcoming" | "none"
    days_left: int | None = None


def deadline(apply_from: date | None, apply_to: date | None, today: date) -> Deadline:
    """ "申报截止 12月5日（还剩6天）", "今天截止", "已截止（12月5日）", "12月1日开始申报", "常年受理"."""
    if apply_from is not None and today < apply_from:
        return Deadline(_("%(day)s开始申报") % {"day": day_text(apply_from, today)}, "upcoming")
    if apply_to is None:
        return Deadline(_("常年受理"), "none")
    left = (apply_to - today).days
    if left < 0:
        return Deadline(_("申报已截止（%(day)s）") % {"day": day_text(apply_to, today)}, "closed", left)
    if left == 0:
        return Deadline(_("申报截止 今天"), "soon", 0)
    span = (apply_to - apply_from).days if apply_from is not None else None
    soon = left <= 7 or (span is not None and span > 0 and left <= span * 0.2)
    text = _("申报截止 %(day)s（还剩%(n)s天）") % {"day": day_text(apply_to, today), "n": left}
    return Deadline(text, "soon" if soon else "open", left)
