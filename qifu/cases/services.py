"""Case writes (PRODUCT.md §2.2): filing and every lifecycle action.

`case_file` and `case_act` are the only ways a case changes. Each runs in one transaction that
locks the case row first (two people acting at once: exactly one wins, the other gets
`invalid_state`), checks the rule table in `lifecycle`, applies the action, appends the timeline
event, records the audit entry and queues the notices. A refused action raises before anything is
written, so it changes nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.audit.services import audit_record
from qifu.cases import deadlines, notices
from qifu.cases.lifecycle import RULES, Party, allowed, parties
from qifu.cases.models import (
    OPEN_STATES,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseKind,
    CasePart,
    CaseSequence,
    CaseState,
    Channel,
    DepartmentRouting,
    Extension,
    Follower,
    InfoRequest,
    PartState,
    RequestState,
    ReturnRequest,
    RoutingMode,
    Satisfaction,
    Solved,
    Urgency,
)
from qifu.cockpit.cube import cube_moved, cube_state
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.core.rows import insert_row
from qifu.enterprises.models import Enterprise
from qifu.files.services import file_store
from qifu.projects.models import Project
from qifu.reference.models import Category, Department
from qifu.reference.selectors import category_by_code
from qifu.search.services import search_filed_terms, search_index_cases, search_index_filed
from qifu.workcal.calendar import WorkCalendar, zone_calendar

TEXT_MAX = 10000
TITLE_MAX = 120
NOTE_MAX = 5000
MAX_ASSIST = 6
MAX_EXTENSION_DAYS = 60
S = CaseState


def local_today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


# ---------------------------------------------------------------------------------------------
# Filing


@dataclass(frozen=True)
class CaseData:
    text: str
    title: str = ""
    category: str = ""  # a category code, optional: the desk decides when it is empty
    kind: str = CaseKind.HELP
    urgency: str = Urgency.NORMAL
    channel: str = Channel.PORTAL
    project: str = ""  # a project code of the same enterprise, optional


def _bad(message: str, code: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(message, code=code, data={"field": field} if field else None)


def _clean_text(value: str, *, field: str, limit: int, required: bool = True, key: str | None = None) -> str:
    """`field` is the label in the message; `key` the input's name in `data["field"]` (stable, untranslated)."""
    text = (value or "").strip()
    if required and not text:
        raise _bad(_("请填写%(field)s。") % {"field": field}, "required", key or field)
    if len(text) > limit:
        raise _bad(
            _("%(field)s不能超过%(limit)s个字（现有%(n)s个字），请精简后再提交。")
            % {"field": field, "limit": limit, "n": len(text)},
            "too_long",
            key or field,
        )
    return text


def _choice(value: str, choices: Any, *, field: str, key: str | None = None) -> str:
    if value not in choices.values:
        message = _("%(field)s的取值“%(value)s”无效。") % {"field": field, "value": value}
        raise _bad(message, "invalid_choice", key or field)
    return value


def _category(code: str) -> Category | None:
    if not code:
        return None
    category = category_by_code(code)
    if category is None:
        raise _bad(_("诉求类别“%(code)s”不存在，请从列表中选择。") % {"code": code}, "unknown_category", "category")
    return category


