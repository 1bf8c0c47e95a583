"""Reads for the visit pages (PRODUCT.md §2.4): the plan, the visit page, the ledger, coverage, the
desk's contacts list and the enterprise's preferences.

Every read starts from the actor's scope (`visit_scope`, or `scope_enterprises` for enterprise rows);
`*_get` answers NotFound for a visit that is missing or not visible (a 404 on the pages, as the API).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises, scope_staff, scope_visits
from qifu.accounts.models import User
from qifu.accounts.roles import LIAISON_ROLES
from qifu.cases.models import Case
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.reference.models import Department
from qifu.visits.contacts import BudgetStatus, budget_status, default_budget
from qifu.visits.models import (
    ContactMonth,
    PlannedVisit,
    PlanState,
    QuietPeriod,
    ServicePreference,
    Visit,
    VisitParticipant,
    VisitPhoto,
)
from qifu.visits.selectors import VisitFilters as DomainFilters

# --- months -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    first: date

    @property
    def last(self) -> date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def previous(self) -> "Month":
        return Month((self.first - timedelta(days=1)).replace(day=1))

    @property
    def next(self) -> "Month":
        return Month(self.last + timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) of the month in Beijing time, as aware datetimes (stored times are UTC)."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        return start, datetime.combine(self.next.first, time.min, tzinfo=tz)


def month_parse(text: str | None, today: date | None = None) -> Month:
    """`2026-11` → that month; anything else (or nothing) → the current month."""
    today = today or timezone.localdate()
    if text and len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        year, month = int(text[:4]), int(text[5:])
        if 2000 <= year <= 2099 and 1 <= month <= 12:
            return Month(date(year, month, 1))
    return Month(today.replace(day=1))


# --- scope ----------------------------------------------------------------------------------------


def visit_scope(actor: Actor) -> QuerySet[Visit]:
    """The visits the actor may see (access.scopes.scope_visits)."""
    return scope_visits(actor)


# --- the visit log form ---------------------------------------------------------------------------


def may_log_visits(actor: Actor) -> bool:
    """Staff log visits (liaisons above all; departments and the desk on joint visits)."""
    return actor.is_staff_role and actor.role != "leader"


def visit_enterprise(*, actor: Actor, uscc: str) -> Enterprise:
    """The enterprise the visit form is for. A liaison may also log a joint visit to an enterprise
    outside their own scope (the service then requires its liaison among the participants), so any
    staff member may name an active enterprise by its exact USCC; others answer NotFound."""
    uscc = (uscc or "").strip().upper()
    if not may_log_visits(actor) or len(uscc) != 18:
        raise NotFound("enterprise not found")
    found = Enterprise.objects.filter(uscc=uscc).first()
    if found is None:
        raise NotFound("enterprise not found")
    return found


def visit_budget(enterprise: Enterprise, on: date) -> BudgetStatus:
    return budget_status(enterprise, on)


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


def plan_for(*, actor: Actor, plan_id: int | None) -> PlannedVisit | None:
    """The planned visit the form completes (the planner's own, or any for the desk)."""
    if not plan_id:
        return None
    qs = PlannedVisit.objects.filter(pk=plan_id, state=PlanState.PLANNED)
    if not actor.is_zone_wide:
        qs = qs.filter(planner_id=actor.id)
    return qs.first()


# --- the visit page -------------------------------------------------------------------------------


@dataclass
class VisitPage:
    visit: Visit
    participants: list[VisitParticipant]
    photos: list[VisitPhoto]
    cases: list[Case]
    may_rate: bool
    departments: list[str] = field(default_factory=list)


def visit_get(*, actor: Actor, visit_id: int) -> Visit:
    visit = (
        visit_scope(actor)
        .select_related("enterprise", "author", "author__department", "project", "recheck_of")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFound("visit not found")
    return visit


def visit_page(*, actor: Actor, visit_id: int) -> VisitPage:
    visit = visit_get(actor=actor, visit_id=visit_id)
    participants = list(visit.participants.select_related("user", "department").order_by("user__username"))
    photos = list(visit.photos.order_by("pk"))
    case_ids = visit.visit_cases.values("case_id")
    cases = list(Case.objects.filter(pk__in=case_ids).select_related("lead_department").order_by("pk"))
    if actor.is_enterprise:  # the enterprise sees the cases as its own requests; the rest are staff work
        cases = [c for c in cases if c.enterprise_id == actor.enterprise_id]
    depts = sorted({p.department.name for p in participants if p.department is not None})
    may_rate = actor.is_enterprise and actor.enterprise_id == visit.enterprise_id and not visit.feedback
    return VisitPage(
        visit=visit, participants=participants, photos=photos, cases=cases, may_rate=may_rate, departments=depts
    )


def visit_photo_get(*, actor: Actor, visit_id: int, photo_id: int) -> VisitPhoto:
    """A photo of a visible visit (the file is served after this check only)."""
    visit = visit_get(actor=actor, visit_id=visit_id)
    photo = VisitPhoto.objects.select_related("file").filter(pk=photo_id, visit_id=visit.pk).first()
    if photo is None:
        raise NotFound("photo not found")
    return photo


# --- the ledger -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilters:
    month: str = ""  # YYYY-MM
    liaison: str = ""  # username
    department: str = ""  # department code
    kind: str = ""
    over_budget: bool = False
    enterprise: str = ""  # USCC


def visit_ledger(*, actor: Actor, filters: VisitFilters) -> QuerySet[Visit]:
    """走访台账: the scope, narrowed by the filters (never widened), newest first."""
    qs = visit_scope(actor)
    if filters.month:
        start, end = month_parse(filters.month).bounds()
        qs = qs.filter(visited_at__gte=start, visited_at__lt=end)
    if filters.liaison:  # a participant (the author is one), named by username or exact name
        people = User.objects.filter(Q(username=filters.liaison) | Q(display_name=filters.liaison)).values("pk")
        qs = qs.filter(pk__in=VisitParticipant.objects.filter(user_id__in=people).values("visit_id"))
    if filters.department:
        in_dept = VisitParticipant.objects.filter(visit=OuterRef("pk"), department__code=filters.department)
        qs = qs.filter(Q(author__department__code=filters.department) | Q(Exists(in_dept)))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.over_budget:
        qs = qs.filter(over_budget=True)
    if filters.enterprise:
        qs = qs.filter(enterprise__uscc=filters.enterprise)
    return qs.select_related("enterprise", "author", "author__department").order_by("-visited_at", "-pk")


def enterprise_visits(*, actor: Actor, enterprise_id: int, limit: int = 5) -> list[Visit]:
    """The enterprise 360 page's latest visits the viewer may see."""
    qs = visit_scope(actor).filter(enterprise_id=enterprise_id).select_related("author", "author__department")
    return list(qs.order_by("-visited_at", "-pk")[:limit])


# --- the plan -------------------------------------------------------------------------------------


def plan_liaison(*, actor: Actor, username: str) -> User:
    """Whose plan the page shows: the liaison's own; the desk and leaders any liaison's; a department
    head those of their department. Anyone else (or an unknown name) gets NotFound. The liaison is
    named by username, or by id (the coverage table links by id)."""
    if not username or username in (actor.user.username, str(actor.id)):
        if not actor.is_liaison:
            raise NotFound("no plan")
        return actor.user
    key = Q(pk=int(username)) if username.isdigit() and len(username) < 10 else Q(username=username)
    qs = User.objects.filter(key, role__in=LIAISON_ROLES).select_related("department")
    if actor.is_zone_wide:
        found = qs.first()
    elif actor.role == "dept_head" and actor.department_id:
        found = qs.filter(department_id=actor.department_id).first()
    else:
        found = None
    if found is None:
        raise NotFound("no plan")
    return found


# --- coverage -------------------------------------------------------------------------------------


def coverage_access(actor: Actor) -> None:
    """The coverage page: the desk, leaders and department heads (their department); liaisons see their own."""
    if not (actor.is_zone_wide or actor.role == "dept_head" or actor.is_liaison):
        raise NotFound("no coverage")


# --- the desk: most contacted, planned visits to merge --------------------------------------------


@dataclass
class ContactRow:
    enterprise: Enterprise
    used: int
    total: int
    budget: int
    quiet: QuietPeriod | None

    @property
    def over(self) -> bool:
        return self.used > self.budget

    @property
    def full(self) -> bool:
        return self.used >= self.budget


def most_contacted(*, actor: Actor, month: Month, limit: int = 30) -> list[ContactRow]:
    """The enterprises most contacted in the month (counted contacts first), with budget and quiet period."""
    visible = scope_enterprises(actor).values("pk")
    months = list(
        ContactMonth.objects.filter(month=month.first, enterprise_id__in=visible)
        .select_related("enterprise")
        .order_by("-counted", "-total", "enterprise_id")[:limit]
    )
    ids = [m.enterprise_id for m in months]
    budgets = dict(
        ServicePreference.objects.filter(enterprise_id__in=ids, monthly_budget__isnull=False).values_list(
            "enterprise_id", "monthly_budget"
        )
    )
    today = timezone.localdate()
    quiet: dict[int, QuietPeriod] = {}
    for period in QuietPeriod.objects.filter(enterprise_id__in=ids, ends_on__gte=today).order_by("starts_on"):
        quiet.setdefault(period.enterprise_id, period)
    return [
        ContactRow(
            m.enterprise,
            m.counted,
            m.total,
            int(budgets.get(m.enterprise_id) or default_budget()),
            quiet.get(m.enterprise_id),
        )
        for m in months
    ]


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


# --- the enterprise's preferences -----------------------------------------------------------------


@dataclass
class Preferences:
    enterprise: Enterprise
    preference: ServicePreference | None
    budget: int
    used: int
    quiet_periods: list[QuietPeriod]


def my_preferences(*, actor: Actor) -> Preferences:
    if not actor.is_enterprise or actor.enterprise_id is None:
        raise NotFound("no preferences")
    enterprise = scope_enterprises(actor).get(pk=actor.enterprise_id)
    preference = ServicePreference.objects.filter(enterprise_id=enterprise.pk).first()
    today = timezone.localdate()
    status = budget_status(enterprise, today)
    periods = list(QuietPeriod.objects.filter(enterprise_id=enterprise.pk, ends_on__gte=today).order_by("starts_on"))
    return Preferences(enterprise, preference, status.budget, status.used, periods)


def my_quiet_period(*, actor: Actor, period_id: int) -> QuietPeriod:
    period = QuietPeriod.objects.filter(pk=period_id, enterprise_id=actor.enterprise_id or 0).first()
    if period is None or not actor.is_enterprise:
        raise NotFound("quiet period not found")
    return period


def departments() -> QuerySet[Department]:
    return Department.objects.filter(active=True).order_by("sort", "code")


def export_filters(filters: VisitFilters) -> DomainFilters:
    """The ledger's filters in the export's terms (`qifu.visits.selectors.VisitFilters`): the liaison
    by id (unknown name → no visit), the month as its first day. (The export has no department
    filter yet: the department narrows the page only.)"""
    liaison: int | None = None
    if filters.liaison:
        named = Q(username=filters.liaison) | Q(display_name=filters.liaison)
        found = User.objects.filter(named).order_by("pk").values_list("pk", flat=True).first()
        liaison = int(found) if found is not None else -1
    month = month_parse(filters.month).first if filters.month else None
    return DomainFilters(
        enterprise=filters.enterprise,
        liaison=liaison,
        month=month,
        kind=filters.kind,
        over_budget=True if filters.over_budget else None,
    )
