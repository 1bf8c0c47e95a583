"""Meeting writes (PRODUCT.md §2.7): plan, invite, agenda, outcomes, decisions, minutes.

Each service checks who acts and every rule before writing anything, runs in one transaction and
writes its audit record there. Cases change only through `qifu.cases.services` (`case_file`,
`case_act`): an outcome or a decision never edits a case row directly, so the case lifecycle and
its timeline stay the single story of a case.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases
from qifu.accounts.roles import Role
from qifu.audit.services import audit_record
from qifu.cases.lifecycle import allowed
from qifu.cases.models import FINAL_STATES, Case, CaseKind, CaseState, Channel
from qifu.cases.services import CaseData, case_act, case_file, case_parties
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.meetings.disturbance import record_contact, withdraw_contact
from qifu.meetings.errors import MeetingErrorCode as E
from qifu.meetings.models import (
    InviteState,
    Meeting,
    MeetingDecision,
    MeetingDepartment,
    MeetingInvite,
    MeetingItem,
    MeetingKind,
    MeetingState,
    Outcome,
)
from qifu.meetings.selectors import may_manage_meeting, may_plan, part_filter, scope_meetings
from qifu.reference.models import Department
from qifu.workcal.calendar import zone_calendar

TITLE_MAX = 120
PLACE_MAX = 200
NOTE_MAX = 5000
MINUTES_MAX = 20000
MAX_DEADLINE_DAYS = 60
MAX_DEPARTMENTS = 20


def bad(message: str, code: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(message, code=code, data={"field": field} if field else None)


def clean_text(value: str, *, label: str, key: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise bad(_("请填写%(field)s。") % {"field": label}, E.REQUIRED, key)
    if len(text) > limit:
        raise bad(
            _("%(field)s不能超过%(limit)s个字（现有%(n)s个字）。") % {"field": label, "limit": limit, "n": len(text)},
            E.TOO_LONG,
            key,
        )
    return text


def deadline_days(value: Any, *, key: str = "deadline_days") -> int:
    if value in (None, ""):
        raise bad(_("请填写办结时限（工作日）。"), E.REQUIRED, key)
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise bad(_("办结时限请填写1到%(n)s之间的工作日数。") % {"n": MAX_DEADLINE_DAYS}, E.OUT_OF_RANGE, key)
    return days


def department_of(code: str, *, key: str = "department") -> Department:
    if not (code or "").strip():
        raise bad(_("请选择责任部门。"), E.REQUIRED, key)
    dept = Department.objects.filter(code=code.strip().upper(), active=True).first()
    if dept is None:
        raise bad(_("部门“%(code)s”不存在。") % {"code": code}, E.UNKNOWN_DEPARTMENT, key)
    return dept


def _local_today(now: datetime) -> date:
    return timezone.localdate(now)


def _forbidden() -> PermissionDenied:
    return PermissionDenied(_("只有服务专班或牵头部门负责人可以安排和管理会议。"), code=E.FORBIDDEN)


# ---------------------------------------------------------------------------------------------
# Planning


@dataclass(frozen=True)
class MeetingData:
    title: str
    starts_at: datetime | None
    place: str
    kind: str = MeetingKind.ONSITE_OFFICE
    host_department: str = ""  # a department code; a department head always hosts with their own
    departments: Sequence[str] = ()  # the other departments taking part


@dataclass(frozen=True)
class _Plan:
    title: str
    starts_at: datetime
    place: str
    kind: str
    host: Department
    departments: list[Department]


def _check_plan(actor: Actor, data: MeetingData, now: datetime) -> _Plan:
    title = clean_text(data.title, label=_("会议名称"), key="title", limit=TITLE_MAX)
    place = clean_text(data.place, label=_("地点"), key="place", limit=PLACE_MAX)
    if data.kind not in MeetingKind.values:
        raise bad(_("会议类型“%(v)s”无效。") % {"v": data.kind}, E.INVALID_CHOICE, "kind")
    if data.starts_at is None:
        raise bad(_("请填写开始时间。"), E.REQUIRED, "starts_at")
    if timezone.is_naive(data.starts_at):
        raise bad(_("开始时间须带时区。"), E.INVALID_CHOICE, "starts_at")
    if data.starts_at <= now:
        raise bad(_("开始时间已过，请安排在将来的时间。"), E.IN_PAST, "starts_at")
    if actor.role == Role.DEPT_HEAD:
        own = Department.objects.filter(pk=actor.dept, active=True).first()
        if own is None:
            raise _forbidden()
        host = own
    elif data.host_department:
        host = department_of(data.host_department, key="host_department")
    else:
        found = Department.objects.filter(is_service_desk=True, active=True).first()
        if found is None:
            raise bad(_("请选择牵头部门。"), E.REQUIRED, "host_department")
        host = found
    codes = list(dict.fromkeys(c.strip().upper() for c in data.departments if c and c.strip()))
    if len(codes) > MAX_DEPARTMENTS:
        raise bad(_("参会部门最多%(n)s个。") % {"n": MAX_DEPARTMENTS}, E.OUT_OF_RANGE, "departments")
    departments = [department_of(c, key="departments") for c in codes if c != host.code]
    return _Plan(title, data.starts_at, place, data.kind, host, departments)


@transaction.atomic
def meeting_create(*, actor: Actor, data: MeetingData, now: datetime | None = None) -> Meeting:
    """§2.7 plan a meeting: the desk (any host department) or a department head (their own), in the future."""
    if not may_plan(actor):
        raise _forbidden()
    plan = _check_plan(actor, data, now or timezone.now())
    meeting = Meeting(
        kind=plan.kind,
        title=plan.title,
        starts_at=plan.starts_at,
        place=plan.place,
        organiser=actor.user,
        host_department=plan.host,
    )
    meeting.full_clean()
    meeting.save()
    MeetingDepartment.objects.bulk_create(
        [MeetingDepartment(meeting=meeting, department=d) for d in [plan.host, *plan.departments]]
    )
    audit_record(
        actor=actor,
        action="meeting_create",
        object_type="meeting",
        object_id=meeting.pk,
        changes={"title": meeting.title, "starts_at": meeting.starts_at, "host": plan.host.code},
    )
    return meeting


def _managed(actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, locked, for someone who may manage it (NotFound outside the scope)."""
    meeting = scope_meetings(actor).select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting not found")
    if not may_manage_meeting(actor, meeting):
        raise _forbidden()
    return meeting


