"""The demo suggestions (建议, PRODUCT.md §2.3): a year of them, from enterprises, liaisons and
deputies, tagged, assigned and answered as `qifu.suggestions.services` would have done it.

Deterministic: one random stream per seed, every date counted back from the writer's `as_of`.
Older suggestions are mostly answered (a third of those closed), recent ones still wait for the
desk or the department. The demo accounts get some in every state: `ent` (its enterprise's), the
demo `liaison` and `deputy` (their own), and each department's demo handler answers most of its
department's. Rows go in through the writer's batched INSERT (a few thousand at city scale).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from typing import TYPE_CHECKING, Any

from qifu.ops.seeding.people import People
from qifu.ops.seeding.registry import LinkRow, RegistryPlanner
from qifu.reference.models import Department
from qifu.suggestions.models import Suggestion, SuggestionTopic

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

CST = dt_timezone(timedelta(hours=8))  # Asia/Shanghai
WINDOW_DAYS = 365
MIN_TOTAL, MAX_TOTAL = 40, 4000  # small 40, zone ~400, city 4,000
DEMO_SHARE = 12  # suggestions of the demo accounts, placed first

# The department that answers each topic (taxonomy.yaml codes); missing ones go to the desk's office.
TOPIC_DEPARTMENT = {
    "business_environment": "YSB",
    "policy": "JFJ",
    "infrastructure": "GJJ",
    "talent": "RSJ",
    "finance": "JRB",
    "industry": "ZSJ",
    "government_service": "XSJ",
    "safety_environment": "AHJ",
    "other": "YSB",
}
TOPIC_WEIGHT = {
    "business_environment": 14, "policy": 16, "infrastructure": 14, "talent": 15, "finance": 10,
    "industry": 9, "government_service": 11, "safety_environment": 6, "other": 5,
}  # fmt: skip
IDEAS: dict[str, list[tuple[str, str]]] = {
    "business_environment": [
        ("涉企检查合并进行", "建议各部门对同一企业的检查统筹安排、合并进行，减少重复上门。"),
        ("企业诉求办理结果公开", "建议定期公开企业诉求办理情况，让企业了解共性问题的解决进度。"),
    ],
    "policy": [
        ("惠企政策免申即享", "建议对符合条件的企业推行惠企政策免申即享，减少申报材料。"),
        ("政策兑现时间再缩短", "部分奖补资金兑现周期较长，建议明确兑现时限并公开进度。"),
    ],
    "infrastructure": [
        ("园区增开通勤公交", "园区员工通勤不便，建议增开早晚高峰通勤公交线路。"),
        ("园区道路夜间照明", "园区部分道路夜间照明不足，建议增设路灯，保障员工下班安全。"),
        ("增设货车临时停车区", "园区货车停靠困难，建议在主干道附近规划临时停车区。"),
    ],
    "talent": [
        ("人才公寓扩容", "企业引进的技术人才住房需求大，建议扩大人才公寓供给。"),
        ("技能培训补贴", "建议加大一线技术工人技能培训补贴力度，缓解招工难。"),
        ("校企合作招聘会", "建议区里牵头组织校企合作招聘会，帮助企业对接职业院校毕业生。"),
    ],
    "finance": [
        ("设立转贷应急资金", "建议设立中小企业转贷应急资金池，缓解续贷期间资金压力。"),
        ("知识产权质押融资", "建议推广知识产权质押融资，帮助科技型企业轻资产融资。"),
    ],
    "industry": [
        ("产业链上下游对接", "建议组织产业链上下游企业对接会，促进本地配套。"),
        ("支持企业数字化改造", "建议对智能化改造、数字化转型项目给予专项支持。"),
    ],
    "government_service": [
        ("审批事项一窗通办", "建议进一步整合审批窗口，实现企业办事一窗受理、一次办好。"),
        ("延长政务服务时间", "建议政务服务中心周末提供预约服务，方便企业办事。"),
    ],
    "safety_environment": [
        ("安全培训送上门", "建议安监部门为中小企业提供上门安全生产培训。"),
        ("环评审批提速", "建议对技改项目环评审批开通绿色通道，缩短审批时间。"),
    ],
    "other": [("企业意见征集常态化", "建议建立企业意见定期征集机制，及时听取企业声音。")],
}
ANSWERS = [
    "感谢您的建议。我局已研究采纳，将于下季度起实施，届时会通过挂钩干部告知具体安排。",
    "您的建议很有价值，已纳入年度工作计划，我们会跟进落实并及时反馈进展。",
    "经研究，该建议涉及多个部门，我局已牵头协调，近期将召开专题会议研究落实。",
    "感谢关注。相关政策已于近期出台，详见区政府网站政策专栏，如有疑问可联系挂钩干部。",
    "该建议暂不具备实施条件，我们将在后续规划中统筹考虑，感谢您的理解和支持。",
]


@dataclass(frozen=True)
class Author:
    uid: int
    role: str
    source: str
    enterprise: int | None  # enterprise index


class SuggestionPlanner:
    """Plans the rows (pure, but for the ids of the rows the writer has already inserted)."""

    def __init__(
        self,
        *,
        seed: int,
        as_of: date,
        total: int,
        enterprise_ids: list[int],
        portal: dict[int, int],
        primary: dict[int, tuple[int, str]],  # enterprise index -> (liaison uid, role)
        liaisons: list[tuple[int, str]],  # (uid, role) of every liaison, the demo `liaison` first
        demo_enterprise: int,
        demo_deputy: int | None,
        desk: list[int],
        handlers: dict[int, list[int]],  # department id -> its handler ids (the demo one first)
        topics: list[tuple[int, str]],  # (pk, code)
        department_of: dict[str, int],  # topic code -> department id
    ) -> None:
        self.rng = random.Random(f"{seed}:suggestions")  # noqa: S311 - demo data, deterministic on purpose
        self.as_of = as_of
        self.total = total
        self.enterprise_ids = enterprise_ids
        self.portal = portal
        self.primary = primary
        self.liaisons = liaisons
        self.demo_enterprise = demo_enterprise
        self.demo_deputy = demo_deputy
        self.desk = desk
        self.handlers = handlers
        self.topics = topics
        self.topic_weights = [TOPIC_WEIGHT.get(code, 5) for _pk, code in topics]
        self.department_of = department_of
        self.with_portal = sorted(portal)
        self.counts: dict[str, int] = {}

    def _author(self, n: int) -> Author:
        rng = self.rng
        if n < DEMO_SHARE:  # the demo accounts first: ent ×6, liaison ×4, deputy ×2
            if n < 6 and self.demo_enterprise in self.portal:
                return Author(self.portal[self.demo_enterprise], "enterprise", "portal", self.demo_enterprise)
            if n < 10 or self.demo_deputy is None:
                uid, role = self.liaisons[0]
                return Author(uid, role, "liaison" if role == "cadre" else "deputy", self.demo_enterprise)
            return Author(self.demo_deputy, "deputy", "deputy", None)
        roll = rng.random()
        if roll < 0.55 and self.with_portal:
            k = rng.choice(self.with_portal)
            return Author(self.portal[k], "enterprise", "portal", k)
        if roll < 0.92 and self.primary:
            k = rng.randrange(len(self.enterprise_ids))
            if k in self.primary:
                uid, role = self.primary[k]
                source = rng.choice(("visit", "visit", "liaison")) if role == "cadre" else "deputy"
                return Author(uid, role, source, k)
        uid, role = rng.choice(self.liaisons)
        return Author(uid, role, "liaison" if role == "cadre" else "deputy", None)

    def _when(self, n: int) -> datetime:
        rng = self.rng
        if n < DEMO_SHARE:
            days = [1, 3, 9, 20, 45, 70, 2, 15, 40, 100, 5, 60][n]
        else:
            # more recent ones than old ones (the mechanism gathers pace)
            days = int(WINDOW_DAYS * rng.random() ** 1.4) + 1
        day = self.as_of - timedelta(days=days)
        minute = rng.randrange(8 * 60 + 30, 18 * 60)
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=CST)
        return local.astimezone(UTC)

    def _state(self, n: int, age_days: int) -> str:
        if n < DEMO_SHARE:
            return ("submitted", "assigned", "answered", "answered", "closed", "closed")[n % 6]
        rng = self.rng
        if age_days <= 2:
            return "submitted" if rng.random() < 0.8 else "assigned"
        if age_days <= 20:
            return rng.choices(("submitted", "assigned", "answered", "closed"), (0.1, 0.4, 0.4, 0.1))[0]
        return rng.choices(("submitted", "assigned", "answered", "closed"), (0.01, 0.06, 0.6, 0.33))[0]

    def plan(self) -> list[dict[str, Any]]:
        rows = []
        rng = self.rng
        for n in range(self.total):
            author = self._author(n)
            created = self._when(n)
            local_day = created.astimezone(CST).date()
            age = (self.as_of - local_day).days
            state = self._state(n, age)
            topic_pk, code = rng.choices(self.topics, self.topic_weights)[0]
            title, text = rng.choice(IDEAS.get(code) or IDEAS["other"])
            tagged_at_filing = author.role != "enterprise" or rng.random() < 0.6
            row: dict[str, Any] = {
                "enterprise_id": self.enterprise_ids[author.enterprise] if author.enterprise is not None else None,
                "author_id": author.uid,
                "author_role": author.role,
                "source": author.source,
                "source_id": None,
                "topic_id": topic_pk if (tagged_at_filing or state != "submitted") else None,
                "title": title,
                "text": text,
                "state": state,
                "month": local_day.replace(day=1),
                "created_at": created,
                "updated_at": created,
            }
            if state != "submitted":
                department = self.department_of[code]
                assigned = created + timedelta(hours=rng.randrange(2, 48))
                row.update(
                    department_id=department,
                    assigned_by_id=rng.choice(self.desk) if self.desk else None,
                    assigned_at=assigned,
                    updated_at=assigned,
                )
                if state in ("answered", "closed"):
                    answered = min(
                        assigned + timedelta(days=rng.randrange(1, 15), hours=rng.randrange(0, 8)), self._end()
                    )
                    people = self.handlers.get(department) or self.desk
                    answerer = people[0] if rng.random() < 0.6 or len(people) == 1 else rng.choice(people)
                    row.update(
                        answer=rng.choice(ANSWERS),
                        answered_by_id=answerer,
                        answered_at=max(answered, assigned),
                        updated_at=max(answered, assigned),
                    )
                if state == "closed":
                    closed = min(row["answered_at"] + timedelta(days=rng.randrange(1, 6)), self._end())
                    row.update(closed_at=max(closed, row["answered_at"]), updated_at=max(closed, row["answered_at"]))
            self.counts[state] = self.counts.get(state, 0) + 1
            rows.append(row)
        return rows

    def _end(self) -> datetime:
        """Nothing happens on or after as_of (Beijing midnight)."""
        return datetime.combine(self.as_of, time(), tzinfo=CST).astimezone(UTC) - timedelta(minutes=1)


def seed_suggestions(writer: Writer, *, registry: RegistryPlanner, people: People, links: list[LinkRow]) -> None:
    """Plan and insert the demo suggestions (one phase of the writer's run)."""
    if not writer.enterprise_ids:
        return
    total = min(MAX_TOTAL, max(MIN_TOTAL, writer.scale.enterprises // 2))
    liaison_uid = [writer.uid[p.username] for p in people.liaisons]
    liaison_role = [p.role for p in people.liaisons]
    primary: dict[int, tuple[int, str]] = {}
    for link in links:
        if link.project is None and link.role == "primary" and link.ended_on is None:
            primary[link.enterprise] = (liaison_uid[link.liaison], liaison_role[link.liaison])
    departments = {d.code: d.pk for d in Department.objects.filter(active=True)}
    desk_dept = next(
        iter(Department.objects.filter(active=True, is_service_desk=True).values_list("code", flat=True)), ""
    )
    fallback = departments.get(desk_dept) or next(iter(departments.values()))
    topics = list(SuggestionTopic.objects.filter(active=True).order_by("sort", "code").values_list("pk", "code"))
    if not topics:
        return
    department_of = {code: departments.get(TOPIC_DEPARTMENT.get(code, ""), fallback) for _pk, code in topics}
    handlers = {
        departments[code]: [writer.uid[p.username] for p in ps]
        + [writer.uid[h.username] for h in people.heads.get(code, [])]
        for code, ps in people.handlers.items()
        if code in departments
    }
    deputy_uid = writer.uid.get("deputy") or (writer.uid[people.deputies[0].username] if people.deputies else None)
    planner = SuggestionPlanner(
        seed=writer.seed,
        as_of=writer.as_of,
        total=total,
        enterprise_ids=writer.enterprise_ids,
        portal=writer.portal_uid,
        primary=primary,
        liaisons=list(zip(liaison_uid, liaison_role, strict=True)),
        demo_enterprise=registry.by_liaison[0][0] if registry.by_liaison and registry.by_liaison[0] else 0,
        demo_deputy=deputy_uid,
        desk=[writer.uid[p.username] for p in people.desk],
        handlers=handlers,
        topics=topics,
        department_of=department_of,
    )
    started = writer._phase("suggestions", total)
    rows = planner.plan()
    for start in range(0, len(rows), 5_000):
        writer._insert(Suggestion, rows[start : start + 5_000])
    writer.result.counts["suggestions"] = len(rows)
    writer._done("suggestions", started)
