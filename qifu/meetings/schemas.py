"""API shapes for meetings and events (PRODUCT.md §2.7, §3). Enterprises by USCC, departments by code."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.meetings.models import Event, EventRegistration, Meeting, MeetingDecision, MeetingItem
from qifu.meetings.selectors import EventPage, MeetingPage
from qifu.meetings.services import DecisionData, MeetingData, OutcomeData
from qifu.meetings.services_events import EventData

KindCode = Literal["onsite_office", "coordination"]
OutcomeCode = Literal["resolved_on_spot", "assigned", "needs_policy"]


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: KindCode = "onsite_office"
    title: str = Field(max_length=200)
    starts_at: datetime = Field(description="ISO 8601 with a time zone; must be in the future")
    place: str = Field(max_length=300)
    host_department: str = Field(
        "", max_length=16, description="department code (desk only; a head hosts with their own)"
    )
    departments: list[str] = Field(default_factory=list, max_length=20, description="other departments taking part")

    def to_data(self) -> MeetingData:
        return MeetingData(
            title=self.title,
            starts_at=self.starts_at,
            place=self.place,
            kind=self.kind,
            host_department=self.host_department,
            departments=tuple(self.departments),
        )


class InviteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enterprises: list[str] = Field(min_length=1, max_length=50, description="USCCs")
    requested: bool = Field(
        False, description="the enterprises asked to come (not counted in their disturbance budget)"
    )


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    case: int = Field(description="case id; its enterprise must be invited")


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: OutcomeCode
    note: str = Field("", max_length=6000, description="resolved_on_spot: the answer given (required)")
    department: str = Field("", max_length=16, description="assigned: responsible department code")
    deadline_days: int | None = Field(None, description="assigned: working days (1–60)")

    def to_data(self) -> OutcomeData:
        return OutcomeData(
            outcome=self.outcome, note=self.note, department=self.department, deadline_days=self.deadline_days
        )


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field(max_length=32, description="USCC of an invited enterprise")
    text: str = Field(max_length=6000)
    department: str = Field("", max_length=16, description="lead department code (required)")
    deadline_days: int | None = Field(None, description="working days (1–60, required)")

    def to_data(self, enterprise: Any) -> DecisionData:
        return DecisionData(
            enterprise=enterprise, text=self.text, department=self.department, deadline_days=self.deadline_days
        )


class MinutesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    minutes: str = Field(max_length=20000)


class RespondIn(Schema):
    model_config = ConfigDict(extra="forbid")

    state: Literal["attending", "declined", "invited"]
    enterprise: str = Field("", max_length=32, description="USCC (organisers only; an enterprise answers for itself)")


class MeetingListOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime
    place: str
    host_department: str
    state: str


class InviteOut(Schema):
    enterprise: str
    enterprise_name: str
    state: str
    requested: bool


class ItemOut(Schema):
    id: int
    case: int
    case_number: str
    case_title: str
    case_state: str
    enterprise: str
    outcome: str
    department: str | None
    deadline_days: int | None
    due_on: date | None
    note: str
    case_action: str = Field(description="the case action the outcome applied (answer, resolve, dispatch) or empty")


class DecisionOut(Schema):
    id: int
    enterprise: str
    text: str
    department: str
    deadline_days: int
    due_on: date
    case: int | None
    case_number: str | None


class MeetingOut(MeetingListOut):
    organiser: str
    minutes: str
    departments: list[str]
    invites: list[InviteOut]
    items: list[ItemOut]
    decisions: list[DecisionOut]


class MeetingPageOut(Schema):
    items: list[MeetingListOut]
    count: int


def meeting_row(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "title": m.title,
        "starts_at": m.starts_at,
        "place": m.place,
        "host_department": m.host_department.code,
        "state": m.state,
    }


def item_out(i: MeetingItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "case": i.case_id,
        "case_number": i.case.number,
        "case_title": i.case.title,
        "case_state": i.case.state,
        "enterprise": i.enterprise.uscc,
        "outcome": i.outcome,
        "department": i.department.code if i.department else None,
        "deadline_days": i.deadline_days,
        "due_on": i.due_on,
        "note": i.note,
        "case_action": i.case_changed,
    }


def decision_out(d: MeetingDecision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "enterprise": d.enterprise.uscc,
        "text": d.text,
        "department": d.department.code,
        "deadline_days": d.deadline_days,
        "due_on": d.due_on,
        "case": d.case_id,
        "case_number": d.case.number if d.case else None,
    }


def meeting_out(page: MeetingPage) -> dict[str, Any]:
    m = page.meeting
    return {
        **meeting_row(m),
        "organiser": m.organiser.username,
        "minutes": m.minutes,
        "departments": page.department_codes,
        "invites": [
            {
                "enterprise": i.enterprise.uscc,
                "enterprise_name": i.enterprise.name,
                "state": i.state,
                "requested": i.requested,
            }
            for i in page.invites
        ],
        "items": [item_out(i) for i in page.items],
        "decisions": [decision_out(d) for d in page.decisions],
    }


# --- events ------------------------------------------------------------------------------------


class EventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    starts_at: datetime = Field(description="ISO 8601 with a time zone; in the future")
    place: str = Field(max_length=300)
    capacity: int = Field(description="people (1–5000)")
    registration_closes_at: datetime | None = Field(None, description="default: the start")
    description: str = Field("", max_length=6000)

    def to_data(self) -> EventData:
        return EventData(
            title=self.title,
            starts_at=self.starts_at,
            place=self.place,
            capacity=self.capacity,
            registration_closes_at=self.registration_closes_at,
            description=self.description,
        )


class EventInviteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enterprises: list[str] = Field(min_length=1, max_length=50, description="USCCs")


class RegisterIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attendees: int = Field(1, description="people coming (1–20)")


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    registration: int
    attended: bool = True


class EventListOut(Schema):
    id: int
    title: str
    starts_at: datetime
    place: str
    capacity: int
    registration_closes_at: datetime
    state: str
    registered: int = Field(description="enterprises registered")
    attendees: int = Field(description="people registered")


class RegistrationOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    attendees: int
    state: str
    attended: bool | None


class EventOut(EventListOut):
    description: str
    attended: int
    seats_left: int
    registrations: list[RegistrationOut]
    my_registration: RegistrationOut | None


class EventPageOut(Schema):
    items: list[EventListOut]
    count: int


def event_row(e: Event) -> dict[str, Any]:
    return {
        "id": e.pk,
        "title": e.title,
        "starts_at": e.starts_at,
        "place": e.place,
        "capacity": e.capacity,
        "registration_closes_at": e.registration_closes_at,
        "state": e.state,
        "registered": int(getattr(e, "registered_n", 0) or 0),
        "attendees": int(getattr(e, "attendees_n", 0) or 0),
    }


def registration_out(r: EventRegistration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "enterprise": r.enterprise.uscc,
        "enterprise_name": r.enterprise.name,
        "attendees": r.attendees,
        "state": r.state,
        "attended": r.attended,
    }


def event_out(page: EventPage) -> dict[str, Any]:
    e = page.event
    return {
        **event_row(e),
        "registered": page.registered,
        "attendees": page.attendees,
        "description": e.description,
        "attended": page.attended,
        "seats_left": page.seats_left,
        "registrations": [registration_out(r) for r in page.registrations],
        "my_registration": registration_out(page.my_registration) if page.my_registration else None,
    }
