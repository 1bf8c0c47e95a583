"""Home-page figures per role (PRODUCT.md §2.8, UX.md principle 1): each a cheap, scoped count whose
list is one click away. Every function starts from access scopes or a scoped registry selector."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, F, Q, When

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases, scope_enterprises, scope_led_cases, scope_task_forces
from qifu.accounts.roles import Role
from qifu.alerts.models import Alert
from qifu.alerts.selectors import alert_counts, alert_list
from qifu.assessment.periods import month_end, month_of
from qifu.assessment.selectors import Standing, department_standing
from qifu.cases.models import OPEN_STATES, Case, CaseState
from qifu.cases.selectors import department_counts, desk_counts
from qifu.cases.selectors_lists import ROW_RELATED, ROW_RELATED_DEFERRED, liaison_counts
from qifu.cases.services import local_today
from qifu.enterprises.selectors import EnterpriseProfile, enterprise_profile
from qifu.linkage.models import TaskForce
from qifu.linkage.selectors import my_enterprises
from qifu.projects.models import Project
from qifu.projects.selectors import ProjectFilters, project_list
from qifu.visits.selectors import Plan, PlanStatus, local_month, visit_plan

SHORT_LIST = 8
ALERT_ROWS = 5  # the liaison home's short list of open alerts
URGENT = 8  # the department home's most urgent cases
TREND_MONTHS = 4  # the department's rates: this month and the 3 before it
# The rates a department head watches (PRODUCT.md §1, §2.2): the three rates, then the clocks.
RATES = (
    "response_rate",
    "solve_rate",
    "satisfaction_rate",
    "sign_on_time_rate",
    "resolve_on_time_rate",
    "return_rate",
)


@dataclass(frozen=True)
class ProjectCounts:
    total: int
    major: int
    delayed: int


@dataclass(frozen=True)
class ParkCount:
    park: str
    total: int
    unlinked: int


@dataclass(frozen=True)
class MyEnterprise:
    """A row of the liaison's short list: this month's visit (done on, or due by the month's end)
    and the enterprise's open requests."""

    uscc: str
    name: str
    visit: str  # PlanStatus: done | due | overdue
    visited_on: date | None
    due_on: date  # the last day of the plan's month
    open_cases: int


@dataclass(frozen=True)
class LiaisonHome:
    enterprises: int
    mine: list[MyEnterprise]  # the first few: still to visit first, then the most open requests
    projects: ProjectCounts
    delayed_projects: list[Project]
    task_forces: list[TaskForce]
    cases: dict[str, int]  # open, overdue (cases of my enterprises)
    visits: dict[str, int]  # this month's plan: done, due, overdue, total
    alerts: dict[str, int]  # early warnings: open, overdue (docs/ALERTS.md)
    alert_rows: list[Alert]  # the open ones due soonest


@dataclass(frozen=True)
class DeskHome:
    enterprises: int
    unlinked: int
    parks: list[ParkCount]
    projects: ProjectCounts
    delayed_projects: list[Project]
    cases: dict[str, int]  # submitted, accepted, resolved, overdue_response, supervised


@dataclass(frozen=True)
class DepartmentHome:
    task_forces: list[TaskForce]
    cases: dict[str, int]  # to_sign, in_progress, due_soon, overdue, assist (+ approvals for heads)
    urgent: list[Case]  # the department's working cases, the step due soonest (overdue) first
    standings: list[Standing]  # heads only: oldest month first, the current month last

    @property
    def current(self) -> Standing | None:
        return self.standings[-1] if self.standings else None

    @property
    def trend(self) -> dict[str, Any]:
        """The rate trend for the chart (dashboard/home.js): month labels and one series per
        rate, in percent with one decimal, null where a rate has no denominator."""
        series: dict[str, list[float | None]] = {name: [] for name in RATES}
        for standing in self.standings:
            for name in RATES:
                value: Decimal | None = getattr(standing.row.scores, name)
                series[name].append(None if value is None else float(round(value * 100, 1)))
        return {"labels": [f"{s.period.since:%Y-%m}" for s in self.standings], "series": series}


@dataclass(frozen=True)
class LeaderHome:
    enterprises: int
    industrial: int
    unlinked: int
    projects: ProjectCounts
    report_months: list[str]  # YYYY-MM: the monthly work reports to download, this month first


def project_counts(*, actor: Actor) -> ProjectCounts:
    """Projects in scope, major ones and those behind schedule, in one grouped query.

    Grouped by (major, delayed) rather than `aggregate(Count(filter=Q(delayed=True)))`: Django
    prunes the `delayed` annotation from the aggregate's subquery when several aggregates are asked
    for, and SQLite then reads "delayed" as a string literal (always 0)."""
    keys = ("major", "delayed")  # `delayed` is an annotation django-stubs cannot see
    rows = project_list(actor=actor).order_by().values(*keys).annotate(n=Count("pk"))
    total = major = delayed = 0
    for row in rows:
        total += row["n"]
        major += row["n"] if row["major"] else 0
        delayed += row["n"] if row["delayed"] else 0
    return ProjectCounts(total=total, major=major, delayed=delayed)


def delayed_projects(*, actor: Actor, limit: int = SHORT_LIST) -> list[Project]:
    return list(project_list(actor=actor, filters=ProjectFilters(delayed=True))[:limit])


def my_task_forces(*, actor: Actor) -> list[TaskForce]:
    """Task forces the actor leads or sits in (一企业一专班), active first."""
    mine = Q(lead_id=actor.id) | Q(members__user_id=actor.id)
    return list(
        scope_task_forces(actor)
        .filter(mine)
        .distinct()
        .select_related("enterprise", "lead", "lead__department")
        .order_by("-active", "name")
    )


def my_enterprise_rows(*, actor: Actor, plan: Plan, limit: int = SHORT_LIST) -> list[MyEnterprise]:
    """我的企业 on the liaison's home: this month's plan rows (already loaded) with each one's open
    requests (one grouped COUNT over the actor's case scope); not yet visited first, then the
    most open requests, then by name. The full list is the visit plan / 我的企业."""
    ids = [row.enterprise.pk for row in plan.rows]
    counts = (
        dict(
            scope_cases(actor)
            .filter(enterprise_id__in=ids, state__in=OPEN_STATES)
            .order_by()
            .values_list("enterprise_id")
            .annotate(n=Count("pk"))
            .values_list("enterprise_id", "n")
        )
        if ids
        else {}
    )
    due_on = month_end(plan.month)
    rows = [
        MyEnterprise(
            uscc=r.enterprise.uscc,
            name=r.enterprise.name,
            visit=r.status,
            visited_on=r.visited_on,
            due_on=due_on,
            open_cases=counts.get(r.enterprise.pk, 0),
        )
        for r in plan.rows
    ]
    rows.sort(key=lambda r: (r.visit == PlanStatus.DONE, -r.open_cases, r.name))
    return rows[:limit]


def liaison_home(*, actor: Actor) -> LiaisonHome:
    """A cadre's or deputy's to-do: this month's visits, my enterprises (the first few, with the
    visit and open requests), my projects, the delayed ones, my task forces."""
    plan = visit_plan(actor=actor, month=local_month(), liaison=actor.user)
    alerts = alert_counts(actor=actor)
    return LiaisonHome(
        visits={**plan.counts, "total": len(plan.rows)},
        enterprises=my_enterprises(actor=actor).count(),
        mine=my_enterprise_rows(actor=actor, plan=plan),
        projects=project_counts(actor=actor),
        delayed_projects=delayed_projects(actor=actor),
        task_forces=my_task_forces(actor=actor),
        cases=liaison_counts(actor=actor),
        alerts=alerts,
        alert_rows=list(alert_list(actor=actor)[:ALERT_ROWS]) if alerts["open"] else [],  # no query when none
    )


def urgent_cases(*, actor: Actor, limit: int = URGENT) -> list[Case]:
    """The department's own cases waiting on it (to sign, in progress), ordered by the deadline of
    the step at hand, so the overdue come first, then those due soonest (UX.md principle 5)."""
    due_now = SqlCase(When(state=CaseState.DISPATCHED, then=F("sign_by")), default=F("resolve_by"))
    qs = (
        scope_led_cases(actor)
        .filter(state__in=(CaseState.DISPATCHED, CaseState.IN_PROGRESS))
        .select_related(*ROW_RELATED)
        .defer("text", "answer", "rating_comment", *ROW_RELATED_DEFERRED)
        .annotate(due_now=due_now)
        .order_by(F("due_now").asc(nulls_last=True), "id")
    )
    return list(qs[:limit])


def trend_months(today: date, n: int = TREND_MONTHS) -> list[date]:
    """The first days of the N months ending with TODAY's, oldest first."""
    firsts, first = [], today.replace(day=1)
    for _ in range(n):
        firsts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(firsts))


