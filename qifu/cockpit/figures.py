"""The leaders' cockpit figures (驾驶舱, issue 6 item 5, PRODUCT.md §2.8): one call, every section.

`cockpit_figures(actor=…, month=…)` returns frozen dataclasses of plain numbers, strings and
lists; `as_json()` turns them into JSON-ready dicts (the API, the page's charts, the Excel
workbook and the monthly Word report all read the same figures). Rules are in docs/COCKPIT.md.

Who: leaders and the service desk (`access.scopes.may_open_cockpit`); everyone else gets
PermissionDenied (403). Both see the whole zone, which is exactly what the pre-aggregates count.

Where each number comes from — every read is a small table or an index range, never a scan of the
cases (the city has 1,000,000):

- cases by category, lead department, state, the 12-month trend and the backlog (overdue,
  supervised): `CaseCube`; the common problems by industry: `CommonCube` (models.py), both kept
  exact on every case write;
- the three rates, the composite and the 红黑榜: `assessment.selectors.assessment_report` (its
  monthly rollup at city scale, live counts for a zone);
- visit coverage: `visits.selectors.coverage_total` / `coverage_by_department` (their monthly
  rollup); the most-disturbed enterprises: the ContactMonth rollup in `most_contacted`'s order;
- the four service lists and this month's entries and exits: `servicelists.selectors.list_overview`
  over the snapshot of the month (or the latest one before it);
- project progress: the progress board's status and investment per project
  (`projects.progress.project_board`, its SQL compiled once a day), summed as
  `project_board_summary` does.

Each item carries `url`, the list behind it (the case ledger with its filters, a list's members,
the project board by status, the coverage page, the enterprise page): a chart's drill-down.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import enterprise_filter, may_open_cockpit
from qifu.accounts.models import User
from qifu.assessment.metrics import Placing
from qifu.assessment.models import Dimension
from qifu.assessment.periods import month_end, month_of
from qifu.assessment.selectors import assessment_report
from qifu.cases.models import OPEN_STATES, CaseState
from qifu.cockpit.models import CaseCube, CommonCube
from qifu.commons.selectors import problem_counts
from qifu.core.errors import PermissionDenied
from qifu.projects.progress import BoardStatus, YearClock, project_board
from qifu.reference.models import Category, Department
from qifu.reference.taxonomy import INDUSTRY_SECTIONS
from qifu.servicelists.selectors import latest_month, list_overview
from qifu.visits.contacts import default_budget
from qifu.visits.models import ContactMonth, ServicePreference
from qifu.visits.selectors import coverage_by_department, coverage_sum

TREND_MONTHS = 12
TOP_DEPARTMENTS = 10
TOP_DISTURBED = 10
TOP_COMMON = 10
# Fewer common cases than this in the month: the "common problems" chart counts every case
COMMON_MIN = 10
DONE_STATES = (CaseState.RESOLVED, CaseState.CLOSED)


# ---------------------------------------------------------------------------------------------
# The figures


@dataclass(frozen=True)
class Item:
    """One bar or slice: a code, its Chinese name, the count and the list behind it."""

    key: str
    name: str
    value: int
    url: str


@dataclass(frozen=True)
class Totals:
    """KPI cards: cases filed in the month and where they stand; the zone's open backlog now."""

    filed: int
    open: int  # of the month's cases, still open
    done: int  # of the month's cases, resolved or closed
    open_now: int  # every open case of the zone, whatever month it was filed
    filed_url: str
    open_url: str


@dataclass(frozen=True)
class Trend:
    """The 12 months up to the chosen one: cases filed, and of those how many are resolved or closed."""

    months: list[str]  # YYYY-MM, oldest first
    filed: list[int]
    done: list[int]
    urls: list[str]


@dataclass(frozen=True)
class Ranked:
    rank: int | None
    key: str
    name: str
    composite: float | None
    valid: int | None


@dataclass(frozen=True)
class Assessment:
    """§2.2 考核 over the cases filed in the month, the zone as a whole, and the 红黑榜."""

    valid: int
    response_rate: float | None
    solve_rate: float | None
    satisfaction_rate: float | None
    composite: float | None
    resolve_on_time_rate: float | None
    red: list[Ranked]
    black: list[Ranked]
    computed_at: str  # ISO time of the rollup read; "" when counted live
    url: str


