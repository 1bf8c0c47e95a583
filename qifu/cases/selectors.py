"""Case reads; every one starts from access.scope_cases (PRODUCT.md §1, §2.2).

The ledger filters (state, category, department, period, overdue, supervised, green channel,
enterprise, liaison) narrow the scope and never widen it; each maps onto an index of `Case`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases, scope_enterprises, scope_led_cases
from qifu.accounts.models import User
from qifu.cases import deadlines
from qifu.cases.lifecycle import Party, available, parties
from qifu.cases.models import (
    OPEN_STATES,
    Case,
    CaseAttachment,
    CaseEvent,
    CasePart,
    CaseState,
    DepartmentRouting,
    Extension,
    InfoRequest,
    PartState,
    RequestState,
    ReturnRequest,
    RoutingMode,
)
from qifu.cases.rows import CaseRow
from qifu.cases.services import Filed, local_today
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalize_uscc
from qifu.notify.addresses import EMAIL_FIELDS
from qifu.reference.models import Department
from qifu.reference.selectors import department_by_id
from qifu.workcal.calendar import WorkCalendar, zone_calendar

S = CaseState
WORKING = (S.DISPATCHED, S.IN_PROGRESS)

LEDGER_RELATED = ("enterprise", "category", "lead_department", "liaison", "handler")


def _columns_but(relation: str, model: type[Model], keep: set[str]) -> tuple[str, ...]:
    fields = model._meta.concrete_fields
    return tuple(f"{relation}__{f.name}" for f in fields if not f.primary_key and f.name not in keep)


# A ledger row names its enterprise and people and nothing else of them: the rest of those rows
# (the enterprise's money columns, SM4 ciphertexts and tags; the users' password hashes and flags)
# is left unread — building and converting them was a third of a 20-row page.
LEDGER_RELATED_DEFERRED = (
    *_columns_but("enterprise", Enterprise, {"uscc", "name"}),
    *_columns_but("liaison", User, {"username", "display_name"}),
    *_columns_but("handler", User, {"username", "display_name"}),
)
# A case page or detail names the people around a case and its enterprise, nothing more of them.
PERSON = {"username", "display_name"}
CASE_RELATED = ("enterprise", "project", "category", "lead_department", "liaison", "handler", "filed_by")
CASE_RELATED_DEFERRED = (
    *_columns_but("enterprise", Enterprise, {"uscc", "name"}),
    *(column for person in ("liaison", "handler", "filed_by") for column in _columns_but(person, User, PERSON)),
)


@dataclass(frozen=True)
class CaseFilters:
    state: tuple[str, ...] = ()
    category: str = ""
    department: str = ""  # lead department code
    assist_department: str = ""
    enterprise: str = ""  # USCC
    liaison: str = ""  # username
    handler: str = ""  # username
    since: date | None = None  # submitted on or after (local date)
    until: date | None = None  # submitted on or before
    overdue: bool | None = None
    supervised: bool | None = None
    green_channel: bool | None = None
    is_common: bool | None = None
    open_only: bool = False
    pending: str = ""  # department inbox tabs: to_sign, in_progress, due_soon, overdue
    extra: dict[str, Any] = field(default_factory=dict)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def overdue_q(today: date) -> Q:
    """Late now (open past its deadline) or settled late; the SLA job also sets `overdue`."""
    return (
        Q(overdue=True)
        | Q(state__in=WORKING, resolve_by__lt=today)
        | Q(state=S.DISPATCHED, sign_by__lt=today)
        | Q(state=S.SUBMITTED, respond_by__lt=today)
    )


def overdue_now(case: Case, today: date | None = None) -> bool:
    """The same rule as `overdue_q`, for one loaded case."""
    today = today or local_today()
    if case.overdue:
        return True
    if case.state in WORKING and case.resolve_by is not None and case.resolve_by < today:
        return True
    if case.state == S.DISPATCHED and case.sign_by is not None and case.sign_by < today:
        return True
    return case.state == S.SUBMITTED and case.respond_by < today


def supervised_q() -> Q:
    """督办 cases, through the partial index `case_supervised_id` (a few thousand rows at city
    scale). Written as a subquery: beside a `state IN (…)` term SQLite's planner otherwise walks
    the state index over every open case (230 ms at a million cases instead of 20)."""
    return Q(pk__in=Case.objects.filter(supervised=True).values("pk"))


def due_soon_q(today: date) -> Q:
    """Amber (UX.md): open work whose reminder day (80% of the time) has come but is not late."""
    return Q(state__in=WORKING, remind_on__lte=today, resolve_by__gte=today)


def case_filtered(*, actor: Actor, filters: CaseFilters | None = None, today: date | None = None) -> QuerySet[Case]:
    f = filters or CaseFilters()
    today = today or local_today()
    # an inbox tab lists only the department's own led cases: that narrower scope keeps the indexes
    qs = scope_led_cases(actor) if f.pending in PENDING_TABS else scope_cases(actor)
    if f.state:
        qs = qs.filter(state__in=f.state)
    if f.open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.department:
        qs = qs.filter(lead_department__code=f.department.upper())
    if f.assist_department:
        parts = CasePart.objects.filter(department__code=f.assist_department.upper(), active=True)
        qs = qs.filter(pk__in=parts.values("case_id"))
    if f.enterprise:
        qs = qs.filter(enterprise__uscc=f.enterprise.upper())
    if f.liaison:
        qs = qs.filter(liaison__username=f.liaison)
    if f.handler:
        qs = qs.filter(handler__username=f.handler)
    if f.since:
        qs = qs.filter(submitted_at__gte=_start_of(f.since))
    if f.until:
        qs = qs.filter(submitted_at__lt=_start_of(f.until + timedelta(days=1)))
    if f.overdue is not None:
        qs = qs.filter(overdue_q(today)) if f.overdue else qs.exclude(overdue_q(today))
    if f.supervised:
        qs = qs.filter(supervised_q())
    for flag in ("supervised", "green_channel", "is_common"):
        value = getattr(f, flag)
        if value is not None and not (flag == "supervised" and value):
            qs = qs.filter(**{flag: value})
    if f.pending:
        qs = qs.filter(_pending_q(actor, f.pending, today))
    return qs


PENDING_TABS = frozenset({"to_sign", "in_progress", "due_soon", "overdue"})


def _pending_q(actor: Actor, tab: str, today: date) -> Q:
    """Department inbox tabs, for the actor's own department."""
    mine = Q(lead_department_id=actor.dept)
    if tab == "to_sign":
        return mine & Q(state=S.DISPATCHED)
    if tab == "in_progress":
        return mine & Q(state=S.IN_PROGRESS)
    if tab == "due_soon":
        return mine & due_soon_q(today)
    if tab == "overdue":
        return mine & Q(state__in=WORKING, resolve_by__lt=today)
    return Q()