def _planned(meeting: Meeting) -> None:
    if meeting.state != MeetingState.PLANNED:
        raise Conflict(
            _("会议%(state)s，不能再修改安排。") % {"state": meeting.get_state_display()},
            code=E.NOT_PLANNED,
            data={"state": meeting.state},
        )


@transaction.atomic
def meeting_update(*, actor: Actor, meeting_id: int, data: MeetingData, now: datetime | None = None) -> Meeting:
    """Change a planned meeting (still in the future); the host stays with a department head's own department."""
    meeting = _managed(actor, meeting_id)
    _planned(meeting)
    if actor.role == Role.DESK and not data.host_department:
        data = MeetingData(**{**data.__dict__, "host_department": meeting.host_department.code})
    plan = _check_plan(actor, data, now or timezone.now())
    before = {"title": meeting.title, "starts_at": meeting.starts_at, "place": meeting.place}
    meeting.kind, meeting.title, meeting.starts_at, meeting.place = plan.kind, plan.title, plan.starts_at, plan.place
    meeting.host_department = plan.host
    meeting.full_clean()
    meeting.save()
    MeetingDepartment.objects.filter(meeting=meeting).delete()
    MeetingDepartment.objects.bulk_create(
        [MeetingDepartment(meeting=meeting, department=d) for d in [plan.host, *plan.departments]]
    )
    audit_record(
        actor=actor,
        action="meeting_update",
        object_type="meeting",
        object_id=meeting.pk,
        changes={"before": before, "title": meeting.title, "starts_at": meeting.starts_at, "place": meeting.place},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting_id: int, reason: str = "") -> Meeting:
    """Cancel a planned meeting: its invitations stay on record, their contacts leave the ledger."""
    meeting = _managed(actor, meeting_id)
    _planned(meeting)
    reason = clean_text(reason, label=_("取消原因"), key="reason", limit=500, required=False)
    meeting.state = MeetingState.CANCELLED
    meeting.save(update_fields=["state", "updated_at"])
    for enterprise_id in MeetingInvite.objects.filter(meeting=meeting).values_list("enterprise_id", flat=True):
        withdraw_contact(enterprise_id=enterprise_id, source="meeting", source_id=meeting.pk)
    audit_record(
        actor=actor, action="meeting_cancel", object_type="meeting", object_id=meeting.pk, changes={"reason": reason}
    )
    return meeting


