"""Reads for the case pages (issue 3 items 5–6): the live poll's stamp, 我的诉求, the enterprise
home's open requests, and the choices the filing and dispatch forms offer. Every read starts from
`access.scope_*` (through `case_filtered`/`scope_cases`) or is reference data.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.cases.lifecycle import Party
from qifu.cases.models import (
    FINAL_STATES,
    OPEN_STATES,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseState,
    PartState,
    Satisfaction,
    Solved,
)
from qifu.cases.selectors import CaseFilters, CaseView, ClockView, case_list, case_view, clock_of, plain_status
from qifu.cases.services import local_today
from qifu.core.errors import NotFound
from qifu.people.selectors import StaffFilters, staff_list
from qifu.reference.models import Department
from qifu.reference.selectors import department_list
from qifu.workcal.calendar import zone_calendar

HOME_LIMIT = 8
TO_RATE_LIMIT = 3
# What an enterprise follows on its home page: its open requests; those waiting for its rating
# are listed apart (已办结，请您评价).
FOLLOWED_STATES = tuple(sorted(OPEN_STATES))


def may_file(actor: Actor) -> bool:
    """Who files requests (services.case_file refuses the others): the enterprise for itself, a
    liaison (visits) and the service desk (phone, on-site office days)."""
    return actor.is_enterprise or actor.is_liaison or actor.role == Role.DESK


def _stamp(latest: Any, state: Any, paused: Any, lead: Any, due: Any, *, enterprise_view: bool) -> str:
    if not enterprise_view:
        return str(latest or 0)
    return f"{latest or 0}.{state}.{int(bool(paused))}.{lead or 0}.{due.isoformat() if due else ''}"


def case_stamp(*, actor: Actor, case_id: int) -> str:
    """What the case page's poll compares, in one indexed query (case pk + `caseevent_case_id`).

    Staff: the newest event id (every change of a case writes an event). The enterprise: the newest
    *public* event id plus the fields its plain status line reads, so a change behind an internal
    event (a return, a new handler) still redraws its status, while internal notes change nothing
    it can see. NotFound outside the scope."""
    events = CaseEvent.objects.filter(case_id=OuterRef("pk"))
    if actor.is_enterprise:
        events = events.filter(public=True)
    rows = list(
        scope_cases(actor)
        .filter(pk=case_id)
        .annotate(latest=Subquery(events.order_by("-id").values("id")[:1]))
        .values_list("latest", "state", "paused", "lead_department_id", "resolve_by")
    )
    if not rows:
        raise NotFound("case not found")
    return _stamp(*rows[0], enterprise_view=actor.is_enterprise)


def view_stamp(view: CaseView) -> str:
    """The same stamp, from a loaded case page (no query)."""
    case = view.case
    latest = view.events[-1].id if view.events else 0
    return _stamp(
        latest, case.state, case.paused, case.lead_department_id, case.resolve_by, enterprise_view=view.enterprise_view
    )


def view_signature(view: CaseView) -> str:
    """Changes when the action forms would: the poll redraws them only then, so text being typed
    into a form is not wiped by someone else's message."""
    case = view.case
    key = repr(
        (
            view.actions,
            case.state,
            case.paused,
            case.handler_id,
            case.lead_department_id,
            view.pending_extension.pk if view.pending_extension else None,
            view.pending_return.pk if view.pending_return else None,
            [(p.pk, p.state) for p in view.parts],
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CaseRow:
    case: Case
    clock: ClockView
    plain: str


def case_rows(cases: list[Case]) -> list[CaseRow]:
    """Rows with their clock and plain status (pure; the calendar is cached per process)."""
    today, cal = local_today(), zone_calendar()
    return [CaseRow(c, clock_of(c, today=today, cal=cal), plain_status(c, today=today)) for c in cases]


def my_cases(*, actor: Actor) -> QuerySet[Case]:
    """我的诉求: the enterprise's own requests, newest first (scope = its enterprise)."""
    return case_list(actor=actor, filters=CaseFilters())


def _first_rows(qs: QuerySet[Case], limit: int) -> tuple[list[CaseRow], int]:
    rows = list(qs[: limit + 1])  # one query; the COUNT only when there are more than fit
    total = len(rows) if len(rows) <= limit else qs.count()
    return case_rows(rows[:limit]), total


def followed_cases(*, actor: Actor, limit: int = HOME_LIMIT) -> tuple[list[CaseRow], int]:
    """The enterprise home: its open requests, newest first, with who handles them and by when."""
    return _first_rows(case_list(actor=actor, filters=CaseFilters(state=FOLLOWED_STATES)), limit)


def to_rate_cases(*, actor: Actor, limit: int = TO_RATE_LIMIT) -> tuple[list[CaseRow], int]:
    """The enterprise home: its resolved requests waiting for its rating (§2.2 评价), newest first."""
    return _first_rows(case_list(actor=actor, filters=CaseFilters(state=(CaseState.RESOLVED,))), limit)


def dispatch_departments() -> list[Department]:
    """Active departments with their active categories (two queries, reference data)."""
    return list(department_list())


def department_handlers(*, actor: Actor, case: Case) -> list[User]:
    """Handlers of the case's lead department, for the head's 指派 form."""
    if case.lead_department is None:
        return []
    filters = StaffFilters(role=Role.HANDLER, department=case.lead_department.code)
    return list(staff_list(actor=actor, filters=filters).filter(is_active=True))


def my_part_state(view: CaseView, actor: Actor) -> str:
    """The state of the actor's department's assisting part ('' when it has none)."""
    for part in view.parts:
        if part.department_id == actor.department_id:
            return str(part.state)
    return ""


def shown_actions(view: CaseView, actor: Actor) -> list[str]:
    """`CaseView.actions` less those whose guard would refuse them now (an approval with nothing
    pending, a second information request while one is open, …)."""
    case, part = view.case, my_part_state(view, actor)
    hidden = set()
    if view.pending_extension is None:
        hidden |= {"approve_extension", "deny_extension"}
    else:
        hidden.add("request_extension")
    if view.pending_return is None:
        hidden |= {"approve_return", "deny_return"}
    else:
        hidden.add("return")
    if case.paused:
        hidden |= {"request_info", "resolve"}
    else:
        hidden.add("provide_info")
    if part != PartState.DISPATCHED:
        hidden.add("assist_sign")
    if part == PartState.DONE or not part:
        hidden.add("assist_reply")
    return [a for a in view.actions if a not in hidden]


@dataclass(frozen=True)
class Failure:
    """A refused action, shown in its form with what was typed (nothing was changed)."""

    action: str
    message: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class CasePage:
    """Everything the case page draws, in a fixed number of queries whatever the timeline's length."""

    view: CaseView
    actions: list[str]
    stamp: str
    signature: str
    last_event_id: int
    filing_attachments: list[CaseAttachment]
    departments: list[Department]
    handlers: list[User]
    my_part: str
    lead_head: bool  # the head of the lead department: 退单 returns the case at once
    failed: Failure | None = None

    @property
    def live(self) -> bool:
        """Final states change no more: the page stops polling."""
        return self.view.case.state not in FINAL_STATES

    @property
    def panel_actions(self) -> list[str]:
        """The actions of the side panel (the conversation has its own form)."""
        return [a for a in self.actions if a != "message"]

    @property
    def solved_choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Solved.choices]

    @property
    def satisfaction_choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Satisfaction.choices]

    @property
    def upload_max_mb(self) -> int:
        return int(settings.UPLOAD_MAX_MB)


