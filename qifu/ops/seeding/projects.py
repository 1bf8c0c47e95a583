"""Investment projects with their milestones, and the task forces (专班) (pure: no database).

Milestones are planned from the signing date with typical gaps; the recorded (actual) dates drift
around the plan — mostly on time, some weeks late, a few months late — and a delay pushes the
next step back, so slipping projects look the way they do in a real ledger. Nothing is recorded
after ANCHOR; a step whose plan date passed unrecorded is what delay detection finds.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from qifu.ops.seeding import vocab
from qifu.ops.seeding.people import People, Person
from qifu.ops.seeding.registry import LinkRow, RegistryPlanner
from qifu.ops.seeding.scales import ANCHOR, MECHANISM_START

ALL_STEPS = (
    "signing",
    "land",
    "filing",
    "planning_permit",
    "construction_permit",
    "start",
    "completion",
    "production",
    "full_production",
)
# Which milestones each kind of project goes through.
STEPS = {
    "new": ALL_STEPS,
    "expansion": tuple(s for s in ALL_STEPS if s != "land"),
    "upgrade": ("signing", "filing", "start", "completion", "production"),
    "hq": ALL_STEPS[:7],
    "warehouse": ALL_STEPS[:7],
}
# Planned gap (days) from the previous milestone.
GAPS = {
    "land": (45, 150),
    "filing": (20, 60),
    "planning_permit": (30, 90),
    "construction_permit": (20, 60),
    "start": (7, 45),
    "completion": (300, 720),
    "production": (30, 120),
    "full_production": (180, 540),
}
UPGRADE_GAPS = {"completion": (90, 300)}
STEP_LABELS = {
    "land": "拿地",
    "filing": "立项备案",
    "planning_permit": "取得规划许可",
    "construction_permit": "取得施工许可",
    "start": "开工",
    "completion": "竣工",
    "production": "投产",
    "full_production": "达产",
}
PROJECT_DEPARTMENTS = ("ZSJ", "GJJ", "JFJ")  # cadres who typically follow projects
QUANTITIES = (50, 100, 120, 200, 300, 500, 800, 1000, 1200, 2000, 3000, 5000)
QUANTITIES_BY_YI = (1, 2, 3, 5, 10, 20)  # when the unit is 亿 (hundred million) of something


@dataclass(frozen=True)
class MilestoneRow:
    kind: str
    planned_on: date
    actual_on: date | None
    note: str = ""


@dataclass
class ProjectRow:
    code: str
    name: str
    enterprise: int
    industrial: bool
    major: bool
    status: str
    park: str
    total_investment: Decimal
    annual_planned: Decimal
    completed_investment: Decimal
    liaison: int  # index into People.liaisons
    signed_on: date
    milestones: list[MilestoneRow] = field(default_factory=list)


@dataclass(frozen=True)
class TaskForceRow:
    name: str
    enterprise: int
    project: int | None
    lead: str  # username
    goal: str
    members: tuple[tuple[str, str], ...]  # (username, duty)


def wan(value: float) -> Decimal:
    """Whole 万元."""
    return Decimal(round(value))


class ProjectPlanner:
    def __init__(self, *, registry: RegistryPlanner, people: People, seed: int) -> None:
        self.registry = registry
        self.people = people
        self.facts = registry.facts
        self.rng = random.Random(f"{seed}:projects")  # noqa: S311 - demo data, deterministic on purpose
        self.tf_rng = random.Random(f"{seed}:taskforces")  # noqa: S311 - demo data, deterministic on purpose

    def projects(self) -> list[ProjectRow]:
        """After registry.enterprises() (needs headcounts). Project 0 belongs to `liaison`."""
        rng, f = self.rng, self.facts
        count = self.registry.scale.projects
        n = len(f.employees)
        first = self.registry.by_liaison[0][0]
        cum = list(accumulate((3.0 if f.industrial[i] else 0.6) * math.sqrt(f.employees[i]) for i in range(n)))
        owners = [first, *rng.choices(range(n), cum_weights=cum, k=count - 1)]
        serials = rng.sample(range(100_000, 1_000_000), count)
        n_cadres = len(self.people.cadres)
        project_cadres = [li for li, p in enumerate(self.people.cadres) if p.department in PROJECT_DEPARTMENTS] or list(
            range(n_cadres)
        )
        rows = []
        for k, owner in enumerate(owners):
            row = self._project(rng, k, owner, serials[k])
            if k == 0:
                row.liaison = 0
            elif rng.random() < 0.65 or not project_cadres:
                row.liaison = self.registry.primary[owner]
            else:
                row.liaison = rng.choice(project_cadres)
            rows.append(row)
        return rows

    def _project(self, rng: random.Random, k: int, owner: int, serial: int) -> ProjectRow:
        f = self.facts
        short = f.short[owner]
        product, unit = vocab.PRODUCTS.get(f.industry[owner], ("产品", "万件"))
        if f.industrial[owner]:
            kind = "new" if k == 0 else rng.choices(("new", "expansion", "upgrade"), weights=(45, 30, 25))[0]
        else:
            kind = "warehouse" if f.industry[owner].startswith("G") else "hq"
        if kind == "new":
            quantity = rng.choice(QUANTITIES_BY_YI if unit.startswith("亿") else QUANTITIES)
            # "通颢电脑配件年产50万件电脑配件项目" says it twice: then the trade name alone.
            owner_name = f.trade[owner] if product in short else short
            name = f"{owner_name}年产{quantity}{unit}{product}项目"
            total = rng.lognormvariate(math.log(40_000), 0.9)
        elif kind == "expansion":
            if rng.random() < 0.5:
                name = f"{short}{rng.choice(('二期', '三期'))}扩建项目"
            else:
                name = f"{f.trade[owner] if product in short else short}新增{product}生产线项目"
            total = rng.lognormvariate(math.log(20_000), 0.8)
        elif kind == "upgrade":
            name = f"{short}{rng.choice(('智能化技术改造', '数字化车间改造', '绿色工厂提升改造'))}项目"
            total = rng.lognormvariate(math.log(6_000), 0.7)
        elif kind == "warehouse":
            name = f"{short}智能仓储物流中心项目"
            total = rng.lognormvariate(math.log(15_000), 0.7)
        else:
            name = f"{short}{rng.choice(('研发总部', '总部及研发中心建设'))}项目"
            total = rng.lognormvariate(math.log(25_000), 0.8)
        total = min(1_500_000.0, max(1_000.0, round(total, -2)))
        major = total >= 100_000 or (total >= 50_000 and rng.random() < 0.4)
        # Project 0 is `liaison`'s and has a task force: signed 1-2 years ago, so it is still being built.
        signed = ANCHOR - timedelta(days=rng.randint(300, 600) if k == 0 else rng.randint(15, 1_300))
        milestones = self._milestones(rng, kind, signed)
        done = {m.kind for m in milestones if m.actual_on is not None}
        if done & {"production", "full_production"}:
            status, completed, annual = "operating", rng.uniform(0.95, 1.0), rng.uniform(0.0, 0.05)
        elif "completion" in done:
            status, completed, annual = "completed", rng.uniform(0.85, 0.98), rng.uniform(0.05, 0.15)
        elif "start" in done:
            status, completed, annual = "construction", self._built_share(rng, milestones), rng.uniform(0.25, 0.45)
        else:
            status, completed, annual = "planned", rng.uniform(0.0, 0.05), rng.uniform(0.1, 0.3)
        industry_digits = f.industry[owner][1:3]
        approval = "02" if major and rng.random() < 0.3 else "03"  # 02 核准, 03 备案
        return ProjectRow(
            code=f"{signed.year}-320583-{industry_digits}-{approval}-{serial:06d}",
            name=name,
            enterprise=owner,
            industrial=f.industrial[owner] and kind not in ("hq", "warehouse"),
            major=major,
            status=status,
            park=f.park[owner],
            total_investment=wan(total),
            annual_planned=wan(total * annual),
            completed_investment=wan(total * completed),
            liaison=self.registry.primary[owner],
            signed_on=signed,
            milestones=milestones,
        )

    @staticmethod
    def _built_share(rng: random.Random, milestones: list[MilestoneRow]) -> float:
        by_kind = {m.kind: m for m in milestones}
        start, end = by_kind["start"], by_kind.get("completion")
        if end is None or start.actual_on is None:
            return 0.3
        span = max(1, (end.planned_on - start.planned_on).days)
        return min(0.9, max(0.05, (ANCHOR - start.actual_on).days / span * rng.uniform(0.7, 1.0)))

    @staticmethod
    def _milestones(rng: random.Random, kind: str, signed: date) -> list[MilestoneRow]:
        rows: list[MilestoneRow] = []
        planned = signed
        last_actual: date | None = signed
        blocked = False
        for step in STEPS[kind]:
            if step != "signing":
                low, high = (UPGRADE_GAPS if kind == "upgrade" else {}).get(step, GAPS[step])
                planned = planned + timedelta(days=rng.randint(low, high))
            actual: date | None = None
            if step == "signing":
                actual = signed
            elif not blocked and planned <= ANCHOR and last_actual is not None:
                # A step long past its plan is nearly always done by now (perhaps late); one that
                # fell due in the last weeks often is not yet.
                overdue = (ANCHOR - planned).days
                if rng.random() < (0.99 if overdue > 180 else 0.95 if overdue > 60 else 0.75):
                    r = rng.random()
                    slip = rng.randint(-15, 0) if r < 0.6 else rng.randint(1, 30) if r < 0.88 else rng.randint(31, 120)
                    actual = max(planned + timedelta(days=slip), last_actual + timedelta(days=rng.randint(3, 20)))
                    if actual > ANCHOR:
                        actual = None
            if actual is None:
                blocked = True
            note = ""
            late = (actual is None and planned < ANCHOR) or (actual is not None and (actual - planned).days > 30)
            if late and step in vocab.MILESTONE_LATE_NOTES and rng.random() < 0.6:
                note = rng.choice(vocab.MILESTONE_LATE_NOTES[step])
            rows.append(MilestoneRow(step, planned, actual, note))
            last_actual = actual
        return rows

    def project_links(self, projects: list[ProjectRow]) -> list[LinkRow]:
        """The primary link of every project, and a backup cadre for some."""
        rng = self.rng
        links = []
        n_cadres = len(self.people.cadres)
        for k, p in enumerate(projects):
            start = min(ANCHOR - timedelta(days=1), max(MECHANISM_START, p.signed_on))
            links.append(LinkRow(p.enterprise, p.liaison, "primary", start, project=k))
            if n_cadres > 1 and rng.random() < 0.15:
                backup = rng.choice([c for c in range(n_cadres) if c != p.liaison])
                links.append(LinkRow(p.enterprise, backup, "backup", start, project=k))
        return links

    # --- task forces ----------------------------------------------------------------------------
    def task_forces(self, projects: list[ProjectRow]) -> list[TaskForceRow]:
        """一企业一专班 for the biggest open projects and enterprises; the first is led by `liaison`."""
        count = self.registry.scale.task_forces
        if count <= 0 or not projects:
            return []
        f = self.facts
        open_projects = sorted(
            (k for k in range(1, len(projects)) if projects[k].status != "operating"),
            key=lambda k: (-projects[k].total_investment, k),
        )
        by_project = [0, *open_projects[: max(0, round(count * 2 / 3) - 1)]]
        taken = {projects[k].enterprise for k in by_project}
        by_revenue = sorted(range(len(f.revenue)), key=lambda i: (-f.revenue[i], i))
        by_enterprise = [i for i in by_revenue if i not in taken][: count - len(by_project)]
        forces = [self._project_force(k, projects[k]) for k in by_project]
        forces += [self._enterprise_force(i) for i in by_enterprise]
        return forces

    def _lead(self, liaison: int, fallback_department: str) -> str:
        person = self.people.liaisons[liaison]
        if person.role == "cadre":
            return person.username
        heads = self.people.heads.get(fallback_department) or next(iter(self.people.heads.values()))
        return heads[0].username

    def _members(self, departments: tuple[str, ...], lead: str, liaison: Person) -> tuple[tuple[str, str], ...]:
        rng = self.tf_rng
        present = [d for d in departments if self.people.handlers.get(d) or self.people.heads.get(d)]
        chosen = rng.sample(present, min(len(present), rng.randint(3, 5)))
        members: list[tuple[str, str]] = []
        seen = {lead}
        if liaison.username not in seen:
            members.append((liaison.username, "挂钩联系服务"))
            seen.add(liaison.username)
        for dept in chosen:
            pool = self.people.handlers.get(dept) if rng.random() < 0.7 else None
            pool = pool or self.people.heads.get(dept) or self.people.handlers[dept]
            person = rng.choice(pool)
            if person.username not in seen:
                members.append((person.username, vocab.TASKFORCE_DUTIES.get(dept, "协同服务")))
                seen.add(person.username)
        return tuple(members)

    def _project_force(self, k: int, project: ProjectRow) -> TaskForceRow:
        lead = "liaison" if k == 0 else self._lead(project.liaison, "ZSJ")
        pending = next((m for m in project.milestones if m.actual_on is None), None)
        if pending is None:
            aim = "做好达产后续服务"
        else:
            target = max(pending.planned_on, ANCHOR + timedelta(days=30))
            aim = f"力争{target.year}年{target.month}月前{STEP_LABELS.get(pending.kind, '推进')}"
        goal = f"围绕{project.name}，协调用地、审批、施工和配套等环节，{aim}。"
        liaison = self.people.liaisons[project.liaison]
        members = self._members(vocab.PROJECT_TASKFORCE_DEPARTMENTS, lead, liaison)
        return TaskForceRow(f"{project.name}服务专班", project.enterprise, k, lead, goal, members)

    def _enterprise_force(self, i: int) -> TaskForceRow:
        liaison_index = self.registry.primary[i]
        lead = self._lead(liaison_index, "JFJ")
        departments: tuple[str, ...] = vocab.ENTERPRISE_TASKFORCE_DEPARTMENTS
        if self.facts.ownership[i] == "taiwan" and "TB" in self.people.heads:
            departments = (*departments, "TB")
        goal = "围绕企业扩产增效，协调要素保障、政策兑现、用工招聘和融资对接，一企一策解决发展难题。"
        members = self._members(departments, lead, self.people.liaisons[liaison_index])
        return TaskForceRow(f"{self.facts.short[i]}一企一专班", i, None, lead, goal, members)
