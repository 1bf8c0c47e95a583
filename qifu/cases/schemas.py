"""API shapes for cases (PRODUCT.md §3: a case carries at least id, number, state, category,
lead_department, overdue, supervised, deadlines and timeline)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.cases.models import Case, CaseAttachment, CaseEvent, CasePart
from qifu.cases.selectors import CaseFilters, CaseView, overdue_now
from qifu.cases.services import TEXT_MAX, CaseData

Kind = Literal["consultation", "help", "complaint", "report", "suggestion"]
UrgencyCode = Literal["normal", "urgent", "critical"]
ChannelCode = Literal["portal", "visit", "onsite_office", "phone", "api"]
StateCode = Literal["submitted", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected", "withdrawn"]


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field("", max_length=32, description="USCC (staff only; an enterprise user files for itself)")
    project: str = Field("", max_length=32, description="project code of the same enterprise, optional")
    category: str = Field("", max_length=32, description="category code; empty: the service desk decides")
    kind: Kind = "help"
    urgency: UrgencyCode = "normal"
    channel: ChannelCode = "api"
    title: str = Field("", max_length=200)
    text: str = Field(description=f"1–{TEXT_MAX} characters")

    def to_data(self) -> CaseData:
        return CaseData(
            text=self.text,
            title=self.title,
            category=self.category,
            kind=self.kind,
            urgency=self.urgency,
            channel=self.channel,
            project=self.project,
        )


class ActionIn(Schema):
    """`{"action": name, …}`; which other keys an action reads is listed in PRODUCT.md §3."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(max_length=32)
    reason: str | None = Field(None, description="reject, return, withdraw, deny_*")
    answer: str | None = Field(None, description="answer, resolve, provide_info, assist_reply")
    lead: str | None = Field(None, max_length=16, description="dispatch: lead department code")
    assist: list[str] | None = Field(None, max_length=6, description="dispatch: assisting department codes")
    category: str | None = Field(None, max_length=32, description="accept/dispatch: set the category")
    green_channel: bool | None = Field(None, description="accept/dispatch: 绿色通道")
    is_common: bool | None = Field(None, description="accept/dispatch: a common problem")
    handler: str | None = Field(None, max_length=150, description="assign: username of a handler")
    note: str | None = Field(None, description="progress, supervise, close")
    public: bool | None = Field(None, description="progress/message: false = internal note")
    question: str | None = Field(None, description="request_info")
    days: int | None = Field(None, description="request_extension: working days")
    resolve_days: int | None = Field(None, description="dispatch: an agreed time limit in working days (1-60)")
    solved: str | None = Field(None, description="rate: solved, partly_solved, not_solved")
    satisfaction: str | None = Field(None, description="rate: satisfied, basically_satisfied, dissatisfied")
    comment: str | None = Field(None, description="rate")
    text: str | None = Field(None, description="message")

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"action"})


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str
    public: bool = Field(True, description="false: an internal note the enterprise does not see (staff only)")


class CaseFilter(Schema):
    state: list[StateCode] = Field(default_factory=list)
    category: str = Field("", max_length=32)
    department: str = Field("", max_length=16, description="lead department code")
    assist_department: str = Field("", max_length=16)
    enterprise: str = Field("", max_length=32, description="USCC")
    liaison: str = Field("", max_length=150, description="username")
    handler: str = Field("", max_length=150, description="username")
    since: date | None = Field(None, description="filed on or after (Beijing date)")
    until: date | None = Field(None, description="filed on or before")
    overdue: bool | None = None
    supervised: bool | None = None
    green_channel: bool | None = None
    is_common: bool | None = None
    open: bool = False
    pending: Literal["", "to_sign", "in_progress", "due_soon", "overdue"] = ""

    def to_filters(self) -> CaseFilters:
        return CaseFilters(
            state=tuple(self.state),
            category=self.category,
            department=self.department,
            assist_department=self.assist_department,
            enterprise=self.enterprise,
            liaison=self.liaison,
            handler=self.handler,
            since=self.since,
            until=self.until,
            overdue=self.overdue,
            supervised=self.supervised,
            green_channel=self.green_channel,
            is_common=self.is_common,
            open_only=self.open,
            pending=self.pending,
        )


class Deadlines(Schema):
    respond_by: date
    sign_by: date | None
    resolve_by: date | None
    resolve_days: int | None = Field(description="working days allowed to resolve")
    extension_days: int
    paused_days: int