@dataclass(frozen=True)
class DepartmentBacklog:
    key: str
    name: str
    overdue: int
    supervised: int
    overdue_url: str
    supervised_url: str


@dataclass(frozen=True)
class Backlog:
    """Open work now (any filing month): flagged overdue by the deadline job, and under 督办."""

    overdue: int
    supervised: int
    overdue_url: str
    supervised_url: str
    departments: list[DepartmentBacklog]  # the most overdue first


@dataclass(frozen=True)
class CoverageItem:
    key: str
    name: str
    linked: int
    visited: int
    rate: float | None
    url: str


@dataclass(frozen=True)
class Visits:
    linked: int
    visited: int
    rate: float | None
    url: str
    departments: list[CoverageItem]


@dataclass(frozen=True)
class Disturbed:
    uscc: str
    name: str
    counted: int  # contacts counted against the monthly budget
    total: int
    budget: int
    url: str


@dataclass(frozen=True)
class ListFigure:
    key: str
    name: str
    members: int
    entered: int
    left: int
    url: str


@dataclass(frozen=True)
class Lists:
    month: str  # the snapshot read (YYYY-MM), "" when no list was ever evaluated
    lists: list[ListFigure]


@dataclass(frozen=True)
class CommonItem:
    industry: str  # section letter, "" = not recorded
    industry_name: str
    category: str
    category_name: str
    value: int
    url: str


@dataclass(frozen=True)
class Common:
    """The most frequent (industry section × category) pairs of the month's cases."""

    basis: str  # "common": cases marked 共性问题; "all": every case (too few marked)
    items: list[CommonItem]


@dataclass(frozen=True)
class Problems:
    """Common problems (共性问题, qifu.commons) created in the 12 months up to the month: by category,
    and by the industry sections of their member enterprises (a problem counts once per section)."""

    total: int
    open: int
    by_category: list[Item]
    by_industry: list[Item]
    url: str


@dataclass(frozen=True)
class Projects:
    total: int
    statuses: list[Item]  # late, at risk, on schedule
    annual_planned: float  # 万元
    ytd_invested: float  # 万元
    elapsed: float  # share of the plan year due
    url: str


@dataclass(frozen=True)
class CockpitFigures:
    month: str  # YYYY-MM
    since: str  # first day, ISO
    until: str  # last day, ISO
    as_of: str  # today (Asia/Shanghai), ISO
    totals: Totals
    by_category: list[Item]
    by_department: list[Item]
    by_state: list[Item]
    trend: Trend
    assessment: Assessment
    backlog: Backlog
    visits: Visits
    disturbed: list[Disturbed]
    lists: Lists
    common: Common
    projects: Projects
    problems: Problems


def as_json(figures: CockpitFigures) -> dict[str, Any]:
    """The figures as plain dicts and lists (every leaf a str, int, float, bool or None)."""
    return asdict(figures)


# ---------------------------------------------------------------------------------------------
# Drill-down addresses


@lru_cache(maxsize=1)
def _ledger_path() -> str:
    return reverse("ledger:list")  # a hundred drill-down links per request: reversed once


def ledger_url(**params: Any) -> str:
    """The case ledger with these filters (qifu.cases.forms.CaseFilterForm's names)."""
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)}, doseq=True)
    return _ledger_path() + (f"?{query}" if query else "")


def _month_params(first: date) -> dict[str, str]:
    return {"since": first.isoformat(), "until": month_end(first).isoformat()}


# ---------------------------------------------------------------------------------------------
# Sections


def cockpit_access(actor: Actor) -> None:
    if not may_open_cockpit(actor):
        raise PermissionDenied("the cockpit is for leaders and the service desk")


def months_back(first: date, n: int) -> date:
    key = first.year * 12 + first.month - 1 - n
    return date(key // 12, key % 12 + 1, 1)


def _names() -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str]]]:
    """{id: (code, name)} of the categories and the departments (two small tables)."""
    categories = {pk: (code, name) for pk, code, name in Category.objects.values_list("pk", "code", "name")}
    departments = {pk: (code, name) for pk, code, name in Department.objects.values_list("pk", "code", "name")}
    return categories, departments


def _month_cases(first: date) -> list[tuple[Any, ...]]:
    """The month's cube rows summed to (category, department, state): about a thousand rows at city
    scale, read once along the covering index `casecube_month` and folded into every month chart."""
    return list(
        CaseCube.objects.filter(month=first)
        .values_list("category", "department", "state")
        .annotate(total=Sum("n"))
        .order_by()
    )