@transaction.atomic
def meeting_invite(
    *, actor: Actor, meeting_id: int, enterprises: Sequence[Enterprise], requested: bool = False
) -> list[MeetingInvite]:
    """Invite enterprises (from a scoped selector) to a planned meeting; each one invited is a contact
    in its disturbance budget (not counted when the enterprise asked to come). Already invited: kept."""
    meeting = _managed(actor, meeting_id)
    _planned(meeting)
    if not enterprises:
        raise bad(_("请选择要邀请的企业。"), E.REQUIRED, "enterprises")
    known = set(MeetingInvite.objects.filter(meeting=meeting).values_list("enterprise_id", flat=True))
    fresh = [e for e in dict.fromkeys(enterprises) if e.pk not in known]
    created = [MeetingInvite.objects.create(meeting=meeting, enterprise=e, requested=requested) for e in fresh]
    on = _local_today(meeting.starts_at)
    for invite in created:
        record_contact(
            enterprise=invite.enterprise,
            on=on,
            kind="meeting",
            source="meeting",
            source_id=meeting.pk,
            requested=requested,
        )
    if created:
        audit_record(
            actor=actor,
            action="meeting_invite",
            object_type="meeting",
            object_id=meeting.pk,
            changes={"enterprises": [i.enterprise.uscc for i in created], "requested": requested},
        )
    return created


@transaction.atomic
def meeting_respond(*, actor: Actor, meeting_id: int, state: str, enterprise_id: int | None = None) -> MeetingInvite:
    """确认参加 / 不参加: an enterprise for itself, or a manager of the meeting for any invited enterprise."""
    meeting = scope_meetings(actor).select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting not found")
    if state not in (InviteState.ATTENDING, InviteState.DECLINED, InviteState.INVITED):
        raise bad(_("回复“%(v)s”无效。") % {"v": state}, E.INVALID_CHOICE, "state")
    _planned(meeting)
    if actor.is_enterprise:
        target = actor.enterprise_id
    elif may_manage_meeting(actor, meeting):
        target = enterprise_id
    else:
        raise _forbidden()
    invite = MeetingInvite.objects.filter(meeting=meeting, enterprise_id=target or 0).first()
    if invite is None:
        raise NotFound("invitation not found")
    before = invite.state
    invite.state = state
    invite.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting_respond",
        object_type="meeting",
        object_id=meeting.pk,
        changes={"enterprise": invite.enterprise_id, "state": [before, state]},
    )
    return invite


# ---------------------------------------------------------------------------------------------
# Agenda and outcomes


def _invited(meeting: Meeting, enterprise_id: int) -> bool:
    return MeetingInvite.objects.filter(meeting=meeting, enterprise_id=enterprise_id).exists()


def _not_invited(name: str, key: str) -> RuleViolation:
    return bad(_("%(name)s未被邀请参加本次会议，请先邀请该企业。") % {"name": name}, E.NOT_INVITED, key)


