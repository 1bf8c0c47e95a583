"""Visit reads. Every list starts from `qifu.access.scopes.scope_visits`; `visit_get` answers
NotFound for missing and invisible visits alike.

- the visit ledger (filters: enterprise, liaison, department, month, kind, over budget: one query for
  the API, the ledger page and its export) and one visit with its parts;
- the visit plan of a liaison for a month (live from Linkage and the month's visits: a liaison has
  a few dozen enterprises, so it is two small indexed queries);
- coverage per liaison and per department (from the CoverageTotal rollup: a few thousand rows at
  city scale, whatever the number of visits);
- the enterprises most contacted this month (ContactMonth rollup), planned visits to merge and an
  enterprise's budget;
- the participant picker (staff of any department).

The pages' own reads (months, the visit page, coverage access, the enterprise's preferences) are in
`qifu.visits.selectors_pages`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_staff, scope_visits
from qifu.accounts.models import User
from qifu.accounts.roles import LIAISON_ROLES, STAFF_ROLES, Role
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalize_uscc
from qifu.visits.contacts import BudgetStatus, budget_status
from qifu.visits.coverage import coverage_ensure, links_in_month, month_bounds, month_start
from qifu.visits.models import (
    Contact,
    ContactMonth,
    CoverageTotal,
    PlannedVisit,
    PlanState,
    QuietPeriod,
    ServicePreference,
    Visit,
    VisitCase,
    VisitParticipant,
    VisitPhoto,
)

# ---------------------------------------------------------------------------------------------
# The ledger


@dataclass(frozen=True)
class VisitFilters:
    """The ledger's filters: the API's query, the ledger page's query string (parsed by
    `qifu.visits.forms.visit_filters`) and the export, which exports what the page lists."""

    enterprise: str = ""  # USCC
    liaison: int | None = None  # a participant (the author is one) by id (the API; -1: nobody)
    liaison_name: str = ""  # a participant by username or exact name (the page: everyone so named)
    department: str = ""  # a department code: the author's or a participant's
    month: date | None = None  # any day of the month
    kind: str = ""
    over_budget: bool | None = None


def visit_list(*, actor: Actor, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    """走访台账: the visits the actor may see, narrowed by the filters (never widened), newest first,
    with the enterprise, the author (and their department) and the project joined."""
    f = filters or VisitFilters()
    qs = scope_visits(actor)
    if f.enterprise:
        qs = qs.filter(enterprise__uscc=normalize_uscc(f.enterprise))
    if f.liaison:
        qs = qs.filter(pk__in=VisitParticipant.objects.filter(user_id=f.liaison).values("visit_id"))
    if f.liaison_name:
        named = User.objects.filter(Q(username=f.liaison_name) | Q(display_name=f.liaison_name)).values("pk")
        qs = qs.filter(pk__in=VisitParticipant.objects.filter(user_id__in=named).values("visit_id"))
    if f.department:
        in_dept = VisitParticipant.objects.filter(visit=OuterRef("pk"), department__code=f.department)
        qs = qs.filter(Q(author__department__code=f.department) | Q(Exists(in_dept)))
    if f.month:
        start, end = month_bounds(f.month)
        qs = qs.filter(visited_at__gte=start, visited_at__lt=end)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.over_budget is not None:
        qs = qs.filter(over_budget=f.over_budget)
    return qs.select_related("enterprise", "author", "author__department", "project").order_by("-visited_at", "-id")


def visit_get(*, actor: Actor, visit_id: int) -> Visit:
    """A visit the actor may see, with what the API and the visit page show of it joined."""
    visit = (
        scope_visits(actor)
        .select_related("enterprise", "author", "author__department", "project", "recheck_of")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFound("visit not found")
    return visit


@dataclass(frozen=True)
class VisitDetail:
    visit: Visit
    participants: list[VisitParticipant]
    photos: list[VisitPhoto]
    cases: list[VisitCase]
    can_rate: bool


def visit_detail(*, actor: Actor, visit_id: int) -> VisitDetail:
    """One visit with its participants, photos and cases (the cases the actor may not see are
    still listed by number: the visit says a problem was raised, the case page decides the rest)."""
    visit = visit_get(actor=actor, visit_id=visit_id)
    participants = list(
        VisitParticipant.objects.filter(visit=visit).select_related("user", "department").order_by("id")
    )
    photos = list(VisitPhoto.objects.filter(visit=visit).order_by("id"))
    cases = list(VisitCase.objects.filter(visit=visit).select_related("case").order_by("id"))
    can_rate = actor.is_enterprise and actor.enterprise_id == visit.enterprise_id and not visit.feedback
    return VisitDetail(visit=visit, participants=participants, photos=photos, cases=cases, can_rate=can_rate)


def visit_photo_get(*, actor: Actor, photo_id: int, visit_id: int | None = None) -> VisitPhoto:
    """A photo of a visit the actor may see (for serving the file through a permission check); with
    `visit_id`, only a photo of that visit (the URL names both)."""
    photos = VisitPhoto.objects.filter(pk=photo_id, visit__in=scope_visits(actor).values("pk"))
    if visit_id is not None:
        photos = photos.filter(visit_id=visit_id)
    photo = photos.select_related("file").first()
    if photo is None:
        raise NotFound("photo not found")
    return photo


def visit_enterprise_get(*, actor: Actor, uscc: str) -> Enterprise:
    """The enterprise a staff member logs a visit for. Any staff member may name any enterprise
    here, so that `visit_log` can answer "not linked" with a clear message instead of a bare 404;
    enterprise users and administrators log no visits."""
    if not actor.is_staff_role:
        raise NotFound("enterprise not found")
    enterprise = Enterprise.objects.filter(uscc=normalize_uscc(uscc)).first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


def enterprise_visits(*, actor: Actor, enterprise_id: int, limit: int = 5) -> list[Visit]:
    """The latest visits of one enterprise the actor may see (the 360 page's card)."""
    qs = scope_visits(actor).filter(enterprise_id=enterprise_id).select_related("author", "author__department")
    return list(qs.order_by("-visited_at", "-id")[:limit])


# ---------------------------------------------------------------------------------------------
# The plan


class PlanStatus:
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass
class PlanRow:
    enterprise: Enterprise
    status: str
    visited_on: date | None = None  # the first credited visit of the month
    visits: int = 0
    projects: list[str] = field(default_factory=list)
    linked_from: date | None = None
    linked_until: date | None = None  # the link ended during the month (handed over)
    last_visit_id: int | None = None


@dataclass(frozen=True)
class Plan:
    liaison: User
    month: date
    rows: list[PlanRow]

    @property
    def counts(self) -> dict[str, int]:
        out = {PlanStatus.DONE: 0, PlanStatus.DUE: 0, PlanStatus.OVERDUE: 0}
        for row in self.rows:
            out[row.status] += 1
        return out

    @property
    def coverage(self) -> float | None:
        return self.counts[PlanStatus.DONE] / len(self.rows) if self.rows else None


def plan_liaison(*, actor: Actor, liaison_id: int | None = None, username: str = "") -> User:
    """Whose plan the actor may read, named by username (the plan page), else by id (the API, the
    coverage table's links), else the actor: their own (a liaison); any liaison's (the desk,
    leaders); one of their department's liaisons (a department head). Else NotFound."""
    key = Q(username=username) if username else Q(pk=actor.id if liaison_id is None else int(liaison_id))
    user = User.objects.filter(key, role__in=LIAISON_ROLES).select_related("department").first()
    return _plan_readable(actor, user)


def _plan_readable(actor: Actor, user: User | None) -> User:
    if user is None or user.role not in LIAISON_ROLES:
        raise NotFound("liaison not found")
    if actor.is_zone_wide or user.pk == actor.id:
        return user
    if actor.role == Role.DEPT_HEAD and actor.department_id and user.department_id == actor.department_id:
        return user
    raise NotFound("liaison not found")


def visit_plan(
    *,
    actor: Actor,
    month: date,
    liaison_id: int | None = None,
    liaison: User | None = None,
    today: date | None = None,
) -> Plan:
    """Each enterprise linked to the liaison at some time in the month: done (visited on a day the
    liaison was linked), due (not yet, the month is not over) or overdue (a past month, not
    visited). Two queries besides the liaison: the links with their enterprises, the visits."""
    if liaison is not None:  # already loaded by the caller: checked here without a query
        liaison = _plan_readable(actor, liaison)
    else:
        liaison = plan_liaison(actor=actor, liaison_id=liaison_id)
    month = month_start(month)
    today = today or timezone.localdate()
    # Plain values, not model rows: the plan shows the name and the USCC (full rows cost ~10 ms).
    links = (
        links_in_month(month)
        .filter(liaison_id=liaison.pk)
        .order_by("enterprise__name", "enterprise_id", "started_on")
        .values_list("enterprise_id", "enterprise__name", "enterprise__uscc", "project__name", "started_on", "ended_on")
    )
    rows: dict[int, PlanRow] = {}
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for enterprise_id, name, uscc, project, started_on, ended_on in links:
        row = rows.get(enterprise_id)
        if row is None:
            enterprise = Enterprise(id=enterprise_id, name=name, uscc=uscc)
            row = rows[enterprise_id] = PlanRow(enterprise=enterprise, status=PlanStatus.DUE, linked_from=started_on)
        if project:
            row.projects.append(project)
        spans[enterprise_id].append((started_on, ended_on))
        row.linked_from = min(row.linked_from or started_on, started_on)
    for enterprise_id, periods in spans.items():
        if all(ended is not None for _s, ended in periods):
            rows[enterprise_id].linked_until = max(e for _s, e in periods if e is not None)
    if rows:
        start, end = month_bounds(month)
        visits = (
            Visit.objects.filter(enterprise_id__in=list(rows), visited_at__gte=start, visited_at__lt=end)
            .order_by("visited_at")
            .values_list("enterprise_id", "visited_at", "id")
        )
        for enterprise_id, visited_at, visit_id in visits:
            day = timezone.localdate(visited_at)
            if any(s <= day and (e is None or e > day) for s, e in spans[enterprise_id]):
                row = rows[enterprise_id]
                row.visits += 1
                row.visited_on = row.visited_on or day
                row.last_visit_id = visit_id
    past = month < month_start(today)
    for row in rows.values():
        if row.visits:
            row.status = PlanStatus.DONE
        elif past:
            row.status = PlanStatus.OVERDUE
    order = {PlanStatus.OVERDUE: 0, PlanStatus.DUE: 1, PlanStatus.DONE: 2}
    ordered = sorted(rows.values(), key=lambda r: (order[r.status], r.enterprise.name))
    return Plan(liaison=liaison, month=month, rows=ordered)


# ---------------------------------------------------------------------------------------------
# Coverage


@dataclass(frozen=True)
class CoverageRow:
    key: int | None  # the liaison's or the department's id
    name: str
    department: str
    linked: int
    visited: int

    @property
    def rate(self) -> float | None:
        return self.visited / self.linked if self.linked else None


def _coverage_scope(actor: Actor, month: date) -> QuerySet[CoverageTotal]:
    qs = CoverageTotal.objects.filter(month=month_start(month))
    if actor.is_zone_wide:
        return qs
    if actor.is_department and actor.department_id:
        return qs.filter(department_id=actor.department_id)
    if actor.is_liaison:
        return qs.filter(liaison_id=actor.id)
    return qs.none()


def coverage_liaison_totals(*, actor: Actor, month: date, department_id: int | None = None) -> QuerySet[CoverageTotal]:
    """The liaisons' rollup rows, to page through (a city has 5,000 liaisons): each with the
    liaison's name and department, nothing more of them."""
    coverage_ensure(month)
    qs = _coverage_scope(actor, month)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return (
        qs.select_related("liaison", "department")
        .only(
            "liaison_id",
            "department_id",
            "linked",
            "visited",
            "liaison__username",
            "liaison__display_name",
            "department__name",
            "department__code",
        )
        .order_by("department__code", "liaison__username", "id")
    )


def coverage_row(total: CoverageTotal) -> CoverageRow:
    return CoverageRow(
        key=total.liaison_id,
        name=total.liaison.name,
        department=total.department.name if total.department else "",
        linked=total.linked,
        visited=total.visited,
    )


def coverage_by_liaison(*, actor: Actor, month: date, department_id: int | None = None) -> list[CoverageRow]:
    """One row per liaison: linked enterprises and visited ones in the month (rollup)."""
    return [coverage_row(t) for t in coverage_liaison_totals(actor=actor, month=month, department_id=department_id)]


def coverage_by_department(*, actor: Actor, month: date) -> list[CoverageRow]:
    """One row per department (liaisons without a department — deputies — as one row)."""
    coverage_ensure(month)
    sums = (
        _coverage_scope(actor, month)
        .values("department_id", "department__name")
        .annotate(linked=Sum("linked"), visited=Sum("visited"))
        .order_by("department_id")
    )
    return [
        CoverageRow(
            key=s["department_id"],
            name=s["department__name"] if s["department_id"] else gettext("人大代表及其他"),
            department=s["department__name"] or "",
            linked=int(s["linked"] or 0),
            visited=int(s["visited"] or 0),
        )
        for s in sums
    ]


def coverage_sum(rows: list[CoverageRow]) -> CoverageRow:
    """The total of a list of rows (the whole scope when the list is unfiltered)."""
    return CoverageRow(
        key=None, name="", department="", linked=sum(r.linked for r in rows), visited=sum(r.visited for r in rows)
    )


def coverage_total(*, actor: Actor, month: date) -> CoverageRow:
    coverage_ensure(month)
    sums = _coverage_scope(actor, month).aggregate(linked=Sum("linked"), visited=Sum("visited"))
    return CoverageRow(
        key=None, name="", department="", linked=int(sums["linked"] or 0), visited=int(sums["visited"] or 0)
    )


# ---------------------------------------------------------------------------------------------
# 无事不扰


@dataclass(frozen=True)
class ContactedRow:
    enterprise: Enterprise
    counted: int  # contacts counted against the budget (requested ones are not)
    total: int
    budget: int
    quiet: QuietPeriod | None = None  # the first quiet period not over yet

    @property
    def over(self) -> bool:
        return self.counted > self.budget

    @property
    def full(self) -> bool:
        return self.counted >= self.budget


def most_contacted(*, actor: Actor, month: date, limit: int = 20, uncounted: bool = False) -> list[ContactedRow]:
    """The desk's (and leaders') list of the enterprises most contacted in the month, counted contacts
    first, with their budget and quiet period; `uncounted` also lists those contacted only at their
    own request (the page does, after the others). Empty for everyone else."""
    if not actor.is_zone_wide:
        return []
    visible = scope_enterprises(actor).values("pk")
    months = ContactMonth.objects.filter(month=month_start(month), enterprise_id__in=visible)
    if not uncounted:
        months = months.filter(counted__gt=0)
    rows = list(months.select_related("enterprise").order_by("-counted", "-total", "enterprise_id")[:limit])
    ids = [r.enterprise_id for r in rows]
    budgets = dict(
        ServicePreference.objects.filter(enterprise_id__in=ids, monthly_budget__isnull=False).values_list(
            "enterprise_id", "monthly_budget"
        )
    )
    quiet: dict[int, QuietPeriod] = {}
    today = timezone.localdate()
    for period in QuietPeriod.objects.filter(enterprise_id__in=ids, ends_on__gte=today).order_by("starts_on"):
        quiet.setdefault(period.enterprise_id, period)
    return [
        ContactedRow(
            enterprise=r.enterprise,
            counted=r.counted,
            total=r.total,
            budget=_budget(budgets.get(r.enterprise_id)),
            quiet=quiet.get(r.enterprise_id),
        )
        for r in rows
    ]


def _budget(own: int | None) -> int:
    from qifu.visits.contacts import default_budget

    return default_budget() if own is None else int(own)


@dataclass(frozen=True)
class EnterpriseBudget:
    enterprise: Enterprise
    month: date
    status: BudgetStatus
    preferred_channel: str
    own_budget: int | None
    contacts: list[Contact]
    quiet_periods: list[QuietPeriod]


def enterprise_budget(*, actor: Actor, uscc: str, on: date | None = None) -> EnterpriseBudget:
    """An enterprise's budget, contacts of the month and quiet periods (scoped like the registry)."""
    enterprise = scope_enterprises(actor).filter(uscc=normalize_uscc(uscc)).first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    on = on or timezone.localdate()
    pref = ServicePreference.objects.filter(enterprise=enterprise).first()
    contacts = list(Contact.objects.filter(enterprise=enterprise, month=month_start(on)).order_by("on", "id"))
    quiet = list(
        QuietPeriod.objects.filter(enterprise=enterprise, ends_on__gte=timezone.localdate()).order_by("starts_on")
    )
    return EnterpriseBudget(
        enterprise=enterprise,
        month=month_start(on),
        status=budget_status(enterprise, on),
        preferred_channel=pref.preferred_channel if pref else "portal",
        own_budget=pref.monthly_budget if pref else None,
        contacts=contacts,
        quiet_periods=quiet,
    )


def quiet_period_get(*, actor: Actor, period_id: int) -> QuietPeriod:
    period = (
        QuietPeriod.objects.filter(pk=period_id, enterprise__in=scope_enterprises(actor).values("pk"))
        .select_related("enterprise")
        .first()
    )
    if period is None:
        raise NotFound("quiet period not found")
    return period


# ---------------------------------------------------------------------------------------------
# Planned visits


def planned_visit_list(
    *, actor: Actor, state: str = PlanState.PLANNED, enterprise: Enterprise | None = None
) -> QuerySet[PlannedVisit]:
    """Planned visits: the desk and leaders see all, staff their own and those of the enterprises
    they see; the desk merges from this list."""
    qs = PlannedVisit.objects.all()
    if not actor.is_zone_wide:
        if not actor.is_staff_role:
            return qs.none()
        qs = qs.filter(Q(planner_id=actor.id) | Q(enterprise__in=scope_enterprises(actor).values("pk")))
    if state:
        qs = qs.filter(state=state)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise", "planner", "department").order_by("planned_on", "id")


def planned_visit_get(*, actor: Actor, plan_id: int) -> PlannedVisit:
    plan = planned_visit_list(actor=actor, state="").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("planned visit not found")
    return plan


@dataclass
class MergeGroup:
    enterprise: Enterprise
    plans: list[PlannedVisit]


def merge_groups(*, actor: Actor, limit: int = 30) -> list[MergeGroup]:
    """Enterprises with two or more open planned visits (from now on): candidates for one joint visit."""
    today = timezone.localdate()
    open_plans = PlannedVisit.objects.filter(
        state=PlanState.PLANNED, planned_on__gte=today, enterprise_id__in=scope_enterprises(actor).values("pk")
    )
    busy = list(
        open_plans.values("enterprise_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n")[:limit]
        .values_list("enterprise_id", flat=True)
    )
    plans = open_plans.filter(enterprise_id__in=busy).select_related("enterprise", "planner", "department")
    groups: dict[int, MergeGroup] = {}
    for plan in plans.order_by("planned_on", "pk"):
        groups.setdefault(plan.enterprise_id, MergeGroup(plan.enterprise, [])).plans.append(plan)
    return [groups[i] for i in busy if i in groups]


def local_month(value: datetime | None = None) -> date:
    return month_start(timezone.localdate(value or timezone.now()))


# ---------------------------------------------------------------------------------------------
# Participants


def staff_options(*, actor: Actor, term: str, limit: int = 12) -> list[User]:
    """The participant picker: active staff of any department by name or username."""
    term = term.strip()
    if len(term) < 1 or not actor.is_staff_role:
        return []
    qs = scope_staff(actor).filter(Q(display_name__icontains=term) | Q(username__istartswith=term))
    return list(qs.select_related("department").order_by("department__sort", "username")[:limit])


def staff_by_ids(*, actor: Actor, ids: list[int]) -> list[User]:
    """The chosen participants again (a refused post shows them as chips)."""
    if not ids:
        return []
    return list(scope_staff(actor).filter(pk__in=ids[:50]).select_related("department").order_by("username"))


def staff_ids(*, actor: Actor, usernames: list[str]) -> list[int]:
    """Participants named by username: active staff of any department, else `unknown_participant`."""
    from django.utils.translation import gettext as _

    from qifu.core.errors import RuleViolation

    wanted = {u.strip() for u in usernames if u and u.strip()}
    if not wanted:
        return []
    found = dict(
        User.objects.filter(username__in=wanted, role__in=STAFF_ROLES, is_active=True).values_list("username", "pk")
    )
    missing = sorted(wanted - set(found))
    if missing:
        raise RuleViolation(
            _("参加人员须为在岗的工作人员：%(names)s") % {"names": "、".join(missing)},
            code="unknown_participant",
            data={"field": "participants", "usernames": missing},
        )
    return list(found.values())


def user_id_by_username(username: str) -> int | None:
    return User.objects.filter(username=username).values_list("pk", flat=True).first()