def _by(rows: list[tuple[Any, ...]], index: int) -> dict[Any, int]:
    out: dict[Any, int] = defaultdict(int)
    for row in rows:
        out[row[index]] += row[-1]
    return out


def _sorted_items(items: list[Item]) -> list[Item]:
    return sorted((i for i in items if i.value), key=lambda i: (-i.value, i.key))


def _categories(rows: list[tuple[Any, ...]], first: date, names: dict[int, tuple[str, str]]) -> list[Item]:
    params = _month_params(first)
    items = []
    for pk, n in _by(rows, 0).items():
        if pk == 0:
            items.append(Item("", _("未分类"), n, ledger_url(**params)))
            continue
        code, name = names.get(pk, (str(pk), str(pk)))
        items.append(Item(code, name, n, ledger_url(category=code, **params)))
    return _sorted_items(items)


def _departments(rows: list[tuple[Any, ...]], first: date, names: dict[int, tuple[str, str]]) -> list[Item]:
    params = _month_params(first)
    items = []
    for pk, n in _by(rows, 1).items():
        if pk == 0:
            # not yet dispatched: still at the service desk (submitted or accepted)
            url = ledger_url(state=[CaseState.SUBMITTED, CaseState.ACCEPTED], **params)
            items.append(Item("", _("未交办"), n, url))
            continue
        code, name = names.get(pk, (str(pk), str(pk)))
        items.append(Item(code, name, n, ledger_url(department=code, **params)))
    return _sorted_items(items)


def _states(rows: list[tuple[Any, ...]], first: date) -> list[Item]:
    params = _month_params(first)
    counts = _by(rows, 2)
    return [
        Item(str(state), str(state.label), counts.get(state, 0), ledger_url(state=state, **params))
        for state in CaseState
        if counts.get(state, 0)
    ]


def _trend(first: date) -> Trend:
    start = months_back(first, TREND_MONTHS - 1)
    filed: dict[date, int] = defaultdict(int)
    done: dict[date, int] = defaultdict(int)
    rows = (
        CaseCube.objects.filter(month__gte=start, month__lte=first)
        .values_list("month", "state")
        .annotate(total=Sum("n"))
        .order_by()
    )
    for month, state, n in rows:
        filed[month] += n
        if state in DONE_STATES:
            done[month] += n
    months = [months_back(first, TREND_MONTHS - 1 - i) for i in range(TREND_MONTHS)]
    return Trend(
        months=[f"{m:%Y-%m}" for m in months],
        filed=[filed[m] for m in months],
        done=[done[m] for m in months],
        urls=[ledger_url(**_month_params(m)) for m in months],
    )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _ranked(p: Placing) -> Ranked:
    return Ranked(rank=p.rank, key=p.key, name=p.name, composite=_num(p.composite), valid=p.valid)


def _assessment(actor: Actor, first: date) -> Assessment:
    report = assessment_report(actor=actor, period=month_of(first), by=Dimension.DEPARTMENT, limit=1)
    zone = report.zone
    s = zone.scores if zone else None
    return Assessment(
        valid=zone.counts.valid if zone else 0,
        response_rate=_num(s.response_rate) if s else None,
        solve_rate=_num(s.solve_rate) if s else None,
        satisfaction_rate=_num(s.satisfaction_rate) if s else None,
        composite=_num(s.composite) if s else None,
        resolve_on_time_rate=_num(s.resolve_on_time_rate) if s else None,
        red=[_ranked(p) for p in report.board.red],
        black=[_ranked(p) for p in report.board.black],
        computed_at=report.computed_at.isoformat() if report.computed_at else "",
        url=reverse("assessment:index") + "?" + urlencode({"period": f"{first:%Y-%m}"}),
    )