@transaction.atomic
def meeting_item_add(*, actor: Actor, meeting_id: int, case_id: int) -> MeetingItem:
    """Put an existing case (in the actor's case scope) on a planned meeting's agenda; its enterprise
    must be invited and the case still open or awaiting its rating."""
    meeting = _managed(actor, meeting_id)
    _planned(meeting)
    case = scope_cases(actor).select_related("enterprise").filter(pk=case_id).first()
    if case is None:
        raise NotFound("case not found")
    if case.state in FINAL_STATES:
        raise bad(
            _("诉求%(n)s已%(s)s，不能列入议程。") % {"n": case.number, "s": case.get_state_display()},
            E.CASE_FINAL,
            "case",
        )
    if not _invited(meeting, case.enterprise_id):
        raise _not_invited(case.enterprise.name, "case")
    if MeetingItem.objects.filter(meeting=meeting, case=case).exists():
        raise Conflict(_("诉求%(n)s已在议程中。") % {"n": case.number}, code=E.ITEM_DUPLICATE)
    sort = MeetingItem.objects.filter(meeting=meeting).count() + 1
    item = MeetingItem(meeting=meeting, case=case, enterprise_id=case.enterprise_id, sort=sort)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="meeting_item_add",
        object_type="meeting",
        object_id=meeting.pk,
        changes={"case": case.number},
    )
    return item


def _in_session(meeting: Meeting, now: datetime) -> None:
    """Outcomes and decisions are recorded once the meeting has begun, never for a cancelled one."""
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("会议已取消。"), code=E.CANCELLED)
    if meeting.starts_at > now:
        raise Conflict(_("会议尚未开始，议定结果须在会上或会后登记。"), code=E.NOT_STARTED)


@dataclass(frozen=True)
class OutcomeData:
    outcome: str
    note: str = ""
    department: str = ""  # assigned: the responsible department's code
    deadline_days: int | None = None  # assigned: working days


@transaction.atomic
def meeting_item_outcome(
    *, actor: Actor, meeting_id: int, item_id: int, data: OutcomeData, now: datetime | None = None
) -> MeetingItem:
    """§2.7 the outcome for one case: 现场解决 (the answer, applied to the case through the lifecycle
    when the actor may answer or resolve it), 明确责任限时办结 (department + working days; dispatched
    when the desk may still dispatch it), 需政策研究. Recorded once."""
    now = now or timezone.now()
    meeting = _managed(actor, meeting_id)
    _in_session(meeting, now)
    item = MeetingItem.objects.select_for_update().filter(part_filter(actor), meeting=meeting, pk=item_id).first()
    if item is None:
        raise NotFound("agenda item not found")
    if item.outcome != Outcome.PENDING:
        raise Conflict(_("该议题已有结果（%(o)s）。") % {"o": item.get_outcome_display()}, code=E.ITEM_DECIDED)
    if data.outcome not in (Outcome.RESOLVED_ON_SPOT, Outcome.ASSIGNED, Outcome.NEEDS_POLICY):
        raise bad(_("议定结果“%(v)s”无效。") % {"v": data.outcome}, E.INVALID_CHOICE, "outcome")
    required = data.outcome == Outcome.RESOLVED_ON_SPOT
    note = clean_text(
        data.note, label=_("现场答复") if required else _("说明"), key="note", limit=NOTE_MAX, required=required
    )
    department, days, due = None, None, None
    if data.outcome == Outcome.ASSIGNED:
        department = department_of(data.department)
        days = deadline_days(data.deadline_days)
        due = zone_calendar().add_workdays(_local_today(now), days)
    item.outcome, item.note, item.department, item.deadline_days, item.due_on = (
        data.outcome,
        note,
        department,
        days,
        due,
    )
    item.decided_by, item.decided_at = actor.user, now
    item.case_changed = _apply_to_case(actor, item, now)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="meeting_item_outcome",
        object_type="meeting",
        object_id=meeting.pk,
        changes={
            "case": item.case.number,
            "outcome": item.outcome,
            "department": department.code if department else None,
            "deadline_days": days,
            "case_action": item.case_changed,
        },
    )
    return item


def _may(actor: Actor, case: Case, action: str) -> bool:
    return allowed(action, case.state, case_parties(actor, case))


