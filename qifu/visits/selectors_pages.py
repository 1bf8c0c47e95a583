"""Reads only the visit pages make (PRODUCT.md §2.4): months in the URL, the visit form's enterprise
and planned visit, the visit page, coverage access and the enterprise's preferences. The reads the
pages share with the API (one visit, its photos, the ledger, the plan's liaison, the most contacted,
the merge candidates, the participant picker) are in `qifu.visits.selectors`.

Every read starts from the actor's scope (`scope_visits`, or `scope_enterprises` for enterprise rows);
a visit missing or not visible answers NotFound (a 404 on the pages, as the API).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises
from qifu.cases.models import Case
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.reference.models import Department
from qifu.visits.contacts import BudgetStatus, budget_status
from qifu.visits.models import (
    PlannedVisit,
    PlanState,
    QuietPeriod,
    ServicePreference,
    Visit,
    VisitParticipant,
    VisitPhoto,
)
from qifu.visits.selectors import visit_get

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


# --- coverage -------------------------------------------------------------------------------------


def coverage_access(actor: Actor) -> None:
    """The coverage page: the desk, leaders and department heads (their department); liaisons see their own."""
    if not (actor.is_zone_wide or actor.role == "dept_head" or actor.is_liaison):
        raise NotFound("no coverage")


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