def _backlog(names: dict[int, tuple[str, str]]) -> Backlog:
    """Open cases flagged overdue or supervised, per lead department (the cube's partial index)."""
    rows = (
        CaseCube.objects.filter(Q(overdue=True) | Q(supervised=True), state__in=OPEN_STATES)
        .values_list("department", "overdue", "supervised")
        .annotate(total=Sum("n"))
        .order_by()
    )
    overdue: dict[int, int] = defaultdict(int)
    supervised: dict[int, int] = defaultdict(int)
    for department, is_overdue, is_supervised, n in rows:
        if is_overdue:
            overdue[department] += n
        if is_supervised:
            supervised[department] += n
    departments = []
    for pk in set(overdue) | set(supervised):
        if pk == 0:
            code, name = "", _("未交办")
        else:
            code, name = names.get(pk, (str(pk), str(pk)))
        departments.append(
            DepartmentBacklog(
                key=code,
                name=name,
                overdue=overdue[pk],
                supervised=supervised[pk],
                overdue_url=ledger_url(department=code, overdue=1, open=1),
                supervised_url=ledger_url(department=code, supervised=1, open=1),
            )
        )
    departments.sort(key=lambda d: (-d.overdue, -d.supervised, d.key))
    return Backlog(
        overdue=sum(overdue.values()),
        supervised=sum(supervised.values()),
        overdue_url=ledger_url(overdue=1, open=1),
        supervised_url=ledger_url(supervised=1, open=1),
        departments=departments[:TOP_DEPARTMENTS],
    )


def _rate(visited: int, linked: int) -> float | None:
    return round(visited / linked, 4) if linked else None


def _visits(actor: Actor, first: date, names: dict[int, tuple[str, str]]) -> Visits:
    """Coverage of the month per department (the visits app's monthly rollup) and in all."""
    url = reverse("visits:coverage") + "?" + urlencode({"month": f"{first:%Y-%m}"})
    rows = coverage_by_department(actor=actor, month=first)
    total = coverage_sum(rows)
    departments = [
        CoverageItem(
            key=names.get(r.key, ("", ""))[0] if r.key else "",
            name=r.name,
            linked=r.linked,
            visited=r.visited,
            rate=_rate(r.visited, r.linked),
            url=url,
        )
        for r in rows
    ]
    departments.sort(key=lambda d: (d.rate is None, -(d.rate or 0), d.key))
    return Visits(
        linked=total.linked,
        visited=total.visited,
        rate=_rate(total.visited, total.linked),
        url=url,
        departments=departments,
    )


USCC_SLOT = "0" * 18


@lru_cache(maxsize=1)
def _enterprise_path() -> str:
    """The enterprise page's path with a placeholder USCC (reverse() costs ~0.3 ms a call)."""
    return reverse("enterprises:detail", args=[USCC_SLOT])


def _disturbed(actor: Actor, first: date) -> list[Disturbed]:
    """The month's most-contacted enterprises, read as `visits.selectors.most_contacted` orders
    them (contacts counted against the budget, then all contacts, then the enterprise), from the
    same ContactMonth rollup — only the names, not whole enterprise rows (2 queries). Scoped by
    `enterprise_filter`, which adds nothing for the cockpit's zone-wide readers (an IN over a
    city's 100,000 enterprise ids would cost more than the read itself)."""
    rows = list(
        ContactMonth.objects.filter(enterprise_filter(actor, "enterprise"), month=first, counted__gt=0)
        .order_by("-counted", "-total", "enterprise_id")
        .values_list("enterprise_id", "enterprise__uscc", "enterprise__name", "counted", "total")[:TOP_DISTURBED]
    )
    own = dict(
        ServicePreference.objects.filter(
            enterprise_id__in=[r[0] for r in rows], monthly_budget__isnull=False
        ).values_list("enterprise_id", "monthly_budget")
    )
    return [
        Disturbed(
            uscc=uscc,
            name=name,
            counted=counted,
            total=total,
            budget=int(own[pk] or 0) if pk in own else default_budget(),
            url=_enterprise_path().replace(USCC_SLOT, uscc),
        )
        for pk, uscc, name, counted, total in rows
    ]


LISTS_TTL = 600  # seconds; the snapshot changes with the monthly evaluation and manual overrides
LISTS_VERSION = "qifu:cockpit:lists:version"


def lists_changed(**_: Any) -> None:
    """A membership or an override was saved or deleted through the ORM (signals in apps.py)."""
    try:
        cache.incr(LISTS_VERSION)
    except ValueError:
        cache.set(LISTS_VERSION, 1, None)