def case_list(*, actor: Actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The ledger rows, newest first (ordered by the primary key: indexed, stable for paging)."""
    return (
        case_filtered(actor=actor, filters=filters)
        .select_related(*LEDGER_RELATED)
        .defer(*LEDGER_RELATED_DEFERRED)
        .order_by("-id")
    )


def case_get(*, actor: Actor, case_id: int) -> Case:
    rows = (
        scope_cases(actor)
        .select_related(*CASE_RELATED)
        .defer(*CASE_RELATED_DEFERRED)
        .filter(pk=case_id)
        .order_by()  # one row by its key: no ORDER BY (first()'s costs a third of this query's compiling)
    )
    for case in rows[:1]:
        return case
    raise NotFound("case not found")


def _visible_events(actor: Actor, case: Case) -> QuerySet[CaseEvent]:
    events = (
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "department")
        .defer(*_columns_but("actor", User, PERSON))
        .prefetch_related(Prefetch("attachments", queryset=CaseAttachment.objects.select_related("file")))
    )
    return events.filter(public=True) if actor.is_enterprise else events


def case_events(*, actor: Actor, case: Case) -> list[CaseEvent]:
    """The timeline; the enterprise sees only public events."""
    return list(_visible_events(actor, case).order_by("id"))


def case_messages(*, actor: Actor, case: Case) -> list[CaseEvent]:
    """The conversation: public messages, and internal notes for staff."""
    return list(_visible_events(actor, case).filter(action="message").order_by("id"))


def case_last_message(*, actor: Actor, case: Case) -> CaseEvent:
    """The newest message the actor may see (the answer to posting one)."""
    last = _visible_events(actor, case).filter(action="message").order_by("-id").first()
    if last is None:
        raise NotFound("message not found")
    return last


def case_events_since(*, actor: Actor, case: Case, after_id: int) -> list[CaseEvent]:
    events = (
        CaseEvent.objects.filter(case=case, id__gt=after_id)
        .select_related("actor", "department")
        .prefetch_related(Prefetch("attachments", queryset=CaseAttachment.objects.select_related("file")))
    )
    if actor.is_enterprise:
        events = events.filter(public=True)
    return list(events.order_by("id")[:200])


def case_attachment_get(*, actor: Actor, case_id: int, attachment_id: int) -> CaseAttachment:
    """An attachment of a case in scope; internal ones are hidden from the enterprise."""
    case = case_get(actor=actor, case_id=case_id)
    qs = CaseAttachment.objects.select_related("file").filter(case=case, pk=attachment_id)
    if actor.is_enterprise:
        qs = qs.filter(public=True)
    attachment = qs.first()
    if attachment is None:
        raise NotFound("attachment not found")
    return attachment


@dataclass(frozen=True)
class CaseView:
    """Everything the case page and the API detail show, in a fixed number of queries."""

    case: Case
    events: list[CaseEvent]
    parts: list[CasePart]
    pending_extension: Extension | None
    pending_return: ReturnRequest | None
    info_requests: list[InfoRequest]
    actions: list[str]
    who: set[Party]
    clock: "ClockView"
    plain: str
    enterprise_view: bool


@dataclass(frozen=True)
class ClockView:
    due: date | None
    remaining: int | None  # working days; negative when late
    level: str  # "", "due_soon", "overdue"
    days: int | None


def clock_of(case: Case | CaseRow, *, today: date, cal: WorkCalendar) -> ClockView:
    due: date | None
    days: int | None
    if case.state == S.SUBMITTED:
        due, days = case.respond_by, deadlines.RESPOND_DAYS
    elif case.state == S.DISPATCHED:
        due, days = case.sign_by, deadlines.SIGN_DAYS
    elif case.state == S.IN_PROGRESS:
        due, days = case.resolve_by, case.resolve_days
    else:
        return ClockView(None, None, "", None)
    if due is None:
        return ClockView(None, None, "", days)
    remaining = deadlines.remaining_workdays(cal, today, due)
    if today > due:
        level = "overdue"
    elif _due_soon(case, today, remaining, days):
        level = "due_soon"
    else:
        level = ""
    return ClockView(due, remaining, level, days)


def _due_soon(case: Case | CaseRow, today: date, remaining: int, days: int | None) -> bool:
    """≤ 20% of the time left (UX.md §5): the reminder day has come."""
    if case.state == S.IN_PROGRESS and case.remind_on is not None:
        return today >= case.remind_on
    return bool(days) and remaining <= max(0, int((days or 0) * (1 - deadlines.REMIND_AT)))


def plain_status(case: Case, *, today: date) -> str:
    """The enterprise's words for where its request stands (UX.md §3), never internal codes."""
    dept = case.lead_department.name if case.lead_department_id and case.lead_department else ""
    due = case.resolve_by if case.state == S.IN_PROGRESS else None
    if case.state == S.SUBMITTED:
        return _("已提交，等待受理 · 预计%(day)s前受理") % {"day": deadlines.cn_date(case.respond_by, today)}
    if case.state == S.ACCEPTED:
        return _("已受理，正在安排责任部门")
    if case.state == S.DISPATCHED:
        return _("已转交%(dept)s，等待签收") % {"dept": dept}
    if case.state == S.IN_PROGRESS and case.paused:
        return _("%(dept)s需要您补充材料，请尽快回复") % {"dept": dept}
    if case.state == S.IN_PROGRESS:
        return _("正在办理 · %(dept)s · 预计%(day)s前答复") % {"dept": dept, "day": deadlines.cn_date(due, today)}
    if case.state == S.RESOLVED:
        return _("已办结，请您评价")
    if case.state == S.CLOSED:
        return _("已办结")
    if case.state == S.REJECTED:
        return _("不予受理")
    return _("已撤回")


def _pending(requests: QuerySet[Any]) -> Any:
    """A case's pending extension or return (at most one of each is open), with who asked."""
    pending = requests.filter(state=RequestState.PENDING).select_related("requested_by")
    return next(iter(pending.defer(*_columns_but("requested_by", User, PERSON)).order_by()[:1]), None)


# The side tables a case page reads, each behind the timeline event that every write of its rows
# also writes (services.case_act; the seed replays the same actions): a case whose timeline has no
# such event has no such row, and its page does not ask. Most cases are never returned, extended or
# asked for information, so this saves up to four of a page's ten queries.
ROWS_BEHIND_EVENT = {"parts": "dispatch", "extension": "request_extension", "return": "return", "info": "request_info"}


def case_view(*, actor: Actor, case_id: int) -> CaseView:
    case = case_get(actor=actor, case_id=case_id)
    today = local_today()
    cal = zone_calendar()
    events = case_events(actor=actor, case=case)
    # the enterprise reads public events only: internal ones (a return, an extension) it never asks for
    happened = {e.action for e in events}
    internal = not actor.is_enterprise

    def has(rows: str) -> bool:
        return ROWS_BEHIND_EVENT[rows] in happened

    parts = (
        list(
            CasePart.objects.filter(case=case, active=True)
            .select_related("department", "handler")
            .defer(*_columns_but("handler", User, PERSON))
        )
        if internal and has("parts")  # the enterprise is shown no parts (and is never one)
        else []
    )
    who = parties(
        actor,
        enterprise_id=case.enterprise_id,
        lead_department_id=case.lead_department_id,
        assist_department_ids=frozenset(p.department_id for p in parts),
    )
    pending_ext = _pending(Extension.objects.filter(case=case)) if internal and has("extension") else None
    pending_ret = _pending(ReturnRequest.objects.filter(case=case)) if internal and has("return") else None
    return CaseView(
        case=case,
        events=events,
        parts=parts,
        pending_extension=pending_ext,
        pending_return=pending_ret,
        info_requests=list(InfoRequest.objects.filter(case=case).order_by("id")) if has("info") else [],
        actions=available(case.state, who),
        who=who,
        clock=clock_of(case, today=today, cal=cal),
        plain=plain_status(case, today=today),
        enterprise_view=actor.is_enterprise,
    )


def filed_view(*, actor: Actor, filed: Filed) -> CaseView:
    """The view of a case this request has just filed (the 201 answer of POST /cases): nothing but
    its filing event exists yet, so no parts, requests or approvals are read, and the case row and
    event the service returned (with the enterprise, category and filer) are used as they are."""
    case, event = filed.case, filed.event
    department = department_by_id(event.department_id) if event.department_id else None
    if department is not None:
        event.department = department
    if filed.files:
        with_files = CaseAttachment.objects.select_related("file")
        prefetch_related_objects([event], Prefetch("attachments", queryset=with_files))
    else:  # no attachments: an empty prefetch, as prefetch_related would leave, without asking
        event._prefetched_objects_cache = {"attachments": CaseAttachment.objects.none()}  # type: ignore[attr-defined]
    today = local_today()
    # a new case has no department yet: the parties follow from the enterprise alone
    who = parties(actor, enterprise_id=case.enterprise_id, lead_department_id=None, assist_department_ids=frozenset())
    return CaseView(
        case=case,
        events=[event] if event.public or not actor.is_enterprise else [],
        parts=[],
        pending_extension=None,
        pending_return=None,
        info_requests=[],
        actions=available(case.state, who),
        who=who,
        clock=clock_of(case, today=today, cal=zone_calendar()),
        plain=plain_status(case, today=today),
        enterprise_view=actor.is_enterprise,
    )


def department_counts(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """The handler's and head's home: to sign, in progress, due soon, overdue, approvals."""
    today = today or local_today()
    # The four tabs are subsets of the department's working cases: one pass over them, four counts.
    working = scope_led_cases(actor).filter(state__in=WORKING).order_by()
    counts: dict[str, int] = working.aggregate(
        to_sign=Count("pk", filter=Q(state=S.DISPATCHED)),
        in_progress=Count("pk", filter=Q(state=S.IN_PROGRESS)),
        due_soon=Count("pk", filter=due_soon_q(today)),
        overdue=Count("pk", filter=Q(resolve_by__lt=today)),
    )
    counts |= {
        "assist": CasePart.objects.filter(
            department_id=actor.dept, state__in=(PartState.DISPATCHED, PartState.IN_PROGRESS), active=True
        ).count(),
    }
    if actor.role == "dept_head":
        counts["approvals"] = (
            Extension.objects.filter(department_id=actor.dept, state=RequestState.PENDING).count()
            + ReturnRequest.objects.filter(department_id=actor.dept, state=RequestState.PENDING).count()
        )
    return counts


def approvals(*, actor: Actor) -> tuple[list[Extension], list[ReturnRequest]]:
    """Pending extensions and returns of the head's department."""
    if actor.role != "dept_head":
        return [], []
    rel = ("case", "case__enterprise", "requested_by")
    ext = Extension.objects.filter(department_id=actor.dept, state=RequestState.PENDING).select_related(*rel)
    ret = ReturnRequest.objects.filter(department_id=actor.dept, state=RequestState.PENDING).select_related(*rel)
    return list(ext.order_by("id")[:200]), list(ret.order_by("id")[:200])


def desk_counts(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    today = today or local_today()
    qs = scope_cases(actor)
    return {
        "submitted": qs.filter(state=S.SUBMITTED).count(),
        "accepted": qs.filter(state=S.ACCEPTED).count(),
        "resolved": qs.filter(state=S.RESOLVED).count(),
        "overdue_response": qs.filter(state=S.SUBMITTED, respond_by__lt=today).count(),
        "supervised": qs.filter(supervised=True, state__in=OPEN_STATES).count(),  # case_supervised_state
    }


def filing_enterprise(*, actor: Actor, uscc: str) -> Enterprise:
    """The enterprise a request is filed for: an enterprise user's own (the USCC may be left out),
    otherwise one in the filer's scope (NotFound outside it)."""
    if actor.is_enterprise and not uscc:
        own = scope_enterprises(actor).first()
        if own is None:
            raise NotFound("enterprise not found")
        return own
    # Only what filing and its answer read: the full row (with the SM4-encrypted contact fields
    # decrypted on load) and the liaison's full row cost a sixth of a filing.
    enterprise = (
        scope_enterprises(actor)
        .select_related("primary_liaison")
        .only(*FILING_FIELDS)
        .filter(uscc=normalize_uscc(uscc))
        .first()
    )
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


FILING_FIELDS = (
    "id",
    "uscc",
    "name",
    "industry",  # the cockpit's cube counts a new case under its enterprise's industry section
    "primary_liaison_id",
    "primary_liaison__id",
    "primary_liaison__username",
    "primary_liaison__display_name",
    "primary_liaison__role",
    # what the liaison's e-mail notice reads (filed_recipients: no second query for the liaison)
    *(f"primary_liaison__{name}" for name in sorted(EMAIL_FIELDS - {"role"})),
)


@dataclass(frozen=True)
class RoutingRow:
    department: Department
    mode: str
    label: str


def routing_rows(*, actor: Actor) -> list[RoutingRow]:
    """分办规则: every department for the desk, the own department for its head, nothing else."""
    departments = Department.objects.filter(active=True).order_by("sort", "code")
    if actor.role == "dept_head":
        departments = departments.filter(pk=actor.dept)
    elif actor.role != "desk":
        return []
    modes = dict(DepartmentRouting.objects.values_list("department_id", "mode"))
    labels = dict(RoutingMode.choices)
    rows = []
    for d in departments:
        mode = modes.get(d.pk, RoutingMode.ROUND_ROBIN)
        rows.append(RoutingRow(d, mode, str(labels[mode])))
    return rows


def routing_department(*, actor: Actor, code: str) -> Department:
    """A department whose rule the actor may set (NotFound otherwise: the page is not advertised)."""
    for row in routing_rows(actor=actor):
        if row.department.code == code:
            return row.department
    raise NotFound("department not found")
