"""The eligibility condition language of formats.md, parsed into a tree and checked part by part.

    {"all": [c, …]}  {"any": [c, …]}  {"not": c}
    {"field": F, "op": OP, "value": V}   OP in eq ne lt le gt ge in not_in prefix between is

`parse` never stops at the first fault: it names the path of every bad part (formats.md:
`conditions.all[2].op`), so an import report or the editor can mark them all at once. The tree it
returns carries each leaf's path, its field and its value converted to the field's type; the
evaluators in `qifu.policies.engine` take nothing else.

Fields (formats.md): the enterprise columns by their English names, plus `age_years`, `rd_ratio`,
`service_lists` and the derived monthly indicators (`X_month`, `X_yoy`, `X_ytd`, `X_ytd_yoy` for X
in output, revenue, tax, electricity). The contact columns are excluded: they are stored encrypted (no query can
compare them) and no policy turns on a contact person.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeAlias

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qifu.enterprises.models import Ownership, Specialized


class Kind(StrEnum):
    TEXT = "text"  # free text: uscc, name, park
    INDUSTRY = "industry"  # GB/T 4754 code
    CHOICE = "choice"  # one of a code set
    BOOL = "bool"
    INT = "int"
    MONEY = "money"  # 万元, Decimal
    RATIO = "ratio"  # a fraction, compared as a binary float on every side (see engine)
    DATE = "date"
    LISTS = "lists"  # a set of service-list codes


ORDER_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between")
OPS_BY_KIND: dict[Kind, tuple[str, ...]] = {
    Kind.TEXT: ("eq", "ne", "in", "not_in", "prefix"),
    Kind.INDUSTRY: ("eq", "ne", "in", "not_in", "prefix"),
    Kind.CHOICE: ("eq", "ne", "in", "not_in"),
    Kind.BOOL: ("is", "eq", "ne"),
    Kind.INT: ORDER_OPS,
    Kind.MONEY: ORDER_OPS,
    Kind.RATIO: ORDER_OPS,
    Kind.DATE: ORDER_OPS,
    Kind.LISTS: ("in", "not_in"),
}
ALL_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "prefix", "between", "is")
OP_LABELS = {
    "eq": gettext_lazy("等于"),
    "ne": gettext_lazy("不等于"),
    "lt": gettext_lazy("小于"),
    "le": gettext_lazy("不超过"),
    "gt": gettext_lazy("大于"),
    "ge": gettext_lazy("不低于"),
    "in": gettext_lazy("属于"),
    "not_in": gettext_lazy("不属于"),
    "prefix": gettext_lazy("开头是"),
    "between": gettext_lazy("介于"),
    "is": pgettext_lazy("condition operator", "是"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    label: Any  # lazy Chinese label
    choices: tuple[str, ...] = ()
    unit: Any = ""  # lazy Chinese unit (万元, 人, 年)


FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        FieldSpec("uscc", Kind.TEXT, gettext_lazy("统一社会信用代码")),
        FieldSpec("name", Kind.TEXT, gettext_lazy("企业名称")),
        FieldSpec("industry", Kind.INDUSTRY, gettext_lazy("行业代码")),
        FieldSpec("park", Kind.TEXT, gettext_lazy("所在园区")),
        FieldSpec("founded_on", Kind.DATE, gettext_lazy("成立日期")),
        FieldSpec("registered_capital", Kind.MONEY, gettext_lazy("注册资本"), unit=gettext_lazy("万元")),
        FieldSpec("ownership", Kind.CHOICE, gettext_lazy("资本来源"), choices=tuple(Ownership.values)),
        FieldSpec("above_scale", Kind.BOOL, gettext_lazy("规上工业")),
        FieldSpec("high_tech", Kind.BOOL, gettext_lazy("高新技术企业")),
        FieldSpec("specialized", Kind.CHOICE, gettext_lazy("专精特新"), choices=tuple(Specialized.values)),
        FieldSpec("listed", Kind.BOOL, gettext_lazy("上市")),
        FieldSpec("employees", Kind.INT, gettext_lazy("从业人数"), unit=gettext_lazy("人")),
        FieldSpec("revenue_last_year", Kind.MONEY, gettext_lazy("上年营业收入"), unit=gettext_lazy("万元")),
        FieldSpec("tax_last_year", Kind.MONEY, gettext_lazy("上年税收"), unit=gettext_lazy("万元")),
        FieldSpec("output_last_year", Kind.MONEY, gettext_lazy("上年产值"), unit=gettext_lazy("万元")),
        FieldSpec("rd_last_year", Kind.MONEY, gettext_lazy("上年研发投入"), unit=gettext_lazy("万元")),
        FieldSpec("age_years", Kind.INT, gettext_lazy("成立年限"), unit=gettext_lazy("年")),
        FieldSpec("rd_ratio", Kind.RATIO, gettext_lazy("研发投入占营业收入比例")),
        FieldSpec("service_lists", Kind.LISTS, gettext_lazy("服务清单")),
        # formats.md's derived monthly figures, as of the evaluation day (the latest month reported
        # on or before it: qifu.indicators, IndicatorDerived). Ratios are fractions (−0.25 = down 25%).
        FieldSpec("output_month", Kind.MONEY, gettext_lazy("最近一月产值"), unit=gettext_lazy("万元")),
        FieldSpec("output_yoy", Kind.RATIO, gettext_lazy("产值同比")),
        FieldSpec("output_ytd", Kind.MONEY, gettext_lazy("本年累计产值"), unit=gettext_lazy("万元")),
        FieldSpec("output_ytd_yoy", Kind.RATIO, gettext_lazy("本年累计产值同比")),
        FieldSpec("revenue_month", Kind.MONEY, gettext_lazy("最近一月营业收入"), unit=gettext_lazy("万元")),
        FieldSpec("revenue_yoy", Kind.RATIO, gettext_lazy("营业收入同比")),
        FieldSpec("revenue_ytd", Kind.MONEY, gettext_lazy("本年累计营业收入"), unit=gettext_lazy("万元")),
        FieldSpec("revenue_ytd_yoy", Kind.RATIO, gettext_lazy("本年累计营业收入同比")),
        FieldSpec("tax_month", Kind.MONEY, gettext_lazy("最近一月税收"), unit=gettext_lazy("万元")),
        FieldSpec("tax_yoy", Kind.RATIO, gettext_lazy("税收同比")),
        FieldSpec("tax_ytd", Kind.MONEY, gettext_lazy("本年累计税收"), unit=gettext_lazy("万元")),
        FieldSpec("tax_ytd_yoy", Kind.RATIO, gettext_lazy("本年累计税收同比")),
        FieldSpec("electricity_month", Kind.MONEY, gettext_lazy("最近一月用电量"), unit=gettext_lazy("万千瓦时")),
        FieldSpec("electricity_yoy", Kind.RATIO, gettext_lazy("用电量同比")),
        FieldSpec("electricity_ytd", Kind.MONEY, gettext_lazy("本年累计用电量"), unit=gettext_lazy("万千瓦时")),
        FieldSpec("electricity_ytd_yoy", Kind.RATIO, gettext_lazy("本年累计用电量同比")),
    )
}
# The fields read from the monthly indicators rather than the enterprise row.
INDICATOR_FIELDS = frozenset(
    f"{m}_{s}" for m in ("output", "revenue", "tax", "electricity") for s in ("month", "yoy", "ytd", "ytd_yoy")
)

# Bounds that keep every evaluator exact (engine.py): money has at most 4 decimals and 10 integer
# digits, ratios at most 6 decimals; whole years and head counts are plain integers.
MONEY_MAX = Decimal("9999999999.9999")
INT_MAX = 10**9
AGE_MAX = 500
INDUSTRY_PREFIX = re.compile(r"^[A-T](\d{0,4})$")
MAX_DEPTH = 12
MAX_LEAVES = 200


# --- the tree ------------------------------------------------------------------------------------

Value: TypeAlias = str | bool | int | Decimal | date | tuple[Any, ...]


@dataclass(frozen=True)
class Leaf:
    path: str
    field: str
    op: str
    value: Value  # converted: Decimal for money/ratio, date for dates, a tuple for in/not_in/between/prefix
    raw: Any  # the value as written (for the explanation and the export)


@dataclass(frozen=True)
class Group:
    path: str
    op: str  # "all" | "any" | "not"
    parts: tuple["Node", ...]


Node: TypeAlias = Leaf | Group


@dataclass
class ConditionError(Exception):
    """Every fault of one condition tree: [(path, message)]."""

    faults: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{path}: {message}" for path, message in self.faults)


def parse(tree: Any, path: str = "conditions") -> Node:
    """The checked tree of TREE, or ConditionError naming every bad part."""
    faults: list[tuple[str, str]] = []
    counter = [0]
    node = _node(tree, path, faults, depth=0, counter=counter)
    if counter[0] > MAX_LEAVES:
        faults.append((path, _("条件过多：最多%(n)s个。") % {"n": MAX_LEAVES}))
    if faults or node is None:
        raise ConditionError(faults or [(path, _("条件无效。"))])
    return node


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    out: list[Leaf] = []
    for part in node.parts:
        out.extend(leaves(part))
    return out


def fields_used(node: Node) -> set[str]:
    return {leaf.field for leaf in leaves(node)}


def _node(tree: Any, path: str, faults: list[tuple[str, str]], *, depth: int, counter: list[int]) -> Node | None:
    if depth > MAX_DEPTH:
        faults.append((path, _("条件嵌套过深：最多%(n)s层。") % {"n": MAX_DEPTH}))
        return None
    if not isinstance(tree, dict):
        faults.append((path, _("应为一个条件对象。")))
        return None
    groups = [k for k in ("all", "any", "not") if k in tree]
    if groups:
        extra = sorted(set(tree) - {groups[0]})
        if len(groups) > 1 or extra:
            keys = ", ".join(sorted(set(tree) - {groups[0]}))
            faults.append((path, _("一个条件只能是 all、any、not 或单项比较之一，多出：%(keys)s。") % {"keys": keys}))
            return None
        op = groups[0]
        body = tree[op]
        if op == "not":
            inner = _node(body, f"{path}.not", faults, depth=depth + 1, counter=counter)
            return Group(path, "not", (inner,)) if inner is not None else None
        if not isinstance(body, list):
            faults.append((f"{path}.{op}", _("应为条件列表。")))
            return None
        if not body:
            faults.append((f"{path}.{op}", _("条件列表不能为空。")))
            return None
        parts = [_node(c, f"{path}.{op}[{i}]", faults, depth=depth + 1, counter=counter) for i, c in enumerate(body)]
        if any(p is None for p in parts):
            return None
        return Group(path, op, tuple(p for p in parts if p is not None))
    counter[0] += 1
    return _leaf(tree, path, faults)


def _leaf(tree: dict[str, Any], path: str, faults: list[tuple[str, str]]) -> Leaf | None:
    before = len(faults)
    extra = sorted(set(tree) - {"field", "op", "value"})
    if extra:
        faults.append((path, _("未知的键：%(keys)s。") % {"keys": ", ".join(extra)}))
    name, op = tree.get("field"), tree.get("op")
    spec = FIELDS.get(name) if isinstance(name, str) else None
    if "field" not in tree:
        faults.append((f"{path}.field", _("缺少字段。")))
    elif spec is None:
        faults.append((f"{path}.field", _("未知字段：%(field)s。") % {"field": name}))
    if "op" not in tree:
        faults.append((f"{path}.op", _("缺少运算符。")))
    elif not isinstance(op, str) or op not in ALL_OPS:
        faults.append((f"{path}.op", _("未知运算符：%(op)s。") % {"op": op}))
    elif spec is not None and op not in OPS_BY_KIND[spec.kind]:
        faults.append(
            (
                f"{path}.op",
                _("字段%(field)s不能用运算符%(op)s（可用：%(ops)s）。")
                % {"field": spec.name, "op": op, "ops": " ".join(OPS_BY_KIND[spec.kind])},
            )
        )
    if "value" not in tree:
        faults.append((f"{path}.value", _("缺少比较值。")))
    if len(faults) > before:
        return None
    if spec is None or not isinstance(op, str):
        return None
    value = _value(spec, op, tree["value"], f"{path}.value", faults)
    if len(faults) > before or value is None:
        return None
    return Leaf(path=path, field=spec.name, op=op, value=value, raw=tree["value"])


def _value(spec: FieldSpec, op: str, raw: Any, path: str, faults: list[tuple[str, str]]) -> Value | None:
    if op in ("in", "not_in"):
        if not isinstance(raw, list) or not raw:
            faults.append((path, _("运算符%(op)s需要一个非空列表。") % {"op": op}))
            return None
        items = [_scalar(spec, v, f"{path}[{i}]", faults) for i, v in enumerate(raw)]
        return None if any(v is None for v in items) else tuple(items)
    if op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            faults.append((path, _("between需要两个值：[下限, 上限]。")))
            return None
        low, high = (_scalar(spec, v, f"{path}[{i}]", faults) for i, v in enumerate(raw))
        if low is None or high is None:
            return None
        if low > high:
            faults.append((path, _("between的下限不能大于上限。")))
            return None
        return (low, high)
    if op == "prefix":
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            faults.append((path, _("prefix需要一个或多个开头。")))
            return None
        out = []
        for i, v in enumerate(items):
            sub = f"{path}[{i}]" if isinstance(raw, list) else path
            if not isinstance(v, str) or not v:
                faults.append((sub, _("开头应为非空文字。")))
            elif spec.kind == Kind.INDUSTRY and not INDUSTRY_PREFIX.match(v):
                faults.append((sub, _("行业代码开头应为门类字母加0至4位数字，如 C39。")))
            else:
                out.append(v)
        return tuple(out) if len(out) == len(items) else None
    scalar: Value | None = _scalar(spec, raw, path, faults)
    return scalar


def _scalar(spec: FieldSpec, raw: Any, path: str, faults: list[tuple[str, str]]) -> Any:
    kind = spec.kind
    if kind in (Kind.TEXT, Kind.INDUSTRY):
        if isinstance(raw, str) and raw and len(raw) <= 200:
            return raw
        faults.append((path, _("应为非空文字。")))
    elif kind in (Kind.CHOICE, Kind.LISTS):
        choices = spec.choices or _service_list_codes()
        if isinstance(raw, str) and raw in choices:
            return raw
        faults.append((path, _("应为以下之一：%(choices)s。") % {"choices": " ".join(choices)}))
    elif kind == Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        faults.append((path, _("应为 true 或 false。")))
    elif kind == Kind.INT:
        limit = AGE_MAX if spec.name == "age_years" else INT_MAX
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= limit:
            return raw
        if isinstance(raw, Decimal | float) and not isinstance(raw, bool) and raw == int(raw) and 0 <= raw <= limit:
            return int(raw)
        faults.append((path, _("应为0至%(max)s之间的整数。") % {"max": limit}))
    elif kind in (Kind.MONEY, Kind.RATIO):
        number = _decimal(raw)
        places = 4 if kind == Kind.MONEY else 6
        bound = MONEY_MAX if kind == Kind.MONEY else Decimal(1000)
        if number is not None and abs(number) <= bound and -number.as_tuple().exponent <= places:  # type: ignore[operator]
            return number
        faults.append((path, _("应为数字（最多%(places)s位小数）。") % {"places": places}))
    elif kind == Kind.DATE:
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else _bad_date()
            except ValueError:
                pass
        faults.append((path, _("应为日期 YYYY-MM-DD。")))
    return None


def _bad_date() -> date:
    raise ValueError


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        return None
    try:
        number = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number.normalize() if number == number.to_integral_value() else number


def _service_list_codes() -> tuple[str, ...]:
    """The four lists' codes from taxonomy.yaml (stable codes that integrations rely on; no query)."""
    from qifu.reference.taxonomy import taxonomy

    return tuple(str(s["code"]) for s in taxonomy()["service_lists"])


# --- named enterprises -----------------------------------------------------------------------------

# A condition on `uscc` or `name` (other than a prefix) names enterprises: 一企一策 lists. An
# enterprise user sees that such a list exists and whether it is on it, never who else is.
NAMING_FIELDS = frozenset({"uscc", "name"})


def names_enterprises(field: str, op: str) -> bool:
    return field in NAMING_FIELDS and op != "prefix"


def redact_named(tree: Any) -> Any:
    """A formats.md tree with the values of enterprise-naming leaves replaced by None and marked
    `"redacted": true` (for enterprise users' API answers)."""
    if isinstance(tree, dict):
        if "field" in tree and names_enterprises(str(tree.get("field")), str(tree.get("op"))):
            return {**tree, "value": None, "redacted": True}
        return {k: redact_named(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [redact_named(v) for v in tree]
    return tree


# --- the other direction: a tree back to formats.md JSON (export, the editor) ---------------------


def to_json(node: Node) -> dict[str, Any]:
    if isinstance(node, Leaf):
        return {"field": node.field, "op": node.op, "value": node.raw}
    if node.op == "not":
        return {"not": to_json(node.parts[0])}
    return {node.op: [to_json(p) for p in node.parts]}