def _lists(actor: Actor, first: date) -> Lists:
    """The four lists in the month's snapshot (or the latest before it) with the month's entries
    and exits: `servicelists.selectors.list_overview`. A city snapshot holds tens of thousands of
    memberships and the entries and exits are anti-joins over them, so the counts are cached for
    LISTS_TTL seconds per snapshot month (dropped when a membership or override is saved)."""
    snapshot = latest_month(month_end(first))
    key = f"qifu:cockpit:lists:{snapshot}:{actor.role}:{cache.get(LISTS_VERSION, 0)}"
    counts: list[tuple[str, str, int, int, int]] | None = cache.get(key)
    if counts is None:
        cards = list_overview(actor=actor, month=snapshot)
        counts = [(c.service_list.code, c.service_list.name, c.members, c.entered, c.left) for c in cards]
        cache.set(key, counts, LISTS_TTL)
    query = "?" + urlencode({"month": f"{snapshot:%Y-%m}"}) if snapshot else ""
    return Lists(
        month=f"{snapshot:%Y-%m}" if snapshot else "",
        lists=[
            ListFigure(
                key=code,
                name=name,
                members=members,
                entered=entered,
                left=left,
                url=reverse("servicelists:list", args=[code]) + query,
            )
            for code, name, members, entered, left in counts
        ],
    )


def _common_order(row: tuple[int, str, int]) -> tuple[int, str, int]:
    n, industry, category = row
    return (-n, industry, category)


def _common(first: date, categories: dict[int, tuple[str, str]]) -> Common:
    """The month's (industry section × category) pairs among the cases marked common, or among all
    the month's cases when fewer than COMMON_MIN are marked (one read of `CommonCube`)."""
    rows = list(
        CommonCube.objects.filter(month=first)
        .values_list("industry", "category", "is_common")
        .annotate(total=Sum("n"))
        .order_by()
    )
    marked = sum(n for _industry, _category, common, n in rows if common)
    basis = "common" if marked >= COMMON_MIN else "all"
    pairs: dict[tuple[str, int], int] = defaultdict(int)
    for industry, category, common, n in rows:
        if common or basis == "all":
            pairs[(industry, category)] += n
    params = _month_params(first) | ({"is_common": 1} if basis == "common" else {})
    top = sorted(((n, industry, category) for (industry, category), n in pairs.items() if n), key=_common_order)
    items = []
    for n, industry, category in top[:TOP_COMMON]:  # the drill-down addresses of the shown ones only
        code, name = categories.get(category, ("", _("未分类"))) if category else ("", _("未分类"))
        items.append(
            CommonItem(
                industry=industry,
                industry_name=INDUSTRY_SECTIONS.get(industry, _("未登记行业")),
                category=code,
                category_name=name,
                value=n,
                url=ledger_url(category=code, **params),
            )
        )
    return Common(basis=basis, items=items)


@lru_cache(maxsize=8)
def _board_query(today: date, role: str) -> tuple[str, tuple[Any, ...]]:
    """The progress board's (status, annual plan, this year's investment) per project, compiled
    once a day per process and role: compiling `with_progress`'s annotations costs more than
    running them over a zone's projects. The rows themselves are read fresh on every call. The
    cockpit's roles see every project (`scope_projects` of a zone-wide actor adds no filter)."""
    actor = Actor(user=User(role=role), role=role, department_id=None, enterprise_id=None)
    board = project_board(actor=actor, today=today).order_by()
    columns = board.values_list("board_status", "annual_planned", "ytd_invested")  # type: ignore[misc]  # annotated
    sql, params = columns.query.sql_with_params()
    return sql, tuple(params)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


PROJECTS_TTL = 600  # seconds: as fresh as the assessment rollup at city scale
PROJECTS_VERSION = "qifu:cockpit:projects:version"


def projects_changed(**_: Any) -> None:
    """A project, milestone or monthly investment was saved or deleted: the next cockpit counts
    the board again (signals wired in apps.py; bulk imports wait for the TTL)."""
    try:
        cache.incr(PROJECTS_VERSION)
    except ValueError:
        cache.set(PROJECTS_VERSION, 1, None)