def department_home(*, actor: Actor) -> DepartmentHome:
    """A handler's or head's to-do: the department's cases by step and clock, the most urgent of
    them, and task forces; a head also watches the department's rates and ranking (§1: "watch the
    department's deadlines and rates" — handlers do not see the assessment, as on its page)."""
    standings: list[Standing] = []
    if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
        periods = [month_of(first) for first in trend_months(local_today())]
        standings = department_standing(actor=actor, periods=periods)
    return DepartmentHome(
        task_forces=my_task_forces(actor=actor),
        cases=department_counts(actor=actor),
        urgent=urgent_cases(actor=actor),
        standings=standings,
    )


def desk_home(*, actor: Actor) -> DeskHome:
    """The service desk: cases waiting for it, enterprises waiting for a liaison, per park, and
    delayed projects."""
    rows = (
        scope_enterprises(actor)
        .order_by()
        .values("park")
        .annotate(total=Count("pk"), unlinked=Count("pk", filter=Q(primary_liaison__isnull=True)))
    )
    parks = sorted(
        (ParkCount(park=r["park"], total=r["total"], unlinked=r["unlinked"]) for r in rows),
        key=lambda p: (-p.unlinked, -p.total, p.park),
    )
    return DeskHome(
        enterprises=sum(p.total for p in parks),
        unlinked=sum(p.unlinked for p in parks),
        parks=parks,
        projects=project_counts(actor=actor),
        delayed_projects=delayed_projects(actor=actor),
        cases=desk_counts(actor=actor),
    )


def leader_home(*, actor: Actor) -> LeaderHome:
    """The zone at a glance: enterprises (industrial = GB/T 4754 section C), projects, delays."""
    row = (
        scope_enterprises(actor)
        .order_by()
        .aggregate(
            total=Count("pk"),
            industrial=Count("pk", filter=Q(industry__startswith="C")),
            unlinked=Count("pk", filter=Q(primary_liaison__isnull=True)),
        )
    )
    months = trend_months(local_today(), n=2)
    return LeaderHome(
        enterprises=row["total"],
        industrial=row["industrial"],
        unlinked=row["unlinked"],
        projects=project_counts(actor=actor),
        report_months=[f"{first:%Y-%m}" for first in reversed(months)],
    )


def enterprise_home(*, actor: Actor) -> EnterpriseProfile | None:
    """An enterprise user's own profile: its liaisons (with phone) and its projects."""
    enterprise = scope_enterprises(actor).only("uscc").first()
    return enterprise_profile(actor=actor, uscc=enterprise.uscc) if enterprise else None