def case_page(*, actor: Actor, case_id: int, failed: Failure | None = None) -> CasePage:
    view = case_view(actor=actor, case_id=case_id)
    actions = shown_actions(view, actor)
    filed = next((e for e in view.events if e.action == "file"), None)
    return CasePage(
        view=view,
        actions=actions,
        stamp=view_stamp(view),
        signature=view_signature(view),
        last_event_id=view.events[-1].id if view.events else 0,
        filing_attachments=list(filed.attachments.all()) if filed else [],
        departments=dispatch_departments() if "dispatch" in actions else [],
        handlers=department_handlers(actor=actor, case=view.case) if "assign" in actions else [],
        my_part=my_part_state(view, actor),
        lead_head=Party.LEAD_HEAD in view.who,
        failed=failed,
    )


@dataclass(frozen=True)
class CaseUpdates:
    page: CasePage
    events: list[CaseEvent]  # the timeline rows after the client's last one
    redraw_actions: bool  # the action forms changed (else they are left alone, mid-typing)


def case_updates(*, actor: Actor, case_id: int, after: int, stamp: str, signature: str) -> CaseUpdates | None:
    """The case page's poll: None (one query) when nothing the actor can see has changed."""
    if case_stamp(actor=actor, case_id=case_id) == stamp:
        return None
    page = case_page(actor=actor, case_id=case_id)
    events = [e for e in page.view.events if e.id > after]
    return CaseUpdates(page=page, events=events, redraw_actions=page.signature != signature)