class CaseListOut(Schema):
    id: int
    number: str
    state: str
    title: str
    enterprise: str = Field(description="USCC")
    enterprise_name: str
    category: str | None
    lead_department: str | None
    kind: str
    urgency: str
    green_channel: bool
    supervised: bool
    overdue: bool
    submitted_at: datetime
    deadlines: Deadlines

    @staticmethod
    def resolve_enterprise(obj: Case) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_enterprise_name(obj: Case) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_category(obj: Case) -> str | None:
        return obj.category.code if obj.category_id and obj.category else None

    @staticmethod
    def resolve_lead_department(obj: Case) -> str | None:
        return obj.lead_department.code if obj.lead_department_id and obj.lead_department else None

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return overdue_now(obj)

    @staticmethod
    def resolve_deadlines(obj: Case) -> dict[str, Any]:
        return deadlines_of(obj)


def deadlines_of(case: Case) -> dict[str, Any]:
    return {
        "respond_by": case.respond_by,
        "sign_by": case.sign_by,
        "resolve_by": case.resolve_by,
        "resolve_days": case.resolve_days,
        "extension_days": case.extension_days,
        "paused_days": case.paused_days,
    }


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


def attachment_out(att: CaseAttachment) -> dict[str, Any]:
    return {
        "id": att.pk,
        "name": att.file.name,
        "size": att.file.size,
        "content_type": att.file.content_type,
        "url": f"/api/v1/cases/{att.case_id}/attachments/{att.pk}",
    }


class EventOut(Schema):
    id: int
    at: datetime
    action: str
    actor: str | None = Field(description="display name (staff) or 企业")
    department: str | None
    from_state: str
    to_state: str
    public: bool
    text: str
    data: dict[str, Any]
    attachments: list[AttachmentOut]


def event_out(event: CaseEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "id": event.pk,
        "at": event.at,
        "action": event.action,
        "actor": (actor.display_name or actor.username) if actor else None,
        "department": event.department.code if event.department_id and event.department else None,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "public": event.public,
        "text": event.text,
        "data": event.data,
        "attachments": [attachment_out(a) for a in event.attachments.all()],
    }


class PartOut(Schema):
    department: str
    state: str
    due_on: date
    answer: str
    done_at: datetime | None


def part_out(part: CasePart) -> dict[str, Any]:
    return {
        "department": part.department.code,
        "state": part.state,
        "due_on": part.due_on,
        "answer": part.answer,
        "done_at": part.done_at,
    }


class RatingOut(Schema):
    solved: str
    satisfaction: str
    comment: str
    rated_at: datetime | None


class CaseOut(Schema):
    id: int
    number: str
    state: str
    status_text: str = Field(description="the enterprise's plain words for the state")
    enterprise: str
    enterprise_name: str
    project: str | None
    category: str | None
    kind: str
    urgency: str
    channel: str
    title: str
    text: str
    lead_department: str | None
    assist: list[PartOut]
    handler: str | None
    liaison: str | None
    is_common: bool
    green_channel: bool
    supervised: bool
    overdue: bool
    paused: bool
    submitted_at: datetime
    resolved_at: datetime | None
    answer: str
    deadlines: Deadlines
    remaining_workdays: int | None
    rating: RatingOut | None
    return_count: int
    reopen_count: int
    actions: list[str] = Field(description="actions the caller may take now")
    timeline: list[EventOut]


def case_out(view: CaseView) -> dict[str, Any]:
    case = view.case
    return {
        "id": case.pk,
        "number": case.number,
        "state": case.state,
        "status_text": view.plain,
        "enterprise": case.enterprise.uscc,
        "enterprise_name": case.enterprise.name,
        "project": case.project.code if case.project_id and case.project else None,
        "category": case.category.code if case.category_id and case.category else None,
        "kind": case.kind,
        "urgency": case.urgency,
        "channel": case.channel,
        "title": case.title,
        "text": case.text,
        "lead_department": case.lead_department.code if case.lead_department_id and case.lead_department else None,
        "assist": [part_out(p) for p in view.parts],
        "handler": case.handler.username if case.handler_id and case.handler and not view.enterprise_view else None,
        "liaison": case.liaison.username if case.liaison_id and case.liaison else None,
        "is_common": case.is_common,
        "green_channel": case.green_channel,
        "supervised": case.supervised,
        "overdue": overdue_now(case),
        "paused": case.paused,
        "submitted_at": case.submitted_at,
        "resolved_at": case.resolved_at,
        "answer": case.answer,
        "deadlines": deadlines_of(case),
        "remaining_workdays": view.clock.remaining,
        "rating": (
            {
                "solved": case.solved,
                "satisfaction": case.satisfaction,
                "comment": case.rating_comment,
                "rated_at": case.rated_at,
            }
            if case.rated_at
            else None
        ),
        "return_count": case.return_count,
        "reopen_count": case.reopen_count,
        "actions": view.actions,
        "timeline": [event_out(e) for e in view.events],
    }


class CasePageOut(Schema):
    items: list[CaseListOut]
    count: int