def _apply_to_case(actor: Actor, item: MeetingItem, now: datetime) -> str:
    """Carry the outcome to the case through `case_act` where the lifecycle lets this actor; else
    the case is left as it is (the outcome is on record, its handlers act on it)."""
    case = Case.objects.select_for_update().get(pk=item.case_id)
    if item.outcome == Outcome.RESOLVED_ON_SPOT:
        for action in ("answer", "resolve"):
            if _may(actor, case, action):
                case_act(actor=actor, case_id=case.pk, action=action, payload={"answer": item.note}, now=now)
                return action
        return ""
    if item.outcome == Outcome.ASSIGNED and item.department is not None:
        if case.state == CaseState.SUBMITTED and _may(actor, case, "accept"):
            case = case_act(actor=actor, case_id=case.pk, action="accept", now=now)
        if _may(actor, case, "dispatch"):
            payload = {"lead": item.department.code, "resolve_days": item.deadline_days}
            case_act(actor=actor, case_id=case.pk, action="dispatch", payload=payload, now=now)
            return "dispatch"
    return ""


# ---------------------------------------------------------------------------------------------
# Decisions and minutes


@dataclass(frozen=True)
class DecisionData:
    enterprise: Enterprise | None
    text: str
    department: str
    deadline_days: int | None


@transaction.atomic
def meeting_decide(
    *, actor: Actor, meeting_id: int, data: DecisionData, now: datetime | None = None
) -> MeetingDecision:
    """§2.7 a decision becomes a case (channel onsite_office) filed, accepted and dispatched to the
    lead department by the service desk, with the agreed time limit; the case is linked."""
    now = now or timezone.now()
    meeting = _managed(actor, meeting_id)
    if actor.role != Role.DESK:
        raise PermissionDenied(_("会议决定由服务专班登记，并转为诉求派单办理。"), code=E.DECISION_DESK_ONLY)
    _in_session(meeting, now)
    text = clean_text(data.text, label=_("决定事项"), key="text", limit=NOTE_MAX)
    department = department_of(data.department)
    days = deadline_days(data.deadline_days)
    enterprise = data.enterprise
    if enterprise is None:
        raise bad(_("请选择决定事项涉及的企业。"), E.REQUIRED, "enterprise")
    if not _invited(meeting, enterprise.pk):
        raise _not_invited(enterprise.name, "enterprise")
    title = _("%(kind)s决定：%(text)s") % {"kind": meeting.get_kind_display(), "text": text.splitlines()[0][:20]}
    case = case_file(
        actor=actor,
        enterprise=enterprise,
        data=CaseData(text=text, title=title[:120], kind=CaseKind.HELP, channel=Channel.ONSITE_OFFICE),
        now=now,
    )
    case_act(actor=actor, case_id=case.pk, action="accept", now=now)
    case_act(
        actor=actor,
        case_id=case.pk,
        action="dispatch",
        payload={"lead": department.code, "resolve_days": days},
        now=now,
    )
    decision = MeetingDecision(
        meeting=meeting,
        enterprise=enterprise,
        text=text,
        department=department,
        deadline_days=days,
        due_on=zone_calendar().add_workdays(_local_today(now), days),
        case=case,
        created_by=actor.user,
    )
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="meeting_decide",
        object_type="meeting",
        object_id=meeting.pk,
        changes={"case": case.number, "department": department.code, "deadline_days": days},
    )
    return decision


@transaction.atomic
def meeting_minutes(*, actor: Actor, meeting_id: int, minutes: str, now: datetime | None = None) -> Meeting:
    """Record (or correct) the minutes; the meeting is then held."""
    now = now or timezone.now()
    meeting = _managed(actor, meeting_id)
    _in_session(meeting, now)
    text = clean_text(minutes, label=_("会议纪要"), key="minutes", limit=MINUTES_MAX)
    before = meeting.state
    meeting.minutes = text
    if meeting.state == MeetingState.PLANNED:
        meeting.state, meeting.held_at = MeetingState.HELD, now
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action="meeting_minutes",
        object_type="meeting",
        object_id=meeting.pk,
        changes={"state": [before, meeting.state], "length": len(text)},
    )
    return meeting
