"""Enterprises, their liaisons and their portal accounts (pure: no database).

Figures are in 万元 and follow simple, plausible relations: revenue from headcount, tax, output
and R&D from revenue, 规上工业 = an industrial enterprise with revenue ≥ 2,000万元 (the statistical
definition). Liaisons are linked mostly within "their" park, so a cadre's enterprises lie close
together, as they would on a real visiting round.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from qifu.enterprises.uscc import make_uscc
from qifu.ops.seeding import vocab
from qifu.ops.seeding.people import People, QuickNames, allocate, weighted
from qifu.ops.seeding.scales import ANCHOR, MECHANISM_START, Scale

CADRE_LOAD = 2.2  # a cadre looks after about twice as many enterprises as a deputy
DEPUTY_LOAD = 1.0
CHANGE_REASONS = ("干部岗位调整", "挂钩关系优化调整", "干部轮岗交流")


def money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


@dataclass
class EnterpriseRow:
    uscc: str
    name: str
    industry: str
    park: str
    address: str
    founded_on: date
    registered_capital: Decimal
    ownership: str
    above_scale: bool
    high_tech: bool
    specialized: str
    listed: bool
    employees: int
    revenue_last_year: Decimal
    tax_last_year: Decimal
    output_last_year: Decimal | None
    rd_last_year: Decimal
    contact_name: str
    contact_phone: str
    tags: list[str]
    liaison: int  # index into People.liaisons


@dataclass(frozen=True)
class LinkRow:
    enterprise: int
    liaison: int  # index into People.liaisons
    role: str
    started_on: date
    ended_on: date | None = None
    reason: str = ""
    project: int | None = None


@dataclass(frozen=True)
class PortalUser:
    enterprise: int
    username: str
    name: str


@dataclass
class Facts:
    """What later steps (projects, task forces, portal users) need to know of each enterprise."""

    industrial: list[bool] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    industry: list[str] = field(default_factory=list)
    park: list[str] = field(default_factory=list)
    ownership: list[str] = field(default_factory=list)
    employees: list[int] = field(default_factory=list)
    revenue: list[float] = field(default_factory=list)
    founded: list[date] = field(default_factory=list)
    short: list[str] = field(default_factory=list)  # 字号 + 行业词
    trade: list[str] = field(default_factory=list)  # 字号
    uscc: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)


class RegistryPlanner:
    def __init__(self, *, scale: Scale, seed: int, people: People) -> None:
        self.scale = scale
        self.seed = seed
        self.people = people
        self.liaisons = people.liaisons
        self.n_cadres = len(people.cadres)
        self.rng = random.Random(f"{seed}:enterprises")  # noqa: S311 - demo data, deterministic on purpose
        self.names = QuickNames(random.Random(f"{seed}:contacts"))  # noqa: S311 - demo data, deterministic
        self.facts = Facts()
        self.primary: list[int] = []
        self.by_liaison: list[list[int]] = [[] for _ in self.liaisons]
        self.park_liaisons: dict[str, list[int]] = {}
        self._skeleton()
        self._assign_liaisons()

    # --- skeleton: industry and park of every enterprise, before the details ------------------
    def _skeleton(self) -> None:
        rng = self.rng
        n, industrial = self.scale.enterprises, self.scale.industrial
        flags = [True] * industrial + [False] * (n - industrial)
        rng.shuffle(flags)
        groups = {
            side: [(g.key, g.share) for g in vocab.GROUPS.values() if g.industrial is side] for side in (True, False)
        }
        by_group: dict[str, list[vocab.Industry]] = {}
        for ind in vocab.INDUSTRIES:
            by_group.setdefault(ind.group, []).append(ind)
        for flag in flags:
            group = vocab.GROUPS[weighted(rng, groups[flag])]
            candidates = by_group[group.key]
            industry = rng.choices(candidates, weights=[c.weight for c in candidates])[0]
            park = industry.park if industry.park and rng.random() < 0.75 else weighted(rng, group.parks)
            self.facts.industrial.append(flag)
            self.facts.group.append(group.key)
            self.facts.industry.append(industry.code)
            self.facts.park.append(park)
        self._industries = {ind.code: ind for ind in vocab.INDUSTRIES}

    # --- liaisons: parks first (D'Hondt by load), then a fair share inside each park ----------
    def _assign_liaisons(self) -> None:
        rng = random.Random(f"{self.seed}:links")  # noqa: S311 - demo data, deterministic on purpose
        self.link_rng = rng
        weight = [CADRE_LOAD if li < self.n_cadres else DEPUTY_LOAD for li in range(len(self.liaisons))]
        members: dict[str, list[int]] = {}
        for i, park in enumerate(self.facts.park):
            members.setdefault(park, []).append(i)
        parks = [p for p in vocab.PARKS if p in members] + sorted(p for p in members if p not in vocab.PARKS)
        load = dict.fromkeys(parks, 0.0)
        self.park_liaisons = {p: [] for p in parks}
        order = list(range(len(self.liaisons)))
        rng.shuffle(order)
        for li in order:
            park = max(parks, key=lambda p: (len(members[p]) / (load[p] + weight[li]), -parks.index(p)))
            load[park] += weight[li]
            self.park_liaisons[park].append(li)
        self.primary = [-1] * self.scale.enterprises
        for park in parks:
            inside = list(members[park])
            rng.shuffle(inside)
            lis = sorted(self.park_liaisons[park])
            if not lis:
                continue
            quota = allocate(len(inside), {li: weight[li] for li in lis}, minimum=1 if len(inside) >= len(lis) else 0)
            start = 0
            for li in lis:
                for i in inside[start : start + quota[li]]:
                    self.primary[i] = li
                start += quota[li]
        # A liaison left without an enterprise takes one from the busiest colleague.
        for i, li in enumerate(self.primary):
            self.by_liaison[li].append(i)
        for li, own in enumerate(self.by_liaison):
            if not own:
                donor = max(range(len(self.by_liaison)), key=lambda d: (len(self.by_liaison[d]), -d))
                if len(self.by_liaison[donor]) < 2:
                    continue
                moved = self.by_liaison[donor].pop()
                own.append(moved)
                self.primary[moved] = li
        for own in self.by_liaison:
            own.sort()

    # --- details ------------------------------------------------------------------------------
    def enterprises(self) -> Iterator[EnterpriseRow]:
        """The enterprises in order; fills `facts` as it goes (for projects and task forces)."""
        rng = self.rng
        serials = rng.sample(range(10_000_000, 100_000_000), self.scale.enterprises)
        names: set[str] = set()
        for i in range(self.scale.enterprises):
            yield self._enterprise(i, serials[i], names, rng)

    def _enterprise(self, i: int, serial: int, names: set[str], rng: random.Random) -> EnterpriseRow:
        f = self.facts
        industrial, group_key, code, park = f.industrial[i], f.group[i], f.industry[i], f.park[i]
        group = vocab.GROUPS[group_key]
        ownership = weighted(rng, group.ownership)
        overseas = ownership != "domestic"
        if industrial:
            first, last = (1993, 2016) if overseas else (2000, 2024)
        else:
            first, last = 2005, ANCHOR.year
        founded = min(day_between(rng, date(first, 1, 1), date(last, 12, 31)), ANCHOR - timedelta(days=60))
        age = (ANCHOR - founded).days / 365.25
        if industrial:
            big = 2.5 if overseas and group_key == "electronics" else 1.0
            employees = int(min(25_000, max(8, rng.lognormvariate(math.log(60 * big), 1.1))))
            per_head = rng.uniform(30, 120) * rng.lognormvariate(0, 0.3)
        else:
            employees = int(min(1_500, max(3, rng.lognormvariate(math.log(22), 0.9))))
            per_head = rng.uniform(25, 110)
        if age < 2:
            employees = max(3, int(employees * 0.4))
            per_head *= 0.5
        revenue = employees * per_head
        tax = revenue * rng.uniform(0.015, 0.065)
        output = revenue * rng.uniform(0.9, 1.15) if industrial else None
        high_tech = age >= 1 and rng.random() < group.high_tech
        if high_tech:
            rd = revenue * rng.uniform(0.035, 0.09)
        elif group_key == "business":
            rd = 0.0 if rng.random() < 0.6 else revenue * rng.uniform(0.0, 0.01)
        else:
            rd = revenue * rng.uniform(0.0, 0.03)
        if industrial:
            capital = max(50.0, revenue * rng.uniform(0.05, 0.4))
            capital = round(capital, -2) if overseas else round(capital, -1)
        else:
            capital = round(min(50_000.0, max(10.0, rng.lognormvariate(math.log(300), 1.0))), -1)
        specialized = "none"
        if (industrial or group_key in ("software", "research")) and employees <= 1_000 and age >= 3:
            r = rng.random()
            specialized = "little_giant" if r < 0.02 else "provincial" if r < 0.12 else "none"
        listed_odds = 0.35 if revenue >= 100_000 else 0.06 if revenue >= 20_000 else 0.005
        listed = age >= 5 and rng.random() < listed_odds
        tags = self._tags(rng, industrial, group_key, code, overseas, high_tech, age, revenue)
        trade, word, name = self._name(rng, names, ownership, code, big_firm=listed or employees >= 800)
        roads = vocab.PARKS.get(park, ("城北路",))
        address = f"江苏省昆山市玉山镇{rng.choice(roads)}{rng.randint(1, 1999)}号"
        if group_key in ("software", "research"):
            address += f"{rng.randint(1, 12)}号楼{rng.randint(2, 18)}{rng.randint(1, 20):02d}室"
        contact = self.names.name()
        phone = self.names.mobile()
        uscc = make_uscc(serial)
        f.ownership.append(ownership)
        f.employees.append(employees)
        f.revenue.append(revenue)
        f.founded.append(founded)
        f.short.append(f"{trade}{word}")
        f.trade.append(trade)
        f.uscc.append(uscc)
        f.contact.append(contact)
        return EnterpriseRow(
            uscc=uscc,
            name=name,
            industry=code,
            park=park,
            address=address,
            founded_on=founded,
            registered_capital=money(capital),
            ownership=ownership,
            above_scale=industrial and revenue >= 2_000,
            high_tech=high_tech,
            specialized=specialized,
            listed=listed,
            employees=employees,
            revenue_last_year=money(revenue),
            tax_last_year=money(tax),
            output_last_year=money(output) if output is not None else None,
            rd_last_year=money(rd),
            contact_name=contact,
            contact_phone=phone,
            tags=tags,
            liaison=self.primary[i],
        )

    def _name(
        self, rng: random.Random, names: set[str], ownership: str, code: str, *, big_firm: bool
    ) -> tuple[str, str, str]:
        """(字号, 行业词, full name), unique in the zone."""
        words = self._industries[code].words
        for attempt in range(40):
            size = 3 if attempt > 20 else 2
            if ownership == "foreign":
                first = rng.choice(vocab.FOREIGN_FIRST)
                trade = first + "".join(rng.sample(vocab.FOREIGN_SYLLABLES.replace(first, ""), 2))
            else:
                trade = "".join(rng.sample(vocab.TRADE_CHARS, size))
            word = rng.choice(words)
            r = rng.random()
            if ownership == "domestic":
                if big_firm and r < 0.35:
                    name = f"江苏{trade}{word}股份有限公司"
                elif r < 0.88:
                    name = f"昆山{trade}{word}有限公司"
                else:
                    name = f"{trade}{word}（昆山）有限公司"
            elif (ownership == "taiwan" and r < 0.4) or (ownership == "hk_macao" and r < 0.5):
                name = f"昆山{trade}{word}有限公司"
            else:
                name = f"{trade}{word}（昆山）有限公司"
            if name not in names:
                names.add(name)
                return trade, word, name
        raise RuntimeError("could not find a unique enterprise name")  # not reached at the known scales

    @staticmethod
    def _tags(
        rng: random.Random,
        industrial: bool,
        group: str,
        code: str,
        overseas: bool,
        high_tech: bool,
        age: float,
        revenue: float,
    ) -> list[str]:
        t = vocab.ENTERPRISE_TAGS
        tags: list[str] = []
        if industrial and rng.random() < (0.6 if overseas else 0.2):
            tags.append(t["export"])
        if high_tech and rng.random() < 0.3:
            tags.append(t["rd_center"])
        if code == "L7211" or (revenue >= 50_000 and rng.random() < 0.4):
            tags.append(t["headquarters"])
        if high_tech and age <= 8 and rng.random() < 0.25:
            tags.append(t["gazelle"])
        if group in ("software", "research", "biomedicine") and age <= 6 and rng.random() < 0.02:
            tags.append(t["unicorn"])
        if group == "machinery" and rng.random() < 0.06:
            tags.append(t["first_set"])
        if industrial and revenue >= 30_000 and rng.random() < 0.5:
            tags.append(t["energy"])
        if (group in ("biomedicine", "materials") and rng.random() < 0.35) or (code == "C3360" and rng.random() < 0.7):
            tags.append(t["hazard"])
        return tags

    # --- links ----------------------------------------------------------------------------------
    def enterprise_links(self) -> list[LinkRow]:
        """Open primary link per enterprise, some backups, some ended links (history). After enterprises()."""
        rng = self.link_rng
        links: list[LinkRow] = []
        everyone = range(len(self.liaisons))
        latest = ANCHOR - timedelta(days=1)
        for i, li in enumerate(self.primary):
            founded = self.facts.founded[i]
            start = (
                MECHANISM_START if founded < MECHANISM_START else min(latest, founded + timedelta(rng.randint(20, 90)))
            )
            backup = None
            if rng.random() < self.scale.backup_share:
                near = [x for x in self.park_liaisons[self.facts.park[i]] if x != li]
                backup = rng.choice(near or [x for x in everyone if x != li])
            if founded < MECHANISM_START and rng.random() < self.scale.history_share:
                previous = rng.choice([x for x in everyone if x not in (li, backup)])
                changed = day_between(rng, MECHANISM_START + timedelta(days=120), ANCHOR - timedelta(days=30))
                reason = rng.choice(CHANGE_REASONS)
                links.append(LinkRow(i, previous, "primary", MECHANISM_START, changed, reason))
                links.append(LinkRow(i, li, "primary", changed, None, reason))
                start = changed
            else:
                links.append(LinkRow(i, li, "primary", start))
            if backup is not None:
                links.append(LinkRow(i, backup, "backup", min(latest, start + timedelta(rng.randint(0, 180)))))
        return links

    # --- portal accounts ------------------------------------------------------------------------
    def portal_users(self) -> list[PortalUser]:
        """`ent` for the first enterprise of `liaison`; a share of the others get e<uscc>."""
        rng = random.Random(f"{self.seed}:portal")  # noqa: S311 - demo data, deterministic on purpose
        first = self.by_liaison[0][0]
        users = [PortalUser(first, "ent", self.facts.contact[first])]
        for i in range(self.scale.enterprises):
            if i != first and rng.random() < self.scale.portal_share:
                users.append(PortalUser(i, f"e{self.facts.uscc[i].lower()}", self.facts.contact[i]))
        return users
