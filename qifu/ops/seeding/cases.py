"""The demo cases (诉求, PRODUCT.md §2.2): two years of requests, their timelines and clocks (pure).

Each case is planned as the list of steps a real one goes through (file, accept, dispatch, sign,
resolve, rate …, with the people who take them and when), cut at the end of the day before
`as_of`: a case whose next step would fall later is still open, so the open ones are the recent
ones plus a tail of stuck ones (overdue, supervised, paused, extended). The steps are then
*replayed* by rules that mirror `qifu.cases.services` (same deadline functions, same settled
fields), so a seeded case is indistinguishable from one filed and handled through the services.

Deterministic: one random stream per seed, cases in filing order, every date relative to `as_of`
(the day of the seed by default, so the open cases' clocks are live in the demo: some overdue,
some due soon). Numbers `QF-YYYY-NNNNNN` follow the filing order, gap-free per year.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from itertools import accumulate
from typing import Any

from qifu.cases import deadlines
from qifu.cases.sla import sla_text
from qifu.ops.seeding import case_text
from qifu.ops.seeding import case_vocab as words
from qifu.ops.seeding.people import allocate, weighted
from qifu.workcal.calendar import WorkCalendar

CST = dt_timezone(timedelta(hours=8))  # Asia/Shanghai (no daylight saving since 1991)
WINDOW_DAYS = 730  # cases spread over the last 24 months
WORK_START, WORK_END = 8 * 60 + 30, 17 * 60 + 30
OPEN_STATES = ("submitted", "accepted", "dispatched", "in_progress")

KINDS = (("help", 0.55), ("consultation", 0.2), ("suggestion", 0.1), ("complaint", 0.12), ("report", 0.03))
POLICY_KINDS = (("consultation", 0.65), ("help", 0.3), ("suggestion", 0.05))
URGENCY = (("normal", 0.88), ("urgent", 0.1), ("critical", 0.02))
CATEGORY_WEIGHT = {
    "policy": 14, "financing": 8, "recruitment": 10, "talent": 6, "schooling": 4, "land": 3, "premises": 5,
    "construction": 4, "licensing": 7, "registration": 3, "ip_quality": 3, "tax": 5, "innovation": 5,
    "safety": 2, "environment": 4, "utilities": 6, "transport": 3, "cityscape": 2, "market": 3, "credit": 1,
    "taiwan": 0.3, "other": 2,
}  # fmt: skip
PROJECT_CATEGORIES = frozenset({"land", "construction", "premises", "licensing", "environment"})


def stuck_share(age_days: int) -> float:
    """Share of the cases filed `age_days` ago that are still open although their timeline would
    have ended: slow, paused, extended or overdue ones (the tail a real ledger has)."""
    if age_days < 14:
        return 0.0
    if age_days < 30:
        return 0.6
    if age_days < 60:
        return 0.25
    if age_days < 120:
        return 0.06
    return 0.01 if age_days < 365 else 0.002


# --- a calendar that answers from a table ------------------------------------------------------
@dataclass(frozen=True)
class TableCalendar(WorkCalendar):
    """The zone calendar with its answers precomputed for a range of days: the same results as
    WorkCalendar (a test compares them), in a table lookup instead of a day-by-day walk, which
    counts for a million cases with five clocks each."""

    first: date = date(2000, 1, 1)
    flags: tuple[bool, ...] = ()
    ordinal: tuple[int, ...] = ()  # working days in first..first+i, inclusive
    workdays: tuple[date, ...] = ()

    @classmethod
    def over(cls, base: WorkCalendar, first: date, last: date) -> TableCalendar:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        flags = tuple(base.is_workday(d) for d in days)
        return cls(
            overrides=base.overrides,
            first=first,
            flags=flags,
            ordinal=tuple(accumulate(int(f) for f in flags)),
            workdays=tuple(d for d, f in zip(days, flags, strict=True) if f),
        )

    def _index(self, day: date) -> int:
        i = (day - self.first).days
        return i if 0 <= i < len(self.flags) else -1

    def is_workday(self, day: date) -> bool:
        i = self._index(day)
        return self.flags[i] if i >= 0 else super().is_workday(day)

    def add_workdays(self, start: date, days: int) -> date:
        i = self._index(start)
        if days < 0:
            raise ValueError("days must be >= 0")
        if days == 0:
            return start
        if i >= 0 and self.ordinal[i] + days - 1 < len(self.workdays):
            return self.workdays[self.ordinal[i] + days - 1]
        return super().add_workdays(start, days)

    def workdays_between(self, start: date, end: date) -> int:
        i, j = self._index(start), self._index(end)
        if i >= 0 and j >= 0:
            return self.ordinal[j] - self.ordinal[i]
        return super().workdays_between(start, end)


# --- what the planner works with ------------------------------------------------------------------
@dataclass(frozen=True)
class Cat:
    code: str
    pk: int
    dept: str  # lead department code
    days: int


@dataclass
class CaseWorld:
    """The seeded zone as the case planner needs it: ids by position, users by role."""

    as_of: date
    cal: WorkCalendar
    categories: list[Cat]
    dept_id: dict[str, int]
    dept_name: dict[str, str]
    desk_dept: str
    handlers: dict[str, list[int]]  # department code -> handler user ids (the demo one first)
    heads: dict[str, int]  # department code -> the head's user id
    desk: list[int]
    leaders: list[int]
    user_role: dict[int, str]
    user_dept: dict[int, int | None]  # user id -> department id
    enterprise_ids: list[int]
    weights: list[float]  # how often each enterprise files
    taiwan: list[bool]
    links: list[list[tuple[date, date | None, int]]]  # primary links per enterprise: (from, until, liaison)
    portal: dict[int, int]  # enterprise index -> its portal user id
    projects: dict[int, list[int]]  # enterprise index -> project ids
    demo_enterprise: int  # index of `ent`'s enterprise
    demo_neighbours: list[int]  # other enterprises of `liaison`


@dataclass
class Planned:
    """One case: its row and the rows that hang off it (without case ids: the writer adds them)."""

    case: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    infos: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Step:
    action: str
    at: datetime  # naive local time (Asia/Shanghai)
    actor: int | None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Force:
    """A demo case: who files it, the state it must be in, and how it should look."""

    enterprise: int
    state: str  # an open state, "resolved", "closed", "rejected" or "withdrawn"
    category: str
    ages: tuple[int, int]  # working days since filing (inclusive window)
    handler: str = ""  # "demo": the department's demo handler
    flags: frozenset[str] = frozenset()  # ext_pending, return_pending, paused, supervised, assist, late_reply
    assist: tuple[str, ...] = ()


# --- the planner ----------------------------------------------------------------------------------
class CasePlanner:
    def __init__(self, *, total: int, seed: int, world: CaseWorld, rich: bool) -> None:
        self.total = total
        self.world = world
        self.rich = rich  # extra progress notes and messages (zone and small); the city stays lean
        self.rng = random.Random(f"{seed}:cases")  # noqa: S311 - demo data, deterministic on purpose
        self.cal = world.cal
        self.end = datetime.combine(world.as_of, time())  # nothing happens on or after as_of
        self.start_day = world.as_of - timedelta(days=WINDOW_DAYS)
        self.cats = {c.code: c for c in world.categories}
        plain = [CATEGORY_WEIGHT.get(c.code, 1.0) for c in world.categories]
        taiwan = [w * (40 if c.code == "taiwan" else 1) for c, w in zip(world.categories, plain, strict=True)]
        self.cat_cum = (list(accumulate(plain)), list(accumulate(taiwan)))
        self.ent_cum = list(accumulate(world.weights))
        self.rr: dict[str, int] = {}  # round robin position per department
        self.sequence: dict[int, int] = {}  # year -> last number given out
        self.counts: dict[str, int] = {}
        self.eager = False  # a demo case: every step as soon as possible, so it reaches its state
        self.dept_code = {pk: code for code, pk in world.dept_id.items()}
        self.departments = [code for code in world.dept_id if code != world.desk_dept and world.handlers.get(code)]

    # --- when the cases are filed -------------------------------------------------------------
    def schedule(self, total: int) -> list[datetime]:
        """Filing times in order: more on working days, growing over the two years."""
        rng = self.rng
        days = [self.start_day + timedelta(days=n) for n in range(WINDOW_DAYS)]
        weights = {
            n: (0.4 + 1.2 * n / WINDOW_DAYS) * (1.0 if self.cal.is_workday(d) else 0.12) for n, d in enumerate(days)
        }
        per_day = allocate(total, weights, minimum=0)
        times: list[datetime] = []
        for n, day in enumerate(days):
            workday = self.cal.is_workday(day)
            minutes = sorted(
                rng.randint(WORK_START - 60, WORK_END + 60)
                if workday and rng.random() < 0.88
                else rng.randint(7 * 60, 22 * 60)
                for _ in range(per_day[n])
            )
            base = datetime.combine(day, time())
            times += [base + timedelta(minutes=m, seconds=rng.randint(0, 59)) for m in minutes]
        return times

    def _specs(self) -> list[Force]:
        """The demo's cases (every screen has something to show): `ent` has one case in each open
        state and one waiting for its rating; `jfj_handler` and `jfj_head` get work in every inbox tab."""
        w = self.world
        ent = w.demo_enterprise
        near = w.demo_neighbours or [ent]
        return [
            Force(ent, "submitted", "utilities", (1, 1)),
            Force(ent, "accepted", "market", (1, 1)),
            Force(ent, "dispatched", "utilities", (1, 1), handler="demo"),
            Force(ent, "in_progress", "market", (3, 6), handler="demo", flags=frozenset({"assist"}), assist=("KJJ",)),
            Force(ent, "in_progress", "policy", (2, 3), handler="demo", flags=frozenset({"paused"})),
            Force(ent, "resolved", "utilities", (4, 9), handler="demo"),
            Force(ent, "closed", "financing", (40, 120)),
            Force(ent, "closed", "recruitment", (120, 300)),
            Force(ent, "closed", "policy", (60, 200)),
            Force(ent, "rejected", "other", (200, 400)),
            Force(near[0], "in_progress", "policy", (9, 25), handler="demo", flags=frozenset({"supervised"})),
            Force(near[-1], "in_progress", "market", (9, 9), handler="demo"),
            Force(near[0], "in_progress", "utilities", (5, 8), handler="demo", flags=frozenset({"ext_pending"})),
            Force(near[-1], "in_progress", "market", (2, 4), handler="demo", flags=frozenset({"return_pending"})),
            Force(near[0], "dispatched", "policy", (1, 1), handler="demo"),
            Force(near[-1], "in_progress", "innovation", (2, 4), flags=frozenset({"assist"}), assist=("JFJ",)),
            Force(near[0], "submitted", "utilities", (3, 6)),
            Force(near[-1], "resolved", "policy", (3, 8), handler="demo"),
            Force(near[-1], "withdrawn", "licensing", (20, 60)),  # a few % of random cases: not every run has one
        ]

    def _workday_back(self, n: int) -> date:
        """The n-th working day before as_of (n ≥ 1)."""
        day, seen = self.world.as_of, 0
        while seen < n:
            day -= timedelta(days=1)
            if self.cal.is_workday(day):
                seen += 1
        return day

    def filings(self) -> list[tuple[datetime, Force | None]]:
        """Every filing in time order: the random ones and the demo's, `total` in all."""
        specs = self._specs()[: self.total // 3]  # a tiny run keeps most of its cases random
        times: list[tuple[datetime, Force | None]] = [(t, None) for t in self.schedule(self.total - len(specs))]
        for spec in specs:
            day = self._workday_back(self.rng.randint(*spec.ages))
            at = datetime.combine(day, time(9)) + timedelta(minutes=self.rng.randint(0, 120))
            times.append((at, spec if self._may_file(spec.enterprise, day) else None))
        times.sort(key=lambda pair: pair[0])
        return times

    def plan(self) -> Iterator[Planned]:
        """Every case, in filing (and so number and id) order."""
        for filed, force in self.filings():
            self.eager = force is not None
            planned = self._case(filed, force)
            state = planned.case["state"]
            self.counts[state] = self.counts.get(state, 0) + 1
            yield planned

    # --- small random helpers -------------------------------------------------------------------
    def _at(self, day: date) -> datetime:
        return datetime.combine(day, time()) + timedelta(minutes=self.rng.randint(WORK_START, WORK_END))

    def _soon(self, t: datetime, p_same: float = 0.8, low: int = 5, high: int = 180) -> datetime:
        """A moment after t: later the same working day with p_same, else the next working day."""
        if self.cal.is_workday(t.date()) and (self.eager or self.rng.random() < p_same):
            later = t + timedelta(minutes=self.rng.randint(low, high))
            if later.date() == t.date() and later.hour < 21:
                return later
        return self._days_after(t, 1)

    def _next(self, t: datetime, n: int) -> datetime:
        """n working days after t; for a demo case as soon as possible (it must reach its state by today)."""
        return self._soon(t, 1.0, 5, 60) if self.eager else self._days_after(t, n)

    def _days_after(self, t: datetime, n: int) -> datetime:
        """A working-hours moment n working days after t (n ≥ 1), never before t."""
        later = self._at(self.cal.add_workdays(t.date(), max(1, n)))
        return max(later, t + timedelta(minutes=1))

    def _may_file(self, enterprise: int, day: date) -> bool:
        links = self.world.links[enterprise]
        return bool(links) and links[0][0] <= day

    def _liaison(self, enterprise: int, day: date) -> int | None:
        """The enterprise's primary liaison on that day (the one the case keeps)."""
        for start, until, uid in self.world.links[enterprise]:
            if start <= day and (until is None or day < until):
                return uid
        return None

    def _enterprise(self, day: date) -> int:
        for _ in range(8):
            i = bisect_right(self.ent_cum, self.rng.random() * self.ent_cum[-1])
            i = min(i, len(self.ent_cum) - 1)
            if self._may_file(i, day):
                return i
        return self.world.demo_enterprise

    def _handler(self, dept: str) -> int | None:
        people = self.world.handlers.get(dept) or []
        if not people:
            return None
        n = self.rr.get(dept, -1) + 1
        self.rr[dept] = n % len(people)
        return people[self.rr[dept]]

    # --- one case -----------------------------------------------------------------------------------
    def _case(self, filed: datetime, force: Force | None) -> Planned:
        rng, w = self.rng, self.world
        day = filed.date()
        enterprise = force.enterprise if force else self._enterprise(day)
        if force:
            cat = self.cats.get(force.category) or w.categories[0]
        else:
            cum = self.cat_cum[1] if w.taiwan[enterprise] else self.cat_cum[0]
            cat = w.categories[min(bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)]
        kind = weighted(rng, POLICY_KINDS if cat.code == "policy" else KINDS)
        urgency = "normal" if force else weighted(rng, URGENCY)
        liaison = self._liaison(enterprise, day)
        portal = w.portal.get(enterprise)
        r = rng.random()
        if portal and (force or r < 0.6):
            channel, filer = "portal", portal
        elif liaison and r < 0.82:
            channel, filer = "visit", liaison
        elif r < 0.92:
            channel, filer = "phone", rng.choice(w.desk)
        elif r < 0.97:
            channel, filer = "onsite_office", rng.choice(w.desk)
        else:
            channel, filer = "api", portal or rng.choice(w.desk)
        said = case_text.compose(rng, cat.code, rng.choice(words.PRODUCTS))
        project = None
        if cat.code in PROJECT_CATEGORIES and w.projects.get(enterprise) and rng.random() < 0.5:
            project = w.projects[enterprise][0]
        # The enterprise sometimes leaves the category to the desk (it is set on acceptance).
        chosen = None if channel == "portal" and not force and rng.random() < 0.15 else cat
        base: dict[str, Any] = {
            "enterprise": enterprise,
            "cat": cat,
            "filed_category": chosen,
            "kind": kind,
            "urgency": urgency,
            "channel": channel,
            "title": said.title,
            "text": said.text,
            "answer": said.answer,
            "lead": said.department,
            "liaison": liaison,
            "project": project,
            "filer": filer,
            "portal": portal,
        }
        steps = self._steps(filed, base, force)
        steps = [s for s in steps if s.at < self.end]
        steps.sort(key=lambda s: s.at)
        return Replay(self, base, filed).run(steps)

    def _steps(self, filed: datetime, b: dict[str, Any], force: Force | None) -> list[Step]:
        rng, w = self.rng, self.world
        steps = [Step("file", filed, b["filer"], {"channel": b["channel"]})]
        age = (w.as_of - filed.date()).days
        desk = rng.choice(w.desk)
        if force:
            stop = force.state
        elif rng.random() < stuck_share(age):
            stop = weighted(rng, (("in_progress", 0.85), ("dispatched", 0.05), ("accepted", 0.05), ("submitted", 0.05)))
        else:
            stop = ""
        if stop == "submitted":
            return steps
        outcome = force.state if force and force.state in ("rejected", "withdrawn") else ""
        if not force and not stop:
            r = rng.random()
            if r < 0.03:
                outcome = "rejected"
            elif r < 0.06:
                outcome = "withdrawn"
            elif b["kind"] == "consultation" and r < 0.5:
                outcome = "answered"
        t = filed
        if outcome == "withdrawn" and rng.random() < 0.6:
            steps.append(Step("withdraw", self._soon(t, 0.5, 30, 600), b["portal"] or b["filer"], {}))
            if b["portal"] is None:  # only the enterprise withdraws: without a portal user it is rejected instead
                steps[-1] = Step("reject", steps[-1].at, desk, {"reason": rng.choice(words.REJECT_REASONS)})
            return steps
        late = not force and rng.random() < 0.04
        t = self._days_after(t, rng.randint(2, 3)) if late else self._soon(t, 0.75, 10, 240)
        if outcome == "rejected":
            steps.append(Step("reject", t, desk, {"reason": rng.choice(words.REJECT_REASONS)}))
            return steps
        if outcome == "answered":
            steps.append(Step("answer", t, desk, {"answer": b["answer"], "category": b["cat"]}))
            self._rating(steps, t, b, on_time=True, desk=desk)
            return steps
        steps.append(Step("accept", t, desk, {"category": b["cat"]}))
        if outcome == "withdrawn":
            steps.append(Step("withdraw", self._soon(t, 0.3, 30, 600), b["portal"] or b["filer"], {}))
            if b["portal"] is None:
                steps.pop()
            return steps
        if stop == "accepted":
            if not force and rng.random() < 0.5:  # waiting for the desk after a return
                self._dispatch(steps, b, force, desk)
                head = w.heads.get(steps[-1].payload["lead"])
                steps.append(
                    Step("return", self._soon(steps[-1].at, 0.5), head, {"reason": rng.choice(words.RETURN_REASONS)})
                )
            return steps
        self._dispatch(steps, b, force, desk)
        if not force and rng.random() < 0.04:  # returned once, then sent to another department
            lead = steps[-1].payload["lead"]
            t = self._soon(steps[-1].at, 0.5)
            steps.append(Step("return", t, w.heads.get(lead), {"reason": rng.choice(words.RETURN_REASONS)}))
            others = [d for d in self.departments if d != lead]
            steps.append(self._dispatch_step(self._soon(t, 0.6), b, desk, rng.choice(others), ()))
        if stop == "dispatched":
            return steps
        dispatch = steps[-1]
        lead, handler = dispatch.payload["lead"], dispatch.payload["handler"]
        head = w.heads.get(lead)
        signer = handler or head
        late_sign = not force and rng.random() < 0.06
        t = self._days_after(dispatch.at, rng.randint(2, 3)) if late_sign else self._soon(dispatch.at, 0.7, 10, 300)
        steps.append(Step("sign", t, signer, {}))
        signed = t
        flags = force.flags if force else frozenset()
        # Assisting departments sign and answer within their three working days (mostly).
        for code in dispatch.payload["assist"]:
            helper = w.handlers[code][0] if w.handlers.get(code) else w.heads.get(code)
            ts = self._soon(dispatch.at, 0.6, 30, 400)
            steps.append(Step("assist_sign", ts, helper, {"department": code}))
            if not (force and "assist" in flags):
                tr = self._days_after(ts, rng.randint(1, 4))
                steps.append(
                    Step("assist_reply", tr, helper, {"department": code, "answer": rng.choice(words.ASSIST_ANSWERS)})
                )
        # The clock as the department sees it (the replay computes the real one from these steps).
        due = deadlines.resolve_clock(
            self.cal,
            dispatch.at.date(),
            b["cat"].days,
            urgency=b["urgency"],
            green_channel=dispatch.payload["green"],
        ).due
        open_end = force is not None or stop == "in_progress"
        if self.rich and rng.random() < 0.5:
            steps.append(
                Step(
                    "progress",
                    self._days_after(signed, 1),
                    signer,
                    {"note": rng.choice(words.PROGRESS_NOTES), "public": True},
                )
            )
        if b["portal"] and ("paused" in flags or (not force and rng.random() < (0.1 if open_end else 0.05))):
            asked = self._next(signed, rng.randint(1, 2))
            steps.append(Step("request_info", asked, signer, {"question": rng.choice(words.INFO_QUESTIONS)}))
            if "paused" in flags or (open_end and rng.random() < 0.4):
                return steps
            answered = self._days_after(asked, rng.randint(1, 3))
            steps.append(Step("provide_info", answered, b["portal"], {"answer": rng.choice(words.INFO_ANSWERS)}))
            due = self.cal.add_workdays(due, self.cal.workdays_between(asked.date(), answered.date()))
            signed = answered
        wants_extension = "ext_pending" in flags or (not force and rng.random() < (0.3 if open_end else 0.04))
        if wants_extension and handler:
            days = rng.choice((5, 10, 15, 20) if not open_end else (10, 20, 30))
            asked = self._next(signed, rng.randint(1, 4))
            steps.append(
                Step("request_extension", asked, handler, {"days": days, "reason": rng.choice(words.EXTENSION_REASONS)})
            )
            if "ext_pending" in flags or (open_end and rng.random() < 0.15):
                return steps
            steps.append(Step("approve_extension", self._soon(asked, 0.5), head, {}))
            due = self.cal.add_workdays(due, days)
            signed = steps[-1].at
        if handler and ("return_pending" in flags or (not force and open_end and rng.random() < 0.03)):
            steps.append(Step("return", self._next(signed, 1), handler, {"reason": rng.choice(words.RETURN_REASONS)}))
            return steps
        if "supervised" in flags or (open_end and not force and rng.random() < 0.1):
            who = rng.choice(w.leaders) if rng.random() < 0.3 else desk
            steps.append(Step("supervise", self._next(signed, 1), who, {"note": rng.choice(words.SUPERVISE_NOTES)}))
        if open_end and (force is None or force.state not in ("resolved", "closed")):
            return steps
        # Resolve: mostly within the clock, some late.
        late = not force and rng.random() < 0.08
        after = max(s.at for s in steps)
        if late:
            t = self._at(self.cal.add_workdays(due, rng.randint(1, 12)))
        else:
            room = max(0, self.cal.workdays_between(after.date(), due))
            t = self._at(self.cal.add_workdays(after.date(), rng.randint(0, room) if room else 0))
            if force:
                t = self._soon(after, 0.9, 10, 120)
        t = max(t, after + timedelta(minutes=rng.randint(5, 90)))
        steps.append(Step("resolve", t, signer, {"answer": b["answer"]}))
        if force and force.state == "resolved":
            return steps
        self._rating(steps, t, b, on_time=t.date() <= due, desk=desk)
        return steps

    def _dispatch_step(self, t: datetime, b: dict[str, Any], desk: int, lead: str, assist: tuple[str, ...]) -> Step:
        green = self.rng.random() < 0.02
        return Step(
            "dispatch",
            t,
            desk,
            {"lead": lead, "assist": assist, "green": green, "handler": self._handler(lead), "category": b["cat"]},
        )

    def _dispatch(self, steps: list[Step], b: dict[str, Any], force: Force | None, desk: int) -> None:
        rng = self.rng
        lead = b["lead"] if b["lead"] in self.world.dept_id else b["cat"].dept  # the desk may re-route
        if lead not in self.world.handlers and lead not in self.world.heads:
            lead = self.departments[0]
        if force:
            assist = force.assist
        else:
            r = rng.random()
            count = 2 if r < 0.03 else 1 if r < 0.15 else 0
            others = [d for d in self.departments if d != lead]
            assist = tuple(rng.sample(others, count)) if count else ()
        t = self._soon(steps[-1].at, 0.85, 5, 120)
        step = self._dispatch_step(t, b, desk, lead, assist)
        if force and force.handler == "demo" and self.world.handlers.get(lead):
            step.payload["handler"] = self.world.handlers[lead][0]
            step.payload["green"] = False
        steps.append(step)

    def _rating(self, steps: list[Step], t: datetime, b: dict[str, Any], *, on_time: bool, desk: int) -> None:
        rng = self.rng
        if rng.random() < 0.08:  # no rating: the desk closes it after a while
            steps.append(Step("close", self._days_after(t, rng.randint(5, 10)), desk, {}))
            return
        satisfaction = weighted(
            rng,
            (("satisfied", 0.85), ("basically_satisfied", 0.11), ("dissatisfied", 0.04))
            if on_time
            else (("satisfied", 0.6), ("basically_satisfied", 0.25), ("dissatisfied", 0.15)),
        )
        rater = b["portal"] if b["portal"] and rng.random() < 0.75 else desk
        rated = self._days_after(t, rng.randint(1, 5)) if rng.random() < 0.8 else self._soon(t, 0.9, 30, 300)
        steps.append(Step("rate", rated, rater, self._rating_payload(satisfaction)))
        if satisfaction == "dissatisfied":  # reopened: handled again, then rated again
            resolver = next((s.actor for s in reversed(steps) if s.action == "resolve"), None)
            if resolver is None:  # answered by the desk: the service desk's own handlers take it up again
                resolver = (self.world.handlers.get(self.world.desk_dept) or [desk])[0]
            again = self._days_after(rated, rng.randint(2, 8))
            steps.append(Step("resolve", again, resolver, {"answer": b["answer"]}))
            second = weighted(rng, (("satisfied", 0.6), ("basically_satisfied", 0.4)))
            steps.append(Step("rate", self._days_after(again, rng.randint(1, 4)), rater, self._rating_payload(second)))

    def _rating_payload(self, satisfaction: str) -> dict[str, Any]:
        rng = self.rng
        if satisfaction == "satisfied":
            solved = "solved" if rng.random() < 0.95 else "partly_solved"
        elif satisfaction == "basically_satisfied":
            solved = "solved" if rng.random() < 0.6 else "partly_solved"
        else:
            solved = "partly_solved" if rng.random() < 0.4 else "not_solved"
        return {
            "solved": solved,
            "satisfaction": satisfaction,
            "comment": rng.choice(words.RATING_COMMENTS[satisfaction]),
        }

    def number(self, filed: datetime) -> str:
        year = filed.year
        last = self.sequence.get(year, 0) + 1
        self.sequence[year] = last
        return f"QF-{year}-{last:06d}"


PUBLIC = {
    "assign": False, "return": False, "approve_return": False, "deny_return": False, "request_extension": False,
    "deny_extension": False, "supervise": False, "follow": False, "assist_sign": False, "assist_reply": False,
}  # fmt: skip


class Replay:
    """Apply the planned steps with the services' rules (qifu.cases.services), producing the rows."""

    def __init__(self, planner: CasePlanner, base: dict[str, Any], filed: datetime) -> None:
        self.p = planner
        self.w = planner.world
        self.cal = planner.cal
        self.b = base
        self.filed = filed
        self.out: Planned | None = None
        self.parts: list[dict[str, Any]] = []
        self.part_code: list[str] = []

    @property
    def planned(self) -> Planned:
        if self.out is None:
            raise RuntimeError("the first step of a case is `file`")
        return self.out

    @staticmethod
    def aware(t: datetime) -> datetime:
        return t.replace(tzinfo=CST)

    def run(self, steps: list[Step]) -> Planned:
        for step in steps:
            self.apply(step)
        out = self.planned
        out.case["updated_at"] = out.case["last_event_at"]
        self._sla(out)
        out.parts = self.parts
        if len(out.events) > 1:
            out.events.sort(key=lambda e: e["at"])
        return out

    def _event(self, step: Step, before: str, *, text: str = "", data: dict[str, Any] | None = None) -> None:
        c = self.planned.case
        public = PUBLIC.get(step.action, True)
        if step.action in ("progress", "message"):
            public = bool(step.payload.get("public", True))
        event: dict[str, Any] = {
            "enterprise_id": c["enterprise_id"],
            "at": self.aware(step.at),
            "actor_id": step.actor,
            "actor_role": self.w.user_role.get(step.actor, "") if step.actor else "",
            "department_id": self.w.user_dept.get(step.actor) if step.actor else None,
            "action": step.action,
            "from_state": before,
            "to_state": c["state"],
            "public": public,
            "text": text,
        }
        if data:
            event["data"] = data
        self.planned.events.append(event)

    def apply(self, s: Step) -> None:
        if s.action == "file":
            self._file(s)
            return
        c = self.planned.case
        before = c["state"]
        text, data = getattr(self, f"_{s.action}")(s, c)
        c["last_event_at"] = self.aware(s.at)
        self._event(s, before, text=text, data=data)

    # --- the actions (see the services of the same name) -------------------------------------
    def _file(self, s: Step) -> None:
        b, w = self.b, self.w
        day = s.at.date()
        at = self.aware(s.at)
        cat = b["filed_category"]
        case = {
            "number": self.p.number(s.at),
            "enterprise_id": w.enterprise_ids[b["enterprise"]],
            "project_id": b["project"],
            "category_id": cat.pk if cat else None,
            "kind": b["kind"],
            "urgency": b["urgency"],
            "channel": b["channel"],
            "title": b["title"],
            "text": b["text"],
            "state": "submitted",
            "liaison_id": b["liaison"],
            "filed_by_id": s.actor,
            "submitted_at": at,
            "last_event_at": at,
            "created_at": at,
            "respond_by": deadlines.respond_by(self.cal, day, urgency=b["urgency"], green_channel=False),
        }
        self.out = Planned(case=case)
        self._event(s, "", data={"channel": b["channel"]})

    def _first_response(self, s: Step, c: dict[str, Any]) -> None:
        if c.get("first_response_at") is None:
            c["first_response_at"] = self.aware(s.at)
            c["responded_on_time"] = s.at.date() <= c["respond_by"]

    def _category(self, s: Step, c: dict[str, Any]) -> None:
        cat = s.payload.get("category")
        if cat is not None:
            c["category_id"] = cat.pk

    def _accept(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        self._first_response(s, c)
        c["state"] = "accepted"
        c["accepted_at"] = self.aware(s.at)
        self._category(s, c)
        return "", {}

    def _reject(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        self._first_response(s, c)
        c["state"] = "rejected"
        c["answer"] = s.payload["reason"]
        c["closed_at"] = self.aware(s.at)
        return s.payload["reason"], {}

    def _answer(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        self._first_response(s, c)
        self._category(s, c)
        c["lead_department_id"] = self.w.dept_id[self.w.desk_dept]
        c["handler_id"] = s.actor
        c["accepted_at"] = c.get("accepted_at") or self.aware(s.at)
        self._settle_resolve(s, c, s.payload["answer"])
        return s.payload["answer"], {}

    def _settle_resolve(self, s: Step, c: dict[str, Any], answer: str) -> None:
        day = s.at.date()
        c["state"] = "resolved"
        c["answer"] = answer
        c["resolved_at"] = self.aware(s.at)
        due = c.get("resolve_by")
        c["resolved_on_time"] = due is None or day <= due
        c["overdue"] = not c["resolved_on_time"]
        if c["overdue"]:
            c["supervised"] = True  # the deadline job put it under supervision when it went overdue
        c["handling_days"] = max(0, self.cal.workdays_between(self.filed.date(), day))

    def _dispatch(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        cal, w, day = self.cal, self.w, s.at.date()
        p = s.payload
        self._category(s, c)
        if p.get("green"):
            c["green_channel"] = True
        lead = p["lead"]
        c["lead_department_id"] = w.dept_id[lead]
        c["handler_id"] = p["handler"]
        c["state"] = "dispatched"
        c["dispatched_at"] = self.aware(s.at)
        c["signed_at"] = None
        green = bool(c.get("green_channel"))
        c["sign_by"] = deadlines.sign_by(cal, day, urgency=c["urgency"], green_channel=green)
        days = p["category"].days if p.get("category") else deadlines.DEFAULT_RESOLVE_DAYS
        clock = deadlines.resolve_clock(cal, day, days, urgency=c["urgency"], green_channel=green)
        c["resolve_by"], c["resolve_days"], c["remind_on"] = clock.due, clock.days, clock.remind_on
        c["extension_days"] = 0
        c["paused_days"] = 0
        for part in self.parts:
            part["active"] = False
        due = deadlines.extended(cal, day, deadlines.ASSIST_DAYS)
        at = self.aware(s.at)
        for code in p["assist"]:
            self.parts.append(
                {
                    "enterprise_id": c["enterprise_id"],
                    "department_id": w.dept_id[code],
                    "state": "dispatched",
                    "due_on": due,
                    "active": True,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            self.part_code.append(code)
        names = "、".join([w.dept_name[lead]] + [w.dept_name[code] for code in p["assist"]])
        return names, {"lead": lead, "assist": list(p["assist"]), "resolve_by": clock.due.isoformat()}

    def _sign(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        c["state"] = "in_progress"
        c["signed_at"] = self.aware(s.at)
        c["signed_on_time"] = c.get("sign_by") is None or s.at.date() <= c["sign_by"]
        if self.w.user_role.get(s.actor or 0) == "handler":
            c["handler_id"] = s.actor
        return "", {}

    def _return(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        reason = s.payload["reason"]
        at = self.aware(s.at)
        if self.w.user_role.get(s.actor or 0) == "dept_head":
            c["state"] = "accepted"
            c["return_count"] = c.get("return_count", 0) + 1
            c["handler_id"] = None
            c["sign_by"] = c["resolve_by"] = c["remind_on"] = None
            c["paused"] = False
            for part in self.parts:
                part["active"] = False
            return reason, {"approved": True}
        self.planned.returns.append(
            {
                "enterprise_id": c["enterprise_id"],
                "department_id": c["lead_department_id"],
                "reason": reason,
                "state": "pending",
                "requested_by_id": s.actor,
                "created_at": at,
                "updated_at": at,
            }
        )
        return reason, {"approved": False}

    def _progress(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return s.payload["note"], {}

    def _request_info(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        at = self.aware(s.at)
        self.planned.infos.append(
            {
                "enterprise_id": c["enterprise_id"],
                "question": s.payload["question"],
                "asked_by_id": s.actor,
                "asked_at": at,
                "created_at": at,
                "updated_at": at,
            }
        )
        c["paused"] = True
        return s.payload["question"], {}

    def _provide_info(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        req = self.planned.infos[-1]
        paused = deadlines.paused_workdays(self.cal, req["asked_at"].date(), s.at.date())
        at = self.aware(s.at)
        req.update(answer=s.payload["answer"], answered_by_id=s.actor, answered_at=at, paused_workdays=paused)
        req["updated_at"] = at
        c["paused"] = False
        c["paused_days"] = c.get("paused_days", 0) + paused
        if paused and c.get("resolve_by") is not None:
            c["resolve_by"] = deadlines.extended(self.cal, c["resolve_by"], paused)
            if c.get("remind_on") is not None:
                c["remind_on"] = deadlines.extended(self.cal, c["remind_on"], paused)
        return s.payload["answer"], {"paused_workdays": paused}

    def _request_extension(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        at = self.aware(s.at)
        self.planned.extensions.append(
            {
                "enterprise_id": c["enterprise_id"],
                "department_id": c["lead_department_id"],
                "days": s.payload["days"],
                "reason": s.payload["reason"],
                "state": "pending",
                "requested_by_id": s.actor,
                "created_at": at,
                "updated_at": at,
            }
        )
        return s.payload["reason"], {"days": s.payload["days"]}

    def _approve_extension(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        ext = self.planned.extensions[-1]
        at = self.aware(s.at)
        ext.update(state="approved", decided_by_id=s.actor, decided_at=at, updated_at=at)
        c["extension_days"] = c.get("extension_days", 0) + ext["days"]
        if c.get("resolve_by") is not None:
            c["resolve_by"] = deadlines.extended(self.cal, c["resolve_by"], ext["days"])
            c["remind_on"] = deadlines.extended(self.cal, c.get("remind_on") or c["resolve_by"], ext["days"])
        if c.get("resolve_by") and s.at.date() <= c["resolve_by"]:
            c["overdue"] = False
        due = c.get("resolve_by")
        return ext["reason"], {"days": ext["days"], "resolve_by": due.isoformat() if due else None}

    def _resolve(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        self._settle_resolve(s, c, s.payload["answer"])
        return s.payload["answer"], {}

    def _rate(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        p = s.payload
        c["solved"], c["satisfaction"], c["rating_comment"] = p["solved"], p["satisfaction"], p["comment"]
        c["rated_at"] = self.aware(s.at)
        data: dict[str, Any] = {
            "solved": p["solved"],
            "satisfaction": p["satisfaction"],
            "callback": self.w.user_role.get(s.actor or 0) == "desk",
        }
        if p["satisfaction"] == "dissatisfied":
            c["state"] = "in_progress"
            c["reopen_count"] = c.get("reopen_count", 0) + 1
            c["resolved_at"] = None
            c["resolved_on_time"] = None
            c["overdue"] = False
            clock = deadlines.resolve_clock(
                self.cal,
                s.at.date(),
                c.get("resolve_days") or deadlines.DEFAULT_RESOLVE_DAYS,
                urgency="normal",
                green_channel=False,
            )
            c["resolve_by"], c["remind_on"] = clock.due, clock.remind_on
            data["reopened"] = True
        else:
            c["state"] = "closed"
            c["closed_at"] = self.aware(s.at)
        return p["comment"], data

    def _close(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        c["state"] = "closed"
        c["closed_at"] = self.aware(s.at)
        return "", {}

    def _supervise(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        c["supervised"] = True
        return s.payload["note"], {}

    def _withdraw(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        reason = self.p.rng.choice(words.WITHDRAW_REASONS)
        c["state"] = "withdrawn"
        c["closed_at"] = self.aware(s.at)
        c["paused"] = False
        return reason, {}

    def _part(self, code: str) -> dict[str, Any]:
        for part, part_code in zip(self.parts, self.part_code, strict=True):
            if part_code == code and part["active"]:
                return part
        raise LookupError(code)

    def _assist_sign(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        part = self._part(s.payload["department"])
        part.update(state="in_progress", signed_at=self.aware(s.at), handler_id=s.actor, updated_at=self.aware(s.at))
        return "", {"department": s.payload["department"]}

    def _assist_reply(self, s: Step, c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        part = self._part(s.payload["department"])
        at = self.aware(s.at)
        part.update(state="done", answer=s.payload["answer"], done_at=at, handler_id=s.actor, updated_at=at)
        part["signed_at"] = part.get("signed_at") or at
        on_time = s.at.date() <= part["due_on"]
        return s.payload["answer"], {"department": s.payload["department"], "on_time": on_time}

    # --- what the deadline job has done by now (qifu.cases.sla) --------------------------------
    def _sla(self, out: Planned) -> None:
        c = out.case
        state = c["state"]
        if state not in OPEN_STATES or c.get("paused"):
            return
        cal = self.cal
        last_run = self.w.as_of - timedelta(days=1)  # the job ran every morning up to yesterday
        # ... and saw the case in its present state from the morning after it entered it.
        entered = max(e["at"] for e in out.events if e["from_state"] != e["to_state"])
        first_run = entered.date() + timedelta(days=1)
        dept = self.w.dept_name.get(self.p.dept_code.get(c.get("lead_department_id") or 0, ""), "")
        sent: list[tuple[str, date, date, int, str]] = []  # kind, due, day sent, days late, text
        if state == "submitted":
            due = c["respond_by"]
            day = max(due + timedelta(days=1), first_run)
            if day <= last_run:
                sent.append(("respond_late", due, day, 0, sla_text("respond_late", due, dept=dept)))
        elif state == "dispatched" and c.get("sign_by"):
            due = c["sign_by"]
            day = max(due + timedelta(days=1), first_run)
            if day <= last_run:
                sent.append(("sign_late", due, day, 0, sla_text("sign_late", due, dept=dept)))
        if state in ("dispatched", "in_progress") and c.get("resolve_by"):
            due = c["resolve_by"]
            remind = max(c.get("remind_on") or due, first_run)
            if state == "in_progress" and remind <= min(last_run, due):
                sent.append(("remind", due, remind, 0, sla_text("remind", due, dept=dept)))
            overdue_day = max(cal.add_workdays(due, 1), first_run)
            while not cal.is_workday(overdue_day):  # the overdue notice waits for a working day
                overdue_day += timedelta(days=1)
            if overdue_day <= last_run:
                late = deadlines.days_late(cal, overdue_day, due)
                text = sla_text("overdue", due, dept=dept, late=late)
                sent.append(("overdue", due, overdue_day, late, text))
                c["overdue"] = True
                c["supervised"] = True
            report_day = max(cal.add_workdays(due, deadlines.REPORT_AFTER + 1), first_run)
            if report_day <= last_run:
                late = deadlines.days_late(cal, report_day, due)
                text = sla_text("report", due, dept=dept, late=late)
                sent.append(("report", due, report_day, late, text))
        for kind, due, day, late, text in sent:
            at = datetime.combine(day, time(8, 0), tzinfo=CST)
            out.notices.append({"enterprise_id": c["enterprise_id"], "kind": kind, "due": due, "sent_at": at})
            out.events.append(
                {
                    "enterprise_id": c["enterprise_id"],
                    "at": at,
                    "actor_id": None,
                    "actor_role": "",
                    "department_id": None,
                    "action": f"sla_{kind}",
                    "from_state": state,
                    "to_state": state,
                    "public": False,
                    "text": text,
                    "data": {"due": due.isoformat(), "days_late": late},
                }
            )
            if at > c["last_event_at"]:
                c["last_event_at"] = c["updated_at"] = at


def days_to_cover(as_of: date) -> tuple[date, date]:
    """The range of days the table calendar must answer for: the window plus the longest clock."""
    return as_of - timedelta(days=WINDOW_DAYS + 10), as_of + timedelta(days=200)
