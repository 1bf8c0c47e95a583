"""The demo policy package (政策包, PRODUCT.md §2.6 and §4): small ~8, zone 60, city 1,000 policies.

Each policy comes from one of the templates below — a kind of policy a development zone really
issues (高企认定奖励, 规上工业稳增长, 贷款贴息, 稳岗返还, 台资企业转型升级 …) — with its
category (taxonomy `policy_categories`), issuing department (taxonomy codes), a 文号 such as
"昆高新科〔2026〕12号", a benefit in 万元, a summary, a plain-language 解读, a full text, a validity
and application window, and eligibility conditions in the language of formats.md. The variants
of a template differ in year, park, industry cluster and thresholds; thresholds are chosen so that
a policy finds from a few to a few thousand of the city's 100,000 enterprises.

Over the zone's 60 policies every field of `conditions.FIELDS` and every operator appears, with
nested all / any / not. Every tree passes `conditions.parse` (checked here before writing).

Statuses: most published and in force around ANCHOR, ~12% expired, ~5% drafts; ~15% 免申即享.
Deterministic: one random stream per seed; every date relative to ANCHOR. Rows go in through the
writer's batched INSERT (the city seed stays fast); `seed_policies_only` adds the policies and the
service-list snapshot to a database seeded before they existed (`qifu seed_policies`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from typing import TYPE_CHECKING, Any

from django.utils import translation

from qifu.enterprises.uscc import make_uscc
from qifu.ops.seeding.scales import ANCHOR
from qifu.policies.conditions import FIELDS, OP_LABELS, parse
from qifu.policies.models import Policy, PolicyStatus

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

CST = dt_timezone(timedelta(hours=8))  # Asia/Shanghai
COUNTS = {"small": 8, "zone": 60, "city": 1_000}
Tree = dict[str, Any]

PARKS = (
    "光电产业园", "精密机械产业园", "小核酸及生物医药产业园", "模具城", "机器人产业园",
    "软件园", "留学人员创业园", "清华科技园", "阳澄湖科技园", "城北工业区",
)  # fmt: skip
# (name, GB/T 4754 prefixes) of the zone's industry clusters
CLUSTERS: tuple[tuple[str, list[str]], ...] = (
    ("电子信息", ["C39"]),
    ("高端装备", ["C34", "C35"]),
    ("生物医药", ["C27", "C358"]),
    ("新材料", ["C26", "C29"]),
    ("新能源", ["C38"]),
    ("汽车零部件", ["C36"]),
    ("软件和信息服务", ["I65"]),
    ("科技服务", ["M73", "M74", "M75"]),
)
DOC_PREFIX = {
    "KJJ": "昆高新科", "JFJ": "昆高新经发", "JRB": "昆高新金", "RSJ": "昆高新人社", "SJJ": "昆高新市监",
    "ZSJ": "昆高新招商", "YSB": "昆高新办", "TB": "昆高新台办", "AHJ": "昆高新安环", "SWJ": "昆高新税",
}  # fmt: skip


def leaf(name: str, op: str, value: Any) -> Tree:
    return {"field": name, "op": op, "value": value}


def all_(*parts: Tree) -> Tree:
    return {"all": list(parts)}


def any_(*parts: Tree) -> Tree:
    return {"any": list(parts)}


def not_(part: Tree) -> Tree:
    return {"not": part}


@dataclass
class Variant:
    """What one instance of a template varies: the random stream, its number, year and place."""

    rng: random.Random
    n: int  # 0 = the template's canonical form
    year: int
    named: list[str] = field(default_factory=list)  # USCCs for the "named enterprises" policy
    blacklist: list[str] = field(default_factory=list)  # USCCs on the (demo) 严重失信 list

    def pick(self, *options: Any) -> Any:
        return options[0] if self.n == 0 else self.rng.choice(options)


@dataclass(frozen=True)
class Made:
    title: str
    benefit: str
    summary: str
    interpretation: str
    conditions: Tree
    auto_grant: bool = False


@dataclass(frozen=True)
class Template:
    key: str
    category: str
    department: str
    make: Callable[[Variant], Made]


INDUSTRIAL_PARKS = ("光电产业园", "精密机械产业园", "小核酸及生物医药产业园", "模具城", "机器人产业园", "城北工业区")
SERVICE_PARKS = ("软件园", "留学人员创业园", "清华科技园", "阳澄湖科技园")
BUSINESS_PARKS = ("城北工业区", "软件园", "阳澄湖科技园")
INDUSTRIAL_CLUSTERS = tuple(c for c in CLUSTERS if all(p.startswith("C") for p in c[1]))


def _scoped(
    v: Variant,
    tree: Tree,
    *,
    park_share: float = 0.5,
    cluster_share: float = 0.0,
    industrial: bool = False,
    parks: tuple[str, ...] = PARKS,
) -> tuple[Tree, str]:
    """TREE narrowed to one industry cluster (CLUSTER_SHARE of the time) or one of PARKS (PARK_SHARE),
    or left zone-wide; (tree, title prefix). INDUSTRIAL: manufacturing clusters and parks only."""
    parts = list(tree["all"]) if "all" in tree else [tree]
    prefix = ""
    roll = v.rng.random()
    if roll < cluster_share:
        name, prefixes = v.rng.choice(INDUSTRIAL_CLUSTERS if industrial else CLUSTERS)
        parts.append(leaf("industry", "prefix", prefixes))
        prefix = name
    elif roll < cluster_share + park_share:
        park = v.rng.choice(INDUSTRIAL_PARKS if industrial else parks)
        parts.append(leaf("park", "eq", park))
        prefix = park
    return ({"all": parts} if len(parts) > 1 else parts[0]), prefix


def _high_tech(v: Variant) -> Made:
    amount = v.pick(30, 20, 50, 10)
    ratio = v.pick(0.03, 0.04, 0.05, 0.06)
    tree, where = _scoped(
        v,
        all_(
            leaf("high_tech", "is", True),
            leaf("rd_ratio", "ge", ratio),
            leaf("age_years", "ge", 1),
            leaf("revenue_last_year", "ge", v.pick(2_000, 1_000, 5_000)),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}高新技术企业认定奖励",
        benefit=f"一次性奖励{amount}万元",
        summary=(
            f"对通过认定（含重新认定）、具有一定营收规模的高新技术企业，研发投入占营业收入比例不低于{ratio:.0%}的，"
            "给予一次性奖励。"
        ),
        interpretation=(
            f"简单说：贵企业是高新技术企业、成立满一年，并且上年研发投入不少于营业收入的{ratio:.0%}，"
            f"就能拿到{amount}万元奖励。"
        ),
        conditions=tree,
        auto_grant=v.n % 3 == 1,
    )


def _rd_subsidy(v: Variant) -> Made:
    floor = v.pick(500, 300, 800, 1_000, 1_500)
    cap = v.pick(200, 100, 300)
    tree, where = _scoped(
        v,
        all_(
            leaf("rd_last_year", "ge", floor),
            leaf("rd_ratio", "between", [0.03, 0.5]),
            any_(leaf("high_tech", "is", True), leaf("specialized", "in", ["provincial", "little_giant"])),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}企业研发投入后补助",
        benefit=f"按上年研发投入增量的10%给予补助，最高{cap}万元",
        summary=f"上年研发投入达到{floor}万元、研发强度3%以上的高新技术企业或专精特新企业，按研发投入增量给予后补助。",
        interpretation=f"研发投入越多补得越多：上年研发费用{floor}万元以上、占收入3%以上，且是高企或专精特新企业即可申报。",
        conditions=tree,
    )


def _specialized(v: Variant) -> Made:
    level = v.pick("provincial", "little_giant", "provincial")
    cond = (
        leaf("specialized", "eq", "little_giant")
        if level == "little_giant"
        else leaf("specialized", "in", ["provincial", "little_giant"])
    )
    amount = 100 if level == "little_giant" else v.pick(30, 50)
    tree, where = _scoped(
        v, all_(cond, leaf("employees", "le", 1_000), not_(leaf("listed", "is", True))), park_share=0.4,
        cluster_share=0.6,
    )  # fmt: skip
    name = "国家级专精特新“小巨人”" if level == "little_giant" else "省级以上专精特新中小企业"
    return Made(
        title=f"{where}{name}培育奖励",
        benefit=f"一次性奖励{amount}万元",
        summary=f"对新认定的{name}，且从业人数不超过1000人的未上市企业，给予一次性奖励。",
        interpretation=f"贵企业获评{name}、员工1000人以内且尚未上市的，可获{amount}万元奖励，免于重复申报材料。",
        conditions=tree,
        auto_grant=v.n % 3 == 0,
    )


def _startup(v: Variant) -> Made:
    years = v.pick(3, 2, 5)
    since = date(ANCHOR.year - years, 1, 1).isoformat()
    capital = v.pick(1_000, 500, 2_000)
    if v.n % 3 == 0:
        age = leaf("age_years", "in", list(range(1, years + 1)))
    elif v.n % 3 == 1:
        age = leaf("founded_on", "ge", since)
    else:
        age = leaf("age_years", "eq", 1)
    tree, where = _scoped(
        v,
        all_(
            age,
            leaf("registered_capital", "lt", capital),
            any_(leaf("high_tech", "is", True), leaf("rd_ratio", "gt", 0.05)),
        ),
        park_share=0.3,
        cluster_share=0.4,
    )
    return Made(
        title=f"{where}科技型初创企业成长扶持",
        benefit=f"连续两年给予房租补贴，每年最高{v.pick(20, 10, 30)}万元",
        summary=f"近{years}年新设立、注册资本{capital}万元以下，且为高新技术企业或研发强度超过5%的初创企业，给予房租补贴。",
        interpretation="刚成立不久、研发投入大的科技型小企业，可以申请房租补贴，减轻起步阶段的负担。",
        conditions=tree,
    )


def _patent(v: Variant) -> Made:
    codes = v.pick(["C3973", "C3974", "C3976", "I6520"], ["C2761", "C2762", "C3581"], ["C3491", "C3421", "C3562"])
    tree, where = _scoped(
        v, all_(leaf("industry", "in", codes), leaf("rd_ratio", "gt", 0.05), leaf("rd_last_year", "gt", 100)),
        park_share=0.0,
    )  # fmt: skip
    return Made(
        title=f"{where}高价值专利培育和知识产权质押融资补助",
        benefit="按质押融资利息的50%给予贴息，最高50万元",
        summary="面向集成电路、生物医药、智能装备等重点领域研发强度超过5%的企业，支持高价值专利培育和知识产权质押融资。",
        interpretation="贵企业在重点领域、研发投入占收入超过5%的，用专利做质押贷款，利息可以补一半。",
        conditions=tree,
    )


def _scale_growth(v: Variant) -> Made:
    output = v.pick(20_000, 10_000, 50_000, 100_000)
    tax = v.pick(500, 300, 1_000, 2_000)
    tree, where = _scoped(
        v,
        all_(
            leaf("above_scale", "is", True),
            leaf("output_last_year", "ge", output),
            leaf("tax_last_year", "ge", tax),
            leaf("service_lists", "not_in", ["declining"]),
        ),
        park_share=0.4,
        cluster_share=0.6,
        industrial=True,
    )
    return Made(
        title=f"{where}规上工业企业稳增长奖励",
        benefit=f"按年度产值增量给予奖励，最高{v.pick(100, 50, 200)}万元",
        summary=(
            f"上年产值{output // 10_000}亿元以上、纳税{tax}万元以上且不在显著下滑清单的规上工业企业，给予稳增长奖励。"
        ),
        interpretation="规上工业企业产值、税收达到标准，且经营没有明显下滑的，可以申请奖励。",
        conditions=tree,
        auto_grant=v.n % 4 == 2,
    )


def _first_scale(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("above_scale", "eq", True),
            leaf("age_years", "between", [1, v.pick(4, 3, 5)]),
            leaf("revenue_last_year", "between", [2_000, v.pick(5_000, 4_000, 8_000)]),
        ),
        park_share=0.3,
        cluster_share=0.3,
        industrial=True,
    )
    return Made(
        title=f"{where}工业企业首次升规入统奖励",
        benefit=f"一次性奖励{v.pick(10, 20)}万元",
        summary="对近年新纳入规模以上工业统计、营业收入2000万元以上的工业企业给予一次性奖励。",
        interpretation="工业企业年营业收入首次超过2000万元、纳入“规上”统计的，可以拿到一次性奖励。",
        conditions=tree,
        auto_grant=True,
    )


def _digital(v: Variant) -> Made:
    low, high = v.pick((2_000, 50_000), (5_000, 100_000), (2_000, 20_000))
    tree, where = _scoped(
        v,
        all_(
            leaf("industry", "prefix", ["C"]),
            leaf("revenue_last_year", "between", [low, high]),
            leaf("employees", "ge", v.pick(100, 200, 300)),
            leaf("output_last_year", "gt", low),
            leaf("high_tech", "eq", True),
        ),
        park_share=0.4,
        cluster_share=0.6,
        industrial=True,
    )
    return Made(
        title=f"{where}工业企业智能化改造和数字化转型专项",
        benefit="按设备和软件投入的15%给予补助，最高300万元",
        summary=f"营业收入{low}万元至{high}万元的高新技术工业企业，实施智能化改造、数字化转型项目的，按投入给予补助。",
        interpretation="工业企业买设备、上系统、建智能车间，可以按投入的15%申请补助。",
        conditions=tree,
    )


def _chain(v: Variant) -> Made:
    name, prefixes = CLUSTERS[v.n % len(CLUSTERS)] if v.n else CLUSTERS[0]
    tree, where = _scoped(
        v,
        all_(
            leaf("industry", "prefix", prefixes),
            leaf("service_lists", "in", ["key_core", "fast_growing"]),
            leaf("tax_last_year", "ge", v.pick(200, 500, 1_000)),
        ),
        park_share=0.0,
    )
    return Made(
        title=f"{where}{name}产业链重点企业扶持",
        benefit="优先保障用地、用能指标，并给予链主企业配套奖励最高500万元",
        summary=f"{name}产业链上列入重点核心或快速成长清单的企业，享受要素保障和配套奖励。",
        interpretation=f"贵企业属于{name}产业、在重点核心企业或快速成长企业清单上的，可获用地用能优先保障。",
        conditions=tree,
    )


def _headquarters(v: Variant) -> Made:
    tree = all_(
        any_(
            leaf("industry", "eq", "L7211"),
            all_(leaf("revenue_last_year", "ge", v.pick(100_000, 50_000)), leaf("registered_capital", "ge", 5_000)),
        ),
        leaf("industry", "ne", "L7212"),
        leaf("tax_last_year", "ge", v.pick(1_000, 2_000, 5_000)),
    )
    tree, where = _scoped(v, tree, park_share=0.3)
    return Made(
        title=f"{where}总部企业集聚发展奖励",
        benefit="按地方财力贡献的30%给予奖励，连续三年",
        summary="对新认定的总部企业、营业收入10亿元以上的大企业，按其地方财力贡献给予奖励。",
        interpretation="企业总部落户本区、或营收规模大且纳税多的，可按对本区的财力贡献拿奖励。",
        conditions=tree,
    )


def _loan_interest(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("employees", "lt", v.pick(300, 200, 100)),
            leaf("revenue_last_year", "lt", v.pick(20_000, 10_000, 5_000)),
            leaf("tax_last_year", "gt", v.pick(50, 100, 200)),
            not_(leaf("service_lists", "in", ["declining"])),
            any_(leaf("high_tech", "is", True), leaf("specialized", "ne", "none")),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}中小微企业贷款贴息",
        benefit="按贷款市场报价利率的50%给予贴息，每家每年最高50万元",
        summary="从业人数300人以下、营业收入2亿元以下，且为高新技术或专精特新的中小微企业，银行贷款给予贴息。",
        interpretation="中小科技企业向银行贷款，利息最多可补一半，每年最高50万元。",
        conditions=tree,
        auto_grant=v.n % 5 == 3,
    )


def _listing(v: Variant) -> Made:
    return Made(
        title="企业上市挂牌奖励" if not v.n else f"{v.year}年度拟上市企业培育奖励",
        benefit=f"完成股改奖励{v.pick(50, 30)}万元，辅导备案奖励100万元，成功上市奖励300万元",
        summary="对营业收入2亿元以上、成立3年以上、研发强度较高或获评专精特新的未上市企业，分阶段给予上市奖励。",
        interpretation="有上市打算的企业，股改、辅导、上市每走一步都有奖励。",
        conditions=all_(
            leaf("listed", "ne", True),
            leaf("revenue_last_year", "ge", v.pick(20_000, 30_000, 50_000)),
            leaf("age_years", "gt", 3),
            any_(leaf("rd_ratio", "ge", 0.03), leaf("specialized", "not_in", ["none"])),
            leaf("service_lists", "not_in", ["declining"]),
        ),
    )


def _bridge(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("employees", "between", [10, v.pick(500, 300)]),
            leaf("age_years", "not_in", [0]),
            leaf("tax_last_year", "not_in", [0]),
            leaf("service_lists", "in", ["fast_growing", "new_growth"]),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}中小企业转贷应急资金",
        benefit="提供不超过1000万元的转贷应急资金，使用费率按日万分之一计",
        summary="在快速成长或新增长点企业清单上的中小企业，银行贷款到期续贷时可申请转贷应急资金。",
        interpretation="贷款到期、续贷前资金紧张的，可以先用区里的应急资金周转，费用很低。",
        conditions=tree,
    )


def _jobs(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("employees", "ge", v.pick(20, 50)),
            leaf("service_lists", "not_in", ["declining"]),
            leaf("registered_capital", "not_in", [0]),
            leaf("rd_ratio", "ne", 0),
            leaf("tax_last_year", "ge", v.pick(1_000, 800, 2_000)),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}失业保险稳岗返还",
        benefit="按上年实际缴纳失业保险费的60%返还",
        summary="依法参加失业保险、上年未裁员或裁员率低于标准、经营稳定的企业，返还部分失业保险费。",
        interpretation="企业稳定用工、不裁员，交的失业保险费可以退回六成，不用另外申请。",
        conditions=tree,
        auto_grant=True,
    )


def _training(v: Variant) -> Made:
    park = v.pick(*INDUSTRIAL_PARKS)
    return Made(
        title=f"{park}职业技能提升培训补贴",
        benefit="按每人1000至3000元标准给予培训补贴",
        summary="园区内规上工业企业组织职工参加技能培训、取得职业技能等级证书的，按人给予补贴。",
        interpretation="组织员工参加技能培训并拿到证书，每人可补1000到3000元。",
        conditions=all_(
            leaf("employees", "between", [50, 2_000]),
            leaf("industry", "prefix", ["C"]),
            leaf("above_scale", "is", True),
            leaf("park", "eq", park),
            leaf("tax_last_year", "ge", v.pick(800, 500, 1_500)),
        ),
    )


def _talent(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("high_tech", "is", True),
            leaf("employees", "ge", v.pick(100, 200, 50)),
            any_(
                leaf("specialized", "ne", "none"),
                leaf("rd_ratio", "ge", v.pick(0.06, 0.05, 0.08)),
                leaf("listed", "is", True),
            ),
            leaf("revenue_last_year", "ge", v.pick(5_000, 10_000)),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}高层次人才引进和人才安居支持",
        benefit="引进高层次人才给予安家补贴最高100万元，优先配租人才公寓",
        summary="研发实力较强的高新技术企业引进高层次人才，给予安家补贴和人才公寓保障。",
        interpretation="贵企业引进博士、领军人才等高层次人才的，人才可领安家补贴、优先住人才公寓。",
        conditions=tree,
    )


def _credit(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("uscc", "not_in", v.blacklist or ["91320583MA00000000"]),
            leaf("tax_last_year", "gt", v.pick(500, 300, 1_000)),
            leaf("age_years", "ge", 3),
            leaf("founded_on", "lt", date(ANCHOR.year - 3, 1, 1).isoformat()),
            leaf("ownership", "in", ["domestic", "taiwan", "hk_macao", "foreign"]),
            leaf("high_tech", "is", True),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}诚信示范企业守信激励",
        benefit="在政府采购、资金扶持、评优评先中同等条件下优先，并享受“容缺受理”",
        summary="未被列入严重失信主体名单、持续经营3年以上的纳税企业，享受守信激励措施。",
        interpretation="信用好的企业办事可以“容缺受理”，申请扶持资金时优先考虑。",
        conditions=tree,
        auto_grant=v.n % 3 == 1,
    )


def _export(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("ownership", "in", ["foreign", "taiwan", "hk_macao"]),
            leaf("industry", "prefix", ["C"]),
            leaf("revenue_last_year", "ge", v.pick(10_000, 20_000, 50_000)),
            leaf("founded_on", "le", date(ANCHOR.year - 5, 12, 31).isoformat()),
        ),
        park_share=0.4,
        cluster_share=0.6,
        industrial=True,
    )
    return Made(
        title=f"{where}外贸企业稳订单拓市场支持",
        benefit="参加境外展会给予展位费70%补贴，出口信用保险保费补贴50%",
        summary="外资、台资和港澳资工业企业开拓国际市场，参加境外展会、投保出口信用保险的，给予补贴。",
        interpretation="外资企业出国参展、买出口信用保险，费用可以报销一大半。",
        conditions=tree,
    )


def _taiwan(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("ownership", "eq", "taiwan"),
            leaf("above_scale", "is", True),
            leaf("founded_on", "between", ["1990-01-01", date(ANCHOR.year - 10, 12, 31).isoformat()]),
            leaf("output_last_year", "ge", v.pick(5_000, 10_000, 20_000)),
        ),
        park_share=0.4,
        cluster_share=0.6,
        industrial=True,
    )
    return Made(
        title=f"{where}台资企业转型升级专项",
        benefit="技术改造项目按设备投资的10%给予补助，最高200万元",
        summary="深耕本区十年以上的规上台资工业企业实施转型升级、技术改造的，给予专项补助。",
        interpretation="在本区经营多年的台资工厂搞技改、上新设备，可以申请设备投资一成的补助。",
        conditions=tree,
    )


def _logistics(v: Variant) -> Made:
    codes = v.pick(["G5431", "G5821", "L7224"], ["G5431", "G5821"], ["L7224", "F5179"])
    tree, where = _scoped(
        v,
        all_(
            leaf("industry", "in", codes),
            leaf("revenue_last_year", "ge", v.pick(2_000, 3_000, 5_000)),
            leaf("tax_last_year", "ge", v.pick(100, 200, 400)),
        ),
        park_share=0.4,
        parks=BUSINESS_PARKS,
    )
    return Made(
        title=f"{where}现代物流和供应链企业扶持",
        benefit="按年度营业收入增量的1%给予奖励，最高100万元",
        summary="道路货运、国际货代和供应链管理企业营业收入达到标准的，按增量给予奖励。",
        interpretation="物流、货代、供应链公司营收达到标准的，营收增长越多奖励越多。",
        conditions=tree,
    )


def _ecommerce(v: Variant) -> Made:
    return Made(
        title="跨境电商和数字贸易发展扶持" if not v.n else f"{v.year}年度跨境电商企业培育",
        benefit="跨境电商平台入驻费、推广费给予50%补贴，最高30万元",
        summary="电子商务、电子产品批发企业开展跨境电商业务的，给予平台费用补贴。",
        interpretation="做跨境电商的企业，在平台开店和推广的费用可以补一半。",
        conditions=all_(
            any_(leaf("industry", "eq", "F5193"), leaf("industry", "in", ["F5176", "F5175"])),
            leaf("employees", "le", v.pick(200, 100)),
            leaf("revenue_last_year", "gt", v.pick(500, 1_000, 2_000)),
            leaf("tax_last_year", "ge", v.pick(50, 100, 200)),
        ),
    )


def _named(v: Variant) -> Made:
    return Made(
        title="重点企业“一企一策”专项扶持" if not v.n else f"{v.year}年度重点企业“一企一策”服务清单",
        benefit="一企一策，专班服务，专项资金最高1000万元",
        summary="对经区管委会研究确定的重点企业，实行“一企一策”专项扶持和专班服务。",
        interpretation="名单上的重点企业，由专班一对一服务，扶持措施一企一议。",
        conditions=leaf("uscc", "in", v.named or ["91320583MA00000000"]),
    )


def _local(v: Variant) -> Made:
    low = v.pick(10_000, 20_000, 50_000)
    return Made(
        title="本土民营企业做大做强奖励" if not v.n else f"{v.year}年度本土民营企业成长奖励",
        benefit=f"营业收入首次突破{low // 10_000}亿元的，一次性奖励50万元",
        summary="在本区注册、名称冠以“昆山”或“江苏”的内资民营企业营业收入首次突破规模台阶的，给予奖励。",
        interpretation="土生土长的民营企业，营收第一次迈上新台阶的，可以拿到一次性奖励。",
        conditions=all_(
            leaf("name", "prefix", ["昆山", "江苏"]),
            leaf("ownership", "eq", "domestic"),
            leaf("park", "ne", "城北工业区"),
            leaf("revenue_last_year", "between", [low, low * v.pick(2, 3)]),
            leaf("founded_on", "gt", "2000-12-31"),
            leaf("industry", "not_in", ["L7212", "L7211"]),
            leaf("listed", "is", False),
        ),
    )


def _green(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("above_scale", "is", True),
            leaf("industry", "not_in", ["C3360", "C2641", "C2669"]),
            leaf("output_last_year", "ge", v.pick(30_000, 50_000, 20_000)),
            leaf("tax_last_year", "le", v.pick(5_000, 3_000, 10_000)),
            leaf("employees", "gt", v.pick(300, 200, 500)),
            leaf("high_tech", "is", True),
        ),
        park_share=0.3,
        cluster_share=0.3,
        industrial=True,
    )
    return Made(
        title=f"{where}绿色工厂和节能降碳改造奖励",
        benefit="获评绿色工厂奖励50万元，节能改造按投资额的10%补助",
        summary="规上工业企业（电镀等重污染行业除外）创建绿色工厂、实施节能降碳改造的，给予奖励和补助。",
        interpretation="工厂节能改造、评上绿色工厂的，可以拿奖励和补助。",
        conditions=tree,
    )


def _reinvest(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("ownership", "ne", "domestic"),
            leaf("ownership", "not_in", ["hk_macao"]) if v.n % 2 else leaf("registered_capital", "ge", 1_000),
            leaf("registered_capital", "ge", v.pick(2_000, 5_000, 10_000)),
            leaf("founded_on", "le", date(ANCHOR.year - 8, 12, 31).isoformat()),
            leaf("tax_last_year", "ge", v.pick(300, 500, 1_000)),
        ),
        park_share=0.4,
        cluster_share=0.6,
    )
    return Made(
        title=f"{where}外资企业利润再投资和增资扩股奖励",
        benefit="按实际到账外资的2%给予奖励，最高500万元",
        summary="外资企业以利润再投资或增资扩股、实际到账外资达到标准的，给予奖励。",
        interpretation="外资企业把赚的钱留在本区再投资、或增加注册资本的，按到账外资给奖励。",
        conditions=tree,
    )


def _research(v: Variant) -> Made:
    tree, where = _scoped(
        v,
        all_(
            leaf("industry", "prefix", ["M73", "M74", "M75"]),
            leaf("rd_ratio", "le", 0.9),
            leaf("rd_ratio", "lt", 1),
            leaf("employees", "ne", 0),
            leaf("revenue_last_year", "ne", 0),
            not_(leaf("rd_last_year", "eq", 0)),
            not_(leaf("rd_ratio", "eq", 0)),
            leaf("revenue_last_year", "ge", v.pick(1_000, 2_000, 3_000)),
            leaf("high_tech", "ne", False),
        ),
        park_share=0.4,
        parks=SERVICE_PARKS,
    )
    return Made(
        title=f"{where}新型研发机构和科技服务机构绩效奖励",
        benefit="按年度绩效评价结果给予最高200万元运营奖励",
        summary="在本区从事研究开发、检验检测、科技推广服务的机构，按绩效评价结果给予运营奖励。",
        interpretation="做研发、检测、技术转移的科技服务机构，绩效好的可以拿运营奖励。",
        conditions=tree,
    )


def _energy(v: Variant) -> Made:
    since = date(ANCHOR.year - v.pick(8, 6, 10), 1, 1).isoformat()
    return Made(
        title="新能源企业落户发展扶持" if not v.n else f"{v.year}年度新能源产业项目扶持",
        benefit="新建项目按设备投资的8%给予补助，最高500万元",
        summary="光伏、储能、新能源电池等企业新设或扩产的，按设备投资给予补助。",
        interpretation="做光伏、电池、储能的企业新建或扩建项目，买设备的钱可以补助一部分。",
        conditions=all_(
            leaf("industry", "in", ["C3825", "C3841", "C3824"]),
            any_(leaf("founded_on", "ge", since), leaf("service_lists", "in", ["new_growth"])),
            leaf("registered_capital", "le", v.pick(20_000, 50_000)),
            leaf("founded_on", "ne", "2000-01-01"),
            leaf("founded_on", "not_in", ["2000-01-01"]),
            leaf("revenue_last_year", "ge", v.pick(1_000, 3_000, 5_000)),
        ),
    )


def _restructure(v: Variant) -> Made:
    return Made(
        title="困难企业纾困和转型帮扶" if not v.n else f"{v.year}年度困难企业帮扶",
        benefit="社保费缓缴、城镇土地使用税困难减免，并由挂钩干部牵头协调",
        summary="列入显著下滑清单、仍在正常纳税的工业企业，享受纾困帮扶措施。",
        interpretation="经营遇到困难、指标明显下滑的企业，可以申请缓缴社保、减免土地使用税。",
        conditions=all_(
            leaf("service_lists", "in", ["declining"]),
            leaf("industry", "prefix", ["C"]),
            leaf("tax_last_year", "gt", 0),
            leaf("employees", "ge", v.pick(50, 100, 200)),
            leaf("rd_ratio", "lt", 0.03),
        ),
    )


def _growth(v: Variant) -> Made:
    """Rewards growth read from the monthly indicators (formats.md derived fields)."""
    rate = v.pick(0.15, 0.1, 0.2)
    output = v.pick(10_000, 5_000, 20_000)
    return Made(
        title="规上工业企业增产增效奖励" if not v.n else f"{v.year}年度工业企业增产增效奖励",
        benefit=f"本年累计产值同比增长{rate:.0%}以上的，按增量给予奖励，最高{v.pick(100, 50, 200)}万元",
        summary=(
            f"本年累计产值{output // 10_000 or 0.5}亿元以上、累计产值或营业收入同比增长{rate:.0%}以上，"
            "且最近一月税收、营收未明显下滑的规上工业企业，给予增产增效奖励。"
        ),
        interpretation=f"今年产值或收入比去年同期多增长{rate:.0%}以上、最近一个月没有明显下滑，就可以拿奖励。",
        conditions=all_(
            leaf("above_scale", "is", True),
            leaf("output_ytd", "ge", output),
            any_(leaf("output_ytd_yoy", "ge", rate), leaf("revenue_ytd_yoy", "ge", rate)),
            not_(leaf("output_yoy", "lt", -0.1)),
            leaf("output_month", "gt", 0),
            leaf("revenue_yoy", "ge", -0.05),
            leaf("revenue_month", "gt", 0),
            leaf("revenue_ytd", "ge", output // 2),
            leaf("tax_month", "gt", 0),
            leaf("tax_yoy", "ge", -0.1),
            leaf("tax_ytd", "ge", v.pick(100, 50, 200)),
            leaf("tax_ytd_yoy", "ge", 0),
        ),
        auto_grant=v.n % 2 == 1,
    )


def _power_saving(v: Variant) -> Made:
    """Rewards electricity savings with output holding up (monthly indicators)."""
    saving = v.pick(0.05, 0.1, 0.08)
    return Made(
        title="工业企业节能降耗奖励" if not v.n else f"{v.year}年度节能降耗奖励",
        benefit=f"本年累计用电量同比下降{saving:.0%}以上且产值不降的，每万千瓦时奖励0.2万元，最高50万元",
        summary=f"用电量较大的工业企业，在产值不下降的同时本年累计用电量同比下降{saving:.0%}以上的，给予节能奖励。",
        interpretation=f"今年用电比去年同期少{saving:.0%}以上、产值没有下降，就可以申请节能奖励。",
        conditions=all_(
            leaf("industry", "prefix", ["C"]),
            leaf("electricity_ytd", "ge", v.pick(100, 50, 200)),
            leaf("electricity_month", "gt", 0),
            any_(leaf("electricity_ytd_yoy", "le", -saving), leaf("electricity_yoy", "le", -saving)),
            leaf("output_ytd_yoy", "ge", 0),
        ),
    )


TEMPLATES: tuple[Template, ...] = (
    Template("HT", "innovation", "KJJ", _high_tech),
    Template("KEY", "other", "YSB", _named),
    Template("SCALE", "industry", "JFJ", _scale_growth),
    Template("LOAN", "finance", "JRB", _loan_interest),
    Template("JOBS", "human_resources", "RSJ", _jobs),
    Template("TW", "trade", "TB", _taiwan),
    Template("ZJTX", "innovation", "KJJ", _specialized),
    Template("CREDIT", "credit", "SJJ", _credit),
    Template("RD", "innovation", "KJJ", _rd_subsidy),
    Template("NEW", "innovation", "KJJ", _startup),
    Template("IP", "innovation", "SJJ", _patent),
    Template("UP", "industry", "JFJ", _first_scale),
    Template("DX", "industry", "JFJ", _digital),
    Template("CHAIN", "industry", "JFJ", _chain),
    Template("HQ", "other", "ZSJ", _headquarters),
    Template("IPO", "finance", "JRB", _listing),
    Template("BRIDGE", "finance", "JRB", _bridge),
    Template("TRAIN", "human_resources", "RSJ", _training),
    Template("TALENT", "talent", "RSJ", _talent),
    Template("EXPORT", "trade", "ZSJ", _export),
    Template("LOGI", "trade", "JFJ", _logistics),
    Template("ECOM", "trade", "JFJ", _ecommerce),
    Template("LOCAL", "other", "JFJ", _local),
    Template("GREEN", "industry", "AHJ", _green),
    Template("FDI", "trade", "ZSJ", _reinvest),
    Template("LAB", "innovation", "KJJ", _research),
    Template("NEV", "industry", "JFJ", _energy),
    Template("HELP", "other", "YSB", _restructure),
    Template("GROW", "industry", "JFJ", _growth),
    Template("SAVE", "industry", "AHJ", _power_saving),
)


# --- the plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyRow:
    code: str
    title: str
    category: str
    department: str
    document_no: str
    valid_from: date
    valid_to: date
    apply_from: date | None
    apply_to: date | None
    benefit: str
    auto_grant: bool
    summary: str
    interpretation: str
    full_text: str
    conditions: Tree
    status: str
    published_at: datetime | None


def _describe(tree: Tree) -> str:
    """The conditions in words, for the full text (field labels and operators in Chinese)."""
    if "all" in tree or "any" in tree:
        op = "all" if "all" in tree else "any"
        parts = [_describe(p) for p in tree[op]]
        joined = ("；且" if op == "all" else "；或").join(parts)
        return joined if op == "all" else f"（{joined}）"
    if "not" in tree:
        return f"并非（{_describe(tree['not'])}）"
    spec = FIELDS[tree["field"]]
    value = tree["value"]
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, list):
        text = "、".join(str(x) for x in value)
    else:
        text = str(value)
    return f"{spec.label}{OP_LABELS[tree['op']]}{text}{spec.unit}"


def _full_text(title: str, made: Made, dept: str, valid_from: date, valid_to: date) -> str:
    return "\n".join(
        [
            f"{title}实施办法",
            "第一条 为进一步优化营商环境，推动企业高质量发展，根据有关规定，结合本区实际，制定本办法。",
            f"第二条 本办法适用于在本区依法登记注册、具有独立法人资格的企业。{made.summary}",
            f"第三条 申报条件：{_describe(made.conditions)}。",
            f"第四条 扶持标准：{made.benefit}。同一项目已获得其他同类财政资金支持的，按照“从高不重复”原则执行。",
            "第五条 申报程序：企业通过企服平台在线申报，挂钩干部协助准备材料，主管部门审核后公示5个工作日，"
            "公示无异议的拨付资金。"
            if not made.auto_grant
            else "第五条 兑现方式：本政策实行“免申即享”，主管部门根据已掌握的数据确定符合条件的企业名单，"
            "审核公示后直接兑现，企业无需申报。",
            "第六条 企业提供虚假材料骗取扶持资金的，追回已拨付资金，并依法依规纳入失信记录。",
            f"第七条 本办法由{dept}负责解释，自{valid_from:%Y年%m月%d日}起施行，有效期至{valid_to:%Y年%m月%d日}。",
        ]
    )


class PolicyPlanner:
    """Plans COUNT policies (pure, given the departments and the USCCs it may name)."""

    def __init__(
        self,
        *,
        seed: int,
        count: int,
        departments: dict[str, str],  # code -> Chinese name
        named: list[str],
        blacklist: list[str],
    ) -> None:
        self.rng = random.Random(f"{seed}:policies")  # noqa: S311 - demo data, deterministic on purpose
        self.count = count
        self.departments = departments
        self.named = named
        self.blacklist = blacklist

    def plan(self) -> list[PolicyRow]:
        rows: list[PolicyRow] = []
        serial: dict[tuple[str, int], int] = {}
        doc_serial: dict[tuple[str, int], int] = {}
        with translation.override("zh-hans"):
            for k in range(self.count):
                template = TEMPLATES[k % len(TEMPLATES)]
                rows.append(self._one(k, template, serial, doc_serial))
        return rows

    def _one(
        self, k: int, template: Template, serial: dict[tuple[str, int], int], doc_serial: dict[tuple[str, int], int]
    ) -> PolicyRow:
        rng = self.rng
        n = k // len(TEMPLATES)
        roll = rng.random()
        status = PolicyStatus.PUBLISHED
        if n and roll < 0.05:
            status = PolicyStatus.DRAFT
        elif n and roll < 0.17:
            status = PolicyStatus.EXPIRED
        year = ANCHOR.year if status == PolicyStatus.DRAFT else rng.choice((ANCHOR.year - 1, ANCHOR.year, ANCHOR.year))
        if status == PolicyStatus.EXPIRED:
            year = ANCHOR.year - rng.choice((1, 2, 3))
        variant = Variant(rng=rng, n=n, year=year, named=self.named, blacklist=self.blacklist)
        made = template.make(variant)
        parse(made.conditions)  # every seeded tree is valid (raises ConditionError otherwise)
        dept = template.department if template.department in self.departments else next(iter(self.departments))
        serial[(template.key, year)] = serial.get((template.key, year), 0) + 1
        code = f"KSGX-{year}-{template.key}-{serial[(template.key, year)]:02d}"  # KS-… is left to the zone's own files
        prefix = DOC_PREFIX.get(dept, "昆高新")
        doc_serial[(prefix, year)] = doc_serial.get((prefix, year), 0) + rng.randint(1, 6)
        document_no = f"{prefix}〔{year}〕{doc_serial[(prefix, year)]}号"
        if status == PolicyStatus.EXPIRED:
            valid_to = ANCHOR - timedelta(days=rng.randint(20, 400))
            valid_from = valid_to - timedelta(days=rng.choice((364, 729, 1094)))
        else:
            valid_from = max(date(year, 1, 1), ANCHOR - timedelta(days=rng.randint(30, 600)))
            valid_to = date(year + rng.choice((1, 2, 3)), 12, 31)
        apply_from: date | None = None
        apply_to: date | None = None
        if not made.auto_grant:
            apply_from = valid_from + timedelta(days=rng.randint(0, 60))
            apply_to = min(valid_to, apply_from + timedelta(days=rng.choice((60, 90, 180, 365))))
        published_at = None
        if status != PolicyStatus.DRAFT:
            day = valid_from - timedelta(days=rng.randint(0, 10))
            published_at = datetime.combine(day, time(9, 30), tzinfo=CST).astimezone(UTC)
        title = made.title if n < 2 or made.title.startswith(str(year)) else f"{made.title}（{year}年度）"
        return PolicyRow(
            code=code,
            title=title[:200],
            category=template.category,
            department=dept,
            document_no=document_no,
            valid_from=valid_from,
            valid_to=valid_to,
            apply_from=apply_from,
            apply_to=apply_to,
            benefit=made.benefit,
            auto_grant=made.auto_grant,
            summary=made.summary,
            interpretation=made.interpretation,
            full_text=_full_text(made.title, made, self.departments[dept], valid_from, valid_to),
            conditions=made.conditions,
            status=status,
            published_at=published_at,
        )


def _named_usccs(seed: int) -> tuple[list[str], list[str]]:
    """(the "一企一策" enterprises: the demo `ent`'s own and a few others; a demo 失信 list)."""
    from qifu.accounts.models import User
    from qifu.enterprises.models import Enterprise

    rng = random.Random(f"{seed}:policies:named")  # noqa: S311 - demo data, deterministic on purpose
    usccs = list(Enterprise.objects.order_by("uscc").values_list("uscc", flat=True))
    ent = User.objects.filter(username="ent").values_list("enterprise__uscc", flat=True).first()
    named = sorted(rng.sample(usccs, min(len(usccs), max(3, min(20, len(usccs) // 100)))))
    if ent and ent not in named:
        named = sorted([ent, *named[1:]])
    others = [u for u in usccs if u not in set(named)]
    blacklist = sorted(rng.sample(others, min(len(others), max(2, len(usccs) // 500))))
    if not blacklist:
        blacklist = [make_uscc(10_000_000)]
    return named, blacklist


def count_for(scale_name: str, enterprises: int) -> int:
    return COUNTS.get(scale_name, max(8, enterprises // 100))


def seed_policies(writer: Writer) -> None:
    """Plan and insert the demo policies (one phase of the writer's run; a no-op when some exist)."""
    from qifu.reference.models import Department

    if Policy.objects.exists():
        return
    departments = dict(Department.objects.filter(active=True).order_by("sort", "code").values_list("code", "name"))
    dept_id = dict(Department.objects.filter(active=True).values_list("code", "id"))
    if not departments:
        return
    named, blacklist = _named_usccs(writer.seed)
    total = count_for(writer.scale.name, writer.scale.enterprises)
    started = writer._phase("policies", total)
    planned = PolicyPlanner(
        seed=writer.seed, count=total, departments=departments, named=named, blacklist=blacklist
    ).plan()
    rows = []
    for p in planned:
        row = {k: v for k, v in p.__dict__.items() if k != "department"}
        row["department_id"] = dept_id[p.department]
        row["created_at"] = p.published_at or writer.now
        row["updated_at"] = p.published_at or writer.now
        rows.append(row)
    for start in range(0, len(rows), 1_000):
        writer._insert(Policy, rows[start : start + 1_000])
    writer.result.counts["policies"] = len(rows)
    writer._done("policies", started)
    _seed_notices(writer)


def _seed_notices(writer: Writer) -> None:
    """The demo zone has been running: every enterprise eligible for a policy in force was told
    when it was published (PolicyNotice rows), so the first nightly run tells only the newly
    eligible — not the whole zone about every seeded policy at once. The 免申即享 lists are
    drawn up as the nightly job would."""
    from qifu.policies import engine
    from qifu.policies.models import PolicyNotice
    from qifu.policies.selectors import current_policies, policy_tree
    from qifu.policies.services_grants import grant_list_refresh

    ctx = engine.context(writer.as_of)
    policies = current_policies(writer.as_of)
    cols = engine.load_columns(ctx)
    matched = engine.match_all(((p.code, policy_tree(p)) for p in policies), cols)
    total = sum(len(ids) for ids in matched.values())
    started = writer._phase("policy notices", total)
    batch: list[dict[str, Any]] = []
    for policy in policies:
        for enterprise_id in matched[policy.code]:
            batch.append(
                {
                    "enterprise_id": int(enterprise_id),
                    "policy_id": policy.pk,
                    "notified_at": policy.published_at or writer.now,
                }
            )
            if len(batch) >= 20_000:
                writer._insert(PolicyNotice, batch)
                batch = []
    if batch:
        writer._insert(PolicyNotice, batch)
    writer.result.counts["policy_notices"] = total
    writer._done("policy notices", started)
    writer.result.counts["policy_grants"] = grant_list_refresh(on=writer.as_of)


def seed_policies_only(*, scale_name: str, seed: int, progress: Any = None) -> dict[str, int]:
    """Add the policies and the service-list snapshot to an already seeded database, each only when
    its table is empty (idempotent). Returns what it wrote: {"policies": n, "list_memberships": n}."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from qifu.audit.services import audit_record
    from qifu.enterprises.models import Enterprise
    from qifu.ops.seeding.scales import SCALES
    from qifu.ops.seeding.servicelists import seed_memberships
    from qifu.ops.seeding.writer import NoProgress, Writer, analyze, big_sqlite_cache

    scale = SCALES[scale_name]
    with big_sqlite_cache(), transaction.atomic():
        writer = Writer(scale=scale, seed=seed, encoded_password="", progress=progress or NoProgress())
        if Enterprise.objects.exists():
            seed_memberships(writer)
            seed_policies(writer)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(writer.tables)):
                cursor.execute(statement)
        counts = {key: writer.result.counts.get(key, 0) for key in ("policies", "list_memberships")}
        if any(counts.values()):
            audit_record(
                actor=None,
                action="seed",
                object_type="policies",
                object_id=scale.name,
                changes={"scale": scale.name, "seed": seed, "counts": counts},
            )
    if any(counts.values()):
        analyze()
    return counts


def policies_digest() -> str:
    """A digest of the seeded policies and list memberships (ids and timestamps left out)."""
    from qifu.servicelists.models import Membership

    d = hashlib.sha256()
    for row in Policy.objects.order_by("code").values_list(
        "code", "title", "category", "department__code", "document_no", "valid_from", "valid_to", "apply_from",
        "apply_to", "benefit", "auto_grant", "summary", "interpretation", "full_text", "conditions", "status",
        "published_at",
    ):  # fmt: skip
        d.update(repr(row).encode())
    for member in Membership.objects.order_by("month", "service_list__code", "enterprise__uscc").values_list(
        "month", "service_list__code", "enterprise__uscc", "source", "reason"
    ):
        d.update(repr(member).encode())
    return d.hexdigest()