def _board_counts(actor: Actor, today: date) -> tuple[dict[str, int], int, Decimal, Decimal]:
    """(counts by status, projects, annual plan, this year's investment). A city has 20,000
    projects and the status is correlated subqueries per project (~1 s), so the sums are kept in
    the cache for PROJECTS_TTL seconds per day, and dropped at once when a project, a milestone or
    an investment figure is saved or deleted through the ORM."""
    key = f"qifu:cockpit:projects:{today.isoformat()}:{actor.role}:{cache.get(PROJECTS_VERSION, 0)}"
    hit = cache.get(key)
    if hit is not None:
        counts, total, planned, invested = hit
        return dict(counts), int(total), Decimal(planned), Decimal(invested)
    sql, params = _board_query(today, actor.role)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {s.value: 0 for s in BoardStatus}
    planned, invested = Decimal(0), Decimal(0)
    for status, plan, ytd in rows:
        counts[status] += 1
        planned += _money(plan)
        invested += _money(ytd)
    cache.set(key, (counts, len(rows), str(planned), str(invested)), PROJECTS_TTL)
    return counts, len(rows), planned, invested


def _projects(actor: Actor, today: date) -> Projects:
    """Counts by board status and this year's investment against the plan (the figures of
    `projects.progress.project_board_summary`, over the same annotated board)."""
    counts, total, planned, invested = _board_counts(actor, today)
    board = reverse("projects:board")
    labels = {BoardStatus.LATE: _("滞后"), BoardStatus.AT_RISK: _("有风险"), BoardStatus.ON_SCHEDULE: _("正常")}
    return Projects(
        total=total,
        statuses=[Item(str(s), str(labels[s]), counts[s.value], f"{board}?status={s.value}") for s in BoardStatus],
        annual_planned=float(planned),
        ytd_invested=float(invested),
        elapsed=float(YearClock(today).elapsed),
        url=board,
    )


def _open_now() -> int:
    total = CaseCube.objects.filter(state__in=OPEN_STATES).aggregate(total=Sum("n"))["total"]
    return int(total or 0)


def cockpit_figures(*, actor: Actor, month: date, today: date | None = None) -> CockpitFigures:
    """Every figure of the cockpit for the month containing MONTH (PermissionDenied for roles other
    than leaders and the desk). A fixed number of queries, whatever the number of cases."""
    cockpit_access(actor)
    today = today or timezone.localdate()
    first = month.replace(day=1)
    categories, departments = _names()
    rows = _month_cases(first)
    params = _month_params(first)
    by_state = _by(rows, 2)
    filed = sum(by_state.values())
    return CockpitFigures(
        month=f"{first:%Y-%m}",
        since=first.isoformat(),
        until=month_end(first).isoformat(),
        as_of=today.isoformat(),
        totals=Totals(
            filed=filed,
            open=sum(n for state, n in by_state.items() if state in OPEN_STATES),
            done=sum(n for state, n in by_state.items() if state in DONE_STATES),
            open_now=_open_now(),
            filed_url=ledger_url(**params),
            open_url=ledger_url(open=1),
        ),
        by_category=_categories(rows, first, categories),
        by_department=_departments(rows, first, departments),
        by_state=_states(rows, first),
        trend=_trend(first),
        assessment=_assessment(actor, first),
        backlog=_backlog(departments),
        visits=_visits(actor, first, departments),
        disturbed=_disturbed(actor, first),
        lists=_lists(actor, first),
        common=_common(first, categories),
        projects=_projects(actor, today),
        problems=_problems(first, categories),
    )


def _problems(first: date, categories: dict[int, tuple[str, str]]) -> Problems:
    tz = timezone.get_current_timezone()
    since = datetime.combine(months_back(first, TREND_MONTHS - 1), time.min, tzinfo=tz)
    until = datetime.combine(month_end(first) + timedelta(days=1), time.min, tzinfo=tz)
    counts = problem_counts(since=since, until=until)
    url = reverse("commons:problems")
    by_category = [
        Item(str(categories.get(k, ("", ""))[0]), categories.get(k, ("", _("未分类")))[1], n, f"{url}?category={k}")
        for k, n in counts.by_category.items()
    ]
    by_industry = [Item(k, str(INDUSTRY_SECTIONS.get(k, _("未登记"))), n, url) for k, n in counts.by_industry.items()]
    return Problems(
        total=counts.total,
        open=counts.open,
        by_category=_sorted_items(by_category),
        by_industry=_sorted_items(by_industry),
        url=url,
    )


def previous_months(first: date, n: int = 24) -> list[date]:
    """The month picker: the chosen month's year and the one before, newest first."""
    return [months_back(first, i) for i in range(n)]