def _next_number(year: int) -> str:
    """Gap-free per year: the counter row is updated inside the filing transaction, so concurrent
    filers queue on its row lock and a rolled-back filing gives its number back. One statement
    (UPDATE … RETURNING, on SQLite ≥ 3.35 and PostgreSQL) while the write lock is held."""
    table = connection.ops.quote_name(CaseSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                CaseSequence.objects.create(year=year, last=1)
            return f"QF-{year}-{1:06d}"
        except IntegrityError:  # another filer created the year's row first
            return _next_number(year)
    return f"QF-{year}-{int(row[0]):06d}"


def _check_may_file(actor: Actor, enterprise: Enterprise) -> str:
    """The channel a party files through by default; refuses parties that do not file."""
    if actor.is_enterprise:
        if actor.enterprise_id != enterprise.pk:
            raise NotFound("enterprise not found")
        return Channel.PORTAL
    if actor.is_liaison:
        return Channel.VISIT
    if actor.role == Role.DESK:
        return Channel.PHONE
    raise PermissionDenied(_("您的角色不能提交诉求。"), code="case_file_forbidden")


@dataclass(frozen=True)
class Filed:
    """A case just filed with its filing event: the 201 answer is built from these without reading
    the timeline back."""

    case: Case
    event: CaseEvent
    files: int


def case_file(
    *,
    actor: Actor,
    enterprise: Enterprise,
    data: CaseData,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Case:
    """File a request. `enterprise` comes from a scoped selector (enterprise_get)."""
    return case_filing(actor=actor, enterprise=enterprise, data=data, files=files, now=now).case


def case_filing(
    *,
    actor: Actor,
    enterprise: Enterprise,
    data: CaseData,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Filed:
    """`case_file`, answering the case and its filing event."""
    default_channel = _check_may_file(actor, enterprise)
    text = _clean_text(data.text, field=_("诉求内容"), limit=TEXT_MAX, key="text")
    title = _clean_text(data.title, field=_("标题"), limit=TITLE_MAX, required=False, key="title") or _title_from(text)
    kind = _choice(data.kind or CaseKind.HELP, CaseKind, field=_("诉求性质"), key="kind")
    urgency = _choice(data.urgency or Urgency.NORMAL, Urgency, field=_("紧急程度"), key="urgency")
    channel = (
        Channel.PORTAL
        if actor.is_enterprise
        else _choice(data.channel or default_channel, Channel, field=_("来源渠道"), key="channel")
    )
    category = _category(data.category)
    project = None
    if data.project:
        project = Project.objects.filter(code=data.project, enterprise=enterprise).first()
        if project is None:
            raise _bad(_("项目“%(code)s”不属于该企业。") % {"code": data.project}, "unknown_project", "project")
    now = now or timezone.now()
    today = local_today(now)
    respond_by = deadlines.respond_by(zone_calendar(), today, urgency=urgency, green_channel=False)
    recipients = notices.filed_recipients(enterprise=enterprise, urgency=urgency)
    terms = search_filed_terms(title=title, text=text)
    # Everything above reads; only the writes below hold SQLite's single write lock.
    with transaction.atomic():
        filed = _file_rows(
            actor,
            enterprise,
            today,
            now,
            files,
            recipients,
            terms,
            **{
                "project": project,
                "category": category,
                "kind": kind,
                "urgency": urgency,
                "channel": channel,
                "title": title,
                "text": text,
                "respond_by": respond_by,
            },
        )
    return filed


def _file_rows(
    actor: Actor,
    enterprise: Enterprise,
    today: date,
    now: datetime,
    files: Sequence[UploadedFile],
    recipients: list[User],
    terms: tuple[str, str],
    **fields: Any,
) -> Filed:
    case = insert_row(
        Case(
            number=_next_number(today.year),
            enterprise=enterprise,
            liaison_id=enterprise.primary_liaison_id,
            filed_by=actor.user,
            submitted_at=now,
            last_event_at=now,
            **fields,
        )
    )
    if Enterprise.primary_liaison.is_cached(enterprise):  # the answer names the liaison: no query for it
        case.liaison = enterprise.primary_liaison
    cube_moved(case, None)  # the cockpit's counts, in this transaction
    search_index_filed(case, terms)  # the full-text index, in this transaction
    event = add_event(case, actor, "file", to_state=S.SUBMITTED, text="", at=now, data={"channel": case.channel})
    for upload in files:
        _attach(case, actor, event, upload, public=True)
    audit_record(
        actor=actor,
        action="case_file",
        object_type="case",
        object_id=case.number,
        changes={"enterprise": enterprise.uscc},
    )
    notices.case_filed(case, recipients)
    return Filed(case=case, event=event, files=len(files))


def _title_from(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return first[:30] + ("…" if len(first) > 30 else "")


def _attach(case: Case, actor: Actor, event: CaseEvent, upload: UploadedFile, *, public: bool) -> CaseAttachment:
    stored = file_store(actor=actor, upload=upload, enterprise_id=case.enterprise_id)
    return CaseAttachment.objects.create(
        case=case, enterprise_id=case.enterprise_id, event=event, file=stored, public=public
    )


def add_event(
    case: Case,
    actor: Actor | None,
    action: str,
    *,
    at: datetime,
    from_state: str = "",
    to_state: str = "",
    text: str = "",
    public: bool | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    rule = RULES.get(action)
    visible = public if public is not None else (rule.public if rule else True)
    return insert_row(
        CaseEvent(
            case=case,
            enterprise_id=case.enterprise_id,
            at=at,
            actor=actor.user if actor else None,
            actor_role=actor.role if actor else "",
            department_id=actor.department_id if actor else None,
            action=action,
            from_state=from_state,
            to_state=to_state or case.state,
            public=visible,
            text=text,
            data=data or {},
        )
    )


# ---------------------------------------------------------------------------------------------
# Actions


@dataclass
class Ctx:
    """What one action works with: the locked case, who acts, the clock and the calendar."""

    case: Case
    actor: Actor
    who: set[Party]
    payload: dict[str, Any]
    now: datetime
    today: date
    cal: WorkCalendar
    files: Sequence[UploadedFile]

    def text(self, key: str, *, field: str, limit: int = NOTE_MAX, required: bool = True) -> str:
        return _clean_text(str(self.payload.get(key) or ""), field=field, limit=limit, required=required, key=key)


Handler = Callable[[Ctx], tuple[str, str, dict[str, Any]]]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def _assist_departments(case: Case) -> frozenset[int]:
    return frozenset(CasePart.objects.filter(case=case, active=True).values_list("department_id", flat=True))


def case_parties(actor: Actor, case: Case) -> set[Party]:
    return parties(
        actor,
        enterprise_id=case.enterprise_id,
        lead_department_id=case.lead_department_id,
        assist_department_ids=_assist_departments(case),
    )


@transaction.atomic
def case_act(
    *,
    actor: Actor,
    case_id: int,
    action: str,
    payload: dict[str, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Case:
    """Apply one action. 404 outside the scope; 409 `action_not_allowed` when the actor does not own
    the action or the state does not allow it; 422 for bad input; nothing is written on refusal."""
    if action not in RULES:
        raise _bad(_("未知的操作“%(action)s”。") % {"action": action}, "unknown_action", "action")
    case = scope_cases(actor).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound("case not found")
    who = case_parties(actor, case)
    if not allowed(action, case.state, who):
        raise Conflict(
            _("当前状态（%(state)s）下您不能执行“%(action)s”。")
            % {"state": case.get_state_display(), "action": action},
            code="action_not_allowed",
            data={"state": case.state, "action": action},
        )
    now = now or timezone.now()
    ctx = Ctx(case, actor, who, dict(payload or {}), now, local_today(now), zone_calendar(), files)
    before = case.state
    dims = cube_state(case)
    text, public_text, data = HANDLERS[action](ctx)
    case.last_event_at = now
    case.save()
    cube_moved(case, dims)  # the cockpit's counts, in this transaction
    event = add_event(
        case,
        actor,
        action,
        at=now,
        from_state=before,
        to_state=case.state,
        text=text,
        data=data,
        public=_public(action, ctx),
    )
    for upload in files:
        _attach(case, actor, event, upload, public=event.public)
    search_index_cases([case.pk])  # the full-text index (text, answer, timeline), in this transaction
    audit_record(
        actor=actor,
        action=f"case_{action}",
        object_type="case",
        object_id=case.number,
        changes={"state": [before, case.state], **{k: v for k, v in data.items() if k != "text"}},
    )
    notices.case_event(case, event, public_text=public_text)
    return case


def _public(action: str, ctx: Ctx) -> bool | None:
    if action in ("message", "progress"):
        return ctx.actor.is_enterprise or bool(ctx.payload.get("public", True))
    return None


@handles("accept")
def _accept(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    _first_response(c)
    c.case.state = S.ACCEPTED
    c.case.accepted_at = c.now
    _flags(c)
    return "", "", {}


def _first_response(c: Ctx) -> None:
    if c.case.first_response_at is None:
        c.case.first_response_at = c.now
        c.case.responded_on_time = c.today <= c.case.respond_by


def _flags(c: Ctx) -> None:
    for flag in ("green_channel", "is_common"):
        if flag in c.payload and c.payload[flag] is not None:
            setattr(c.case, flag, bool(c.payload[flag]))
    if c.payload.get("category"):
        c.case.category = _category(str(c.payload["category"]))


@handles("reject")
def _reject(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    reason = c.text("reason", field=_("不予受理的理由"))
    _first_response(c)
    c.case.state = S.REJECTED
    c.case.answer = reason
    c.case.closed_at = c.now
    return reason, reason, {}


@handles("answer")
def _answer(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    answer = c.text("answer", field=_("答复内容"), limit=TEXT_MAX)
    _first_response(c)
    _flags(c)
    desk = Department.objects.filter(is_service_desk=True).first()
    c.case.lead_department = desk
    c.case.handler = c.actor.user
    c.case.accepted_at = c.case.accepted_at or c.now
    _settle_resolve(c, answer)
    return answer, answer, {}


def _settle_resolve(c: Ctx, answer: str) -> None:
    case = c.case
    case.state = S.RESOLVED
    case.answer = answer
    case.resolved_at = c.now
    case.resolved_on_time = case.resolve_by is None or c.today <= case.resolve_by
    case.overdue = not case.resolved_on_time
    case.handling_days = max(0, c.cal.workdays_between(local_today(case.submitted_at), c.today))


def _department(code: str, *, field: str) -> Department:
    dept = Department.objects.filter(code=str(code).upper(), active=True).first()
    if dept is None:
        raise _bad(_("部门“%(code)s”不存在。") % {"code": code}, "unknown_department", field)
    return dept


@handles("dispatch")
def _dispatch(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    case = c.case
    _flags(c)
    category = case.category
    lead_code = c.payload.get("lead") or (category.department.code if category else "")
    if not lead_code:
        raise _bad(_("请选择责任部门。"), "required", "lead")
    lead = _department(str(lead_code), field="lead")
    assist_codes = [str(x).upper() for x in (c.payload.get("assist") or [])]
    if len(set(assist_codes)) != len(assist_codes) or lead.code in assist_codes:
        raise _bad(_("协办部门不能重复，也不能与责任部门相同。"), "invalid_assist", "assist")
    if len(assist_codes) > MAX_ASSIST:
        raise _bad(_("协办部门最多%(n)s个。") % {"n": MAX_ASSIST}, "invalid_assist", "assist")
    assists = [_department(code, field="assist") for code in assist_codes]
    case.lead_department = lead
    case.handler = route_handler(lead)
    case.state = S.DISPATCHED
    case.dispatched_at = c.now
    case.signed_at = None
    case.sign_by = deadlines.sign_by(c.cal, c.today, urgency=case.urgency, green_channel=case.green_channel)
    agreed = c.payload.get("resolve_days")
    if agreed is not None:
        # a time limit agreed with the department (a coordination meeting's 限时办结): taken as it is
        days = _int(agreed, field="resolve_days", low=1, high=MAX_EXTENSION_DAYS)
        clock = deadlines.resolve_clock(c.cal, c.today, days, urgency=Urgency.NORMAL, green_channel=False)
    else:
        days = category.days if category else deadlines.DEFAULT_RESOLVE_DAYS
        clock = deadlines.resolve_clock(c.cal, c.today, days, urgency=case.urgency, green_channel=case.green_channel)
    case.resolve_by, case.resolve_days, case.remind_on = clock.due, clock.days, clock.remind_on
    case.extension_days = 0
    case.paused_days = 0
    CasePart.objects.filter(case=case, active=True).update(active=False)
    due = deadlines.extended(c.cal, c.today, deadlines.ASSIST_DAYS)
    CasePart.objects.bulk_create(
        [CasePart(case=case, enterprise_id=case.enterprise_id, department=d, due_on=due) for d in assists]
    )
    names = "、".join([lead.name] + [d.name for d in assists])
    public = _("已转交%(dept)s办理。") % {"dept": lead.name}
    return names, public, {"lead": lead.code, "assist": [d.code for d in assists], "resolve_by": clock.due.isoformat()}


def route_handler(department: Department) -> User | None:
    """One handler of the department by its rule (round robin, least loaded, or None: the head assigns)."""
    routing, _created = DepartmentRouting.objects.select_for_update().get_or_create(department=department)
    if routing.mode == RoutingMode.HEAD_ASSIGNS:
        return None
    handlers = list(
        User.objects.filter(role=Role.HANDLER, department=department, is_active=True).order_by("id").only("id")
    )
    if not handlers:
        return None
    if routing.mode == RoutingMode.LEAST_LOADED:
        load = dict(
            Case.objects.filter(handler__in=handlers, state__in=(S.DISPATCHED, S.IN_PROGRESS))
            .values_list("handler")
            .annotate(n=Count("id"))
            .values_list("handler", "n")
        )
        chosen = min(handlers, key=lambda h: (load.get(h.pk, 0), h.pk))
    else:
        after = [h for h in handlers if routing.last_handler_id is None or h.pk > routing.last_handler_id]
        chosen = (after or handlers)[0]
    routing.last_handler = chosen
    routing.save(update_fields=["last_handler"])
    return chosen


def _handler_of(c: Ctx, key: str = "handler") -> User:
    ref = c.payload.get(key)
    handlers = User.objects.filter(role=Role.HANDLER, department_id=c.case.lead_department_id or 0, is_active=True)
    user = handlers.filter(username=str(ref)).first() if ref else None
    if user is None:
        raise _bad(_("请选择本部门的承办人。"), "unknown_handler", key)
    return user


@handles("assign")
def _assign(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    user = _handler_of(c)
    c.case.handler = user
    return user.display_name or user.username, "", {"handler": user.username}


@handles("sign")
def _sign(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    case = c.case
    case.state = S.IN_PROGRESS
    case.signed_at = c.now
    case.signed_on_time = case.sign_by is None or c.today <= case.sign_by
    if c.actor.role == Role.HANDLER:
        case.handler = c.actor.user
    return "", _("%(dept)s已签收，正在办理。") % {"dept": case.lead_department}, {}


def _back_to_desk(c: Ctx) -> None:
    case = c.case
    case.state = S.ACCEPTED
    case.return_count += 1
    case.handler = None
    case.sign_by = None
    case.resolve_by = None
    case.remind_on = None
    case.paused = False
    CasePart.objects.filter(case=case, active=True).update(active=False)
    Extension.objects.filter(case=case, state=RequestState.PENDING).update(state=RequestState.DENIED, decided_at=c.now)


@handles("return")
def _return(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    reason = c.text("reason", field=_("退单理由"), limit=500)
    if Party.LEAD_HEAD in c.who:
        ReturnRequest.objects.filter(case=c.case, state=RequestState.PENDING).update(
            state=RequestState.APPROVED, decided_by=c.actor.user, decided_at=c.now
        )
        _back_to_desk(c)
        return reason, "", {"approved": True}
    if ReturnRequest.objects.filter(case=c.case, state=RequestState.PENDING).exists():
        raise Conflict(_("已有待审批的退单申请。"), code="return_pending")
    ReturnRequest.objects.create(
        case=c.case,
        enterprise_id=c.case.enterprise_id,
        department_id=c.case.lead_department_id or 0,
        reason=reason,
        requested_by=c.actor.user,
    )
    return reason, "", {"approved": False}


def _pending(model: type[ReturnRequest] | type[Extension], c: Ctx, code: str) -> Any:
    pending = model.objects.select_for_update().filter(case=c.case, state=RequestState.PENDING).first()
    if pending is None:
        raise Conflict(_("没有待审批的申请。"), code=code)
    pending.decided_by = c.actor.user
    pending.decided_at = c.now
    return pending


@handles("approve_return")
def _approve_return(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    req = _pending(ReturnRequest, c, "no_pending_return")
    req.state = RequestState.APPROVED
    req.save()
    _back_to_desk(c)
    return req.reason, "", {}


@handles("deny_return")
def _deny_return(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    req = _pending(ReturnRequest, c, "no_pending_return")
    req.state = RequestState.DENIED
    req.save()
    return c.text("reason", field=_("理由"), required=False), "", {}


@handles("progress")
def _progress(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    note = c.text("note", field=_("办理进展"))
    return note, note, {}


@handles("request_info")
def _request_info(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    question = c.text("question", field=_("需企业补充的内容"), limit=2000)
    if c.case.paused:
        raise Conflict(_("已在等待企业补充材料。"), code="info_pending")
    InfoRequest.objects.create(
        case=c.case, enterprise_id=c.case.enterprise_id, question=question, asked_by=c.actor.user, asked_at=c.now
    )
    c.case.paused = True
    return question, question, {}


@handles("provide_info")
def _provide_info(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    answer = c.text("answer", field=_("补充内容"), limit=TEXT_MAX)
    req = InfoRequest.objects.select_for_update().filter(case=c.case, answered_at__isnull=True).first()
    if req is None or not c.case.paused:
        raise Conflict(_("目前没有需要您补充的内容。"), code="no_info_request")
    paused = deadlines.paused_workdays(c.cal, local_today(req.asked_at), c.today)
    req.answer, req.answered_by, req.answered_at, req.paused_workdays = answer, c.actor.user, c.now, paused
    req.save()
    case = c.case
    case.paused = False
    case.paused_days += paused
    if paused and case.resolve_by is not None:
        case.resolve_by = deadlines.extended(c.cal, case.resolve_by, paused)
        if case.remind_on is not None:
            case.remind_on = deadlines.extended(c.cal, case.remind_on, paused)
    return answer, answer, {"paused_workdays": paused}


@handles("request_extension")
def _request_extension(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    reason = c.text("reason", field=_("延期理由"), limit=500)
    days = _int(c.payload.get("days"), field="days", low=1, high=MAX_EXTENSION_DAYS)
    if Extension.objects.filter(case=c.case, state=RequestState.PENDING).exists():
        raise Conflict(_("已有待审批的延期申请。"), code="extension_pending")
    Extension.objects.create(
        case=c.case,
        enterprise_id=c.case.enterprise_id,
        department_id=c.case.lead_department_id or 0,
        days=days,
        reason=reason,
        requested_by=c.actor.user,
    )
    return reason, "", {"days": days}


def _int(value: Any, *, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise _bad(_("请填写%(low)s到%(high)s之间的整数。") % {"low": low, "high": high}, "out_of_range", field)
    return number


@handles("approve_extension")
def _approve_extension(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    ext = _pending(Extension, c, "no_pending_extension")
    ext.state = RequestState.APPROVED
    ext.save()
    case = c.case
    case.extension_days += ext.days
    if case.resolve_by is not None:
        case.resolve_by = deadlines.extended(c.cal, case.resolve_by, ext.days)
        case.remind_on = deadlines.extended(c.cal, case.remind_on or case.resolve_by, ext.days)
    if case.resolve_by and c.today <= case.resolve_by:
        case.overdue = False
    public = _("办理时限延长至%(day)s。") % {"day": deadlines.cn_date(case.resolve_by)}
    return (
        ext.reason,
        public,
        {"days": ext.days, "resolve_by": case.resolve_by.isoformat() if case.resolve_by else None},
    )


@handles("deny_extension")
def _deny_extension(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    ext = _pending(Extension, c, "no_pending_extension")
    ext.state = RequestState.DENIED
    ext.save()
    return c.text("reason", field=_("理由"), required=False), "", {"days": ext.days}


@handles("resolve")
def _resolve(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    answer = c.text("answer", field=_("答复内容"), limit=TEXT_MAX)
    if c.case.paused:
        raise Conflict(_("企业尚未补充材料，不能办结。"), code="info_pending")
    if CasePart.objects.filter(case=c.case, active=True).exclude(state=PartState.DONE).exists():
        raise Conflict(_("协办部门尚未全部答复，不能办结。"), code="parts_open")
    _settle_resolve(c, answer)
    return answer, answer, {}


@handles("rate")
def _rate(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    case = c.case
    solved = _choice(str(c.payload.get("solved") or ""), Solved, field=_("解决情况"), key="solved")
    satisfaction = _choice(
        str(c.payload.get("satisfaction") or ""), Satisfaction, field=_("满意度"), key="satisfaction"
    )
    comment = c.text("comment", field=_("评价意见"), limit=500, required=False)
    case.solved, case.satisfaction, case.rating_comment, case.rated_at = solved, satisfaction, comment, c.now
    data: dict[str, Any] = {"solved": solved, "satisfaction": satisfaction, "callback": Party.DESK in c.who}
    if satisfaction == Satisfaction.DISSATISFIED:
        case.state = S.IN_PROGRESS
        case.reopen_count += 1
        case.resolved_at = None
        case.resolved_on_time = None
        case.overdue = False
        clock = deadlines.resolve_clock(
            c.cal, c.today, case.resolve_days or deadlines.DEFAULT_RESOLVE_DAYS, urgency="normal", green_channel=False
        )
        case.resolve_by, case.remind_on = clock.due, clock.remind_on
        data["reopened"] = True
    else:
        case.state = S.CLOSED
        case.closed_at = c.now
    return comment, comment, data


@handles("close")
def _close(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    c.case.state = S.CLOSED
    c.case.closed_at = c.now
    return c.text("note", field=_("说明"), required=False), "", {}


@handles("supervise")
def _supervise(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    note = c.text("note", field=_("督办意见"))
    c.case.supervised = True
    return note, "", {}


@handles("withdraw")
def _withdraw(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    reason = c.text("reason", field=_("撤回原因"), limit=500, required=False)
    c.case.state = S.WITHDRAWN
    c.case.closed_at = c.now
    c.case.paused = False
    return reason, reason, {}


@handles("message")
def _message(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    text = c.text("text", field=_("留言内容"))
    if not c.actor.is_enterprise and bool(c.payload.get("public", True)):
        _first_response(c)
    return text, text, {}


@handles("follow")
def _follow(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    Follower.objects.get_or_create(case=c.case, user=c.actor.user)
    return "", "", {}


def _my_part(c: Ctx) -> CasePart:
    part = CasePart.objects.select_for_update().filter(case=c.case, department_id=c.actor.dept, active=True).first()
    if part is None:  # the lifecycle table already checked ASSIST; keep the type checker honest
        raise Conflict(_("您的部门不是本诉求的协办部门。"), code="action_not_allowed")
    return part


@handles("assist_sign")
def _assist_sign(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    part = _my_part(c)
    if part.state != PartState.DISPATCHED:
        raise Conflict(_("协办任务已签收。"), code="invalid_state")
    part.state, part.signed_at, part.handler = PartState.IN_PROGRESS, c.now, c.actor.user
    part.save()
    return "", "", {"department": part.department.code}


@handles("assist_reply")
def _assist_reply(c: Ctx) -> tuple[str, str, dict[str, Any]]:
    answer = c.text("answer", field=_("协办意见"), limit=TEXT_MAX)
    part = _my_part(c)
    if part.state == PartState.DONE:
        raise Conflict(_("协办意见已提交。"), code="invalid_state")
    part.state, part.answer, part.done_at, part.handler = PartState.DONE, answer, c.now, c.actor.user
    part.signed_at = part.signed_at or c.now
    part.save()
    return answer, "", {"department": part.department.code, "on_time": c.today <= part.due_on}


# ---------------------------------------------------------------------------------------------
# Routing rules


@transaction.atomic
def routing_set(*, actor: Actor, department: Department, mode: str) -> DepartmentRouting:
    """The desk or the department's own head sets how cases reach one handler."""
    if not (actor.role == Role.DESK or (actor.role == Role.DEPT_HEAD and actor.department_id == department.pk)):
        raise PermissionDenied(_("只有服务专班或本部门负责人可以设置分办规则。"), code="routing_forbidden")
    mode = _choice(mode, RoutingMode, field=_("分配规则"), key="mode")
    routing, _created = DepartmentRouting.objects.get_or_create(department=department)
    before = routing.mode
    routing.mode = mode
    routing.save()
    audit_record(
        actor=actor,
        action="routing_set",
        object_type="department",
        object_id=department.code,
        changes={"mode": [before, mode]},
    )
    return routing


__all__ = ["OPEN_STATES", "CaseData", "case_act", "case_file", "case_parties", "route_handler", "routing_set"]
