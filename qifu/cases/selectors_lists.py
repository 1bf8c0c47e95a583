"""Reads behind the ledger (台账) and the work queues (PRODUCT.md §2.2, UX.md principles 1, 2, 5).

Every function starts from `case_filtered`/`scope_cases`, so a queue or a filter only ever narrows
what the actor may see. Lists are ordered along an index of `Case` and paged with a capped count
(`qifu.core.web.CappedPaginator`): the first page of the zone ledger reads 20 rows and counts at
most 10,001, whatever the number of cases.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case as DbCase
from django.db.models import F, QuerySet, When
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases, scope_enterprises
from qifu.cases.models import OPEN_STATES, Case, CasePart, CaseState, PartState
from qifu.cases.rows import CaseRow
from qifu.cases.selectors import (
    LEDGER_RELATED_DEFERRED,
    CaseFilters,
    ClockView,
    case_filtered,
    case_list,
    clock_of,
    overdue_q,
    supervised_q,
)
from qifu.cases.services import local_today
from qifu.people.selectors import staff_list
from qifu.reference.models import Department
from qifu.workcal.calendar import zone_calendar

S = CaseState
# Long texts stay in the database: a list shows the title; the export reads the text in chunks.
LIST_DEFERRED = ("text", "answer", "rating_comment")
RECENT = 10
# What a row of the HTML queues shows of its relations (cases/lists/partials/_rows.html): names of
# the enterprise, category and lead department — not the liaison or handler, as the ledger API does.
ROW_RELATED = ("enterprise", "category", "lead_department")
ROW_RELATED_DEFERRED = tuple(name for name in LEDGER_RELATED_DEFERRED if name.startswith("enterprise__"))


def ledger_list(*, actor: Actor, filters: CaseFilters) -> QuerySet[Case]:
    """§2.2 ledger views: zone-wide, per enterprise, department or liaison — newest first."""
    return case_list(actor=actor, filters=filters).defer(*LIST_DEFERRED)


def intake_list(*, actor: Actor) -> QuerySet[Case]:
    """The desk's intake: submitted and accepted cases, oldest first (the response clock runs)."""
    qs = case_filtered(actor=actor, filters=CaseFilters(state=(S.SUBMITTED, S.ACCEPTED)))
    return qs.select_related("enterprise", "category").defer(*LIST_DEFERRED).order_by("id")


def inbox_list(*, actor: Actor, tab: str, mine: bool = False) -> QuerySet[Case]:
    """A department's inbox tab; the most urgent first (the deadline of the step at hand)."""
    if tab == "assist":
        parts = CasePart.objects.filter(
            department_id=actor.dept, state__in=(PartState.DISPATCHED, PartState.IN_PROGRESS), active=True
        )
        qs = scope_cases(actor).filter(pk__in=parts.values("case_id")).order_by("id")
    else:
        due = "sign_by" if tab == "to_sign" else "resolve_by"
        handler = actor.user.username if mine and tab != "to_sign" else ""
        qs = case_filtered(actor=actor, filters=CaseFilters(pending=tab, handler=handler)).order_by(due, "id")
    return qs.select_related(*ROW_RELATED).defer(*LIST_DEFERRED, *ROW_RELATED_DEFERRED)


def _due_now() -> DbCase:
    """The deadline of the step a case is at (respond, sign, resolve)."""
    return DbCase(
        When(state=S.SUBMITTED, then=F("respond_by")),
        When(state=S.DISPATCHED, then=F("sign_by")),
        default=F("resolve_by"),
    )


def supervision_list(*, actor: Actor, today: date | None = None) -> QuerySet[Case]:
    """Leaders' 督办: open cases that are supervised or late, the longest overdue first."""
    today = today or local_today()
    qs = scope_cases(actor).filter(state__in=OPEN_STATES).filter(supervised_q() | overdue_q(today))
    return (
        qs.select_related(*ROW_RELATED)
        .defer(*LIST_DEFERRED, *ROW_RELATED_DEFERRED)
        .annotate(due_now=_due_now())
        .order_by(F("due_now").asc(nulls_last=True), "id")
    )


def enterprise_cases(*, actor: Actor, enterprise_id: int, limit: int = RECENT) -> list[Case]:
    """The enterprise 360 page: its latest cases in the actor's scope (one query)."""
    qs = scope_cases(actor).filter(enterprise_id=enterprise_id).select_related("category", "lead_department")
    return list(qs.defer(*LIST_DEFERRED).order_by("-id")[:limit])


def liaison_counts(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """A liaison's home: open cases of my enterprises, and those of them that are late."""
    today = today or local_today()
    open_cases = scope_cases(actor).filter(state__in=OPEN_STATES)
    return {"open": open_cases.count(), "overdue": open_cases.filter(overdue_q(today)).count()}


def ledger_subject(*, actor: Actor, filters: CaseFilters) -> str:
    """The heading of a per-enterprise, per-department or per-liaison ledger. Names are looked up
    in scope; one the actor may not see is not echoed back (it may not exist either)."""
    unknown = _("不在您的查看范围内")
    if filters.enterprise:
        name = scope_enterprises(actor).filter(uscc=filters.enterprise).values_list("name", flat=True).first()
        return _("企业：%(name)s") % {"name": name or unknown}
    if filters.department:
        dept = Department.objects.filter(code=filters.department).values_list("name", flat=True).first()
        return _("责任部门：%(name)s") % {"name": dept or filters.department}
    if filters.liaison:
        person = staff_list(actor=actor).filter(username=filters.liaison).first()
        return _("挂钩干部：%(name)s") % {"name": person.name if person else unknown}
    return ""


@dataclass(frozen=True)
class RowClock:
    """The deadline cell of a list row (UX.md §5): the date, the working days left, the colour."""

    due: date | None
    remaining: int | None
    level: str  # "", "due_soon", "overdue"

    @property
    def late(self) -> int:
        """Working days past the deadline (0 when not late)."""
        return -self.remaining if self.remaining is not None and self.remaining < 0 else 0


def row_clock(case: Case | CaseRow, today: date | None = None) -> RowClock:
    """The step at hand's clock for an open case; the resolve deadline of a settled one."""
    clock: ClockView = clock_of(case, today=today or local_today(), cal=zone_calendar())
    if clock.due is not None:
        return RowClock(clock.due, clock.remaining, clock.level)
    if case.state == S.ACCEPTED and case.overdue:
        return RowClock(None, None, "overdue")
    return RowClock(case.resolve_by, None, "overdue" if case.resolved_on_time is False else "")
