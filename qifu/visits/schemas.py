"""API shapes for visits, the visit plan, coverage and the disturbance budget."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.access.actor import Actor
from qifu.visits.models import LEARNT_FIELDS, Visit
from qifu.visits.selectors import (
    ContactedRow,
    CoverageRow,
    EnterpriseBudget,
    Plan,
    VisitDetail,
    VisitFilters,
)
from qifu.visits.services import LEARNT_MAX, NOTES_MAX, REASON_MAX

KindCode = Literal["routine", "joint", "policy", "safety", "coordination", "follow_up"]
FeedbackCode = Literal["helped", "ok", "disturbed"]
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def parse_month(value: str | None) -> date | None:
    """ "YYYY-MM" → the month's first day (the pattern is checked by the schema)."""
    if not value:
        return None
    year, month = value.split("-")
    return date(int(year), int(month), 1)


class LocationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    latitude: Decimal = Field(ge=-90, le=90)
    longitude: Decimal = Field(ge=-180, le=180)
    accuracy_m: int | None = Field(None, ge=0)


class ProblemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=10000)
    title: str = Field("", max_length=200)
    category: str = Field("", max_length=32, description="category code; empty: the desk decides")
    kind: Literal["consultation", "help", "complaint", "report", "suggestion"] = "help"
    urgency: Literal["normal", "urgent", "critical"] = "normal"
    project: str = Field("", max_length=32)


class VisitIn(Schema):
    """A visit as logged on site. Photos are taken by the visit page (multipart); the API logs the rest."""

    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field(max_length=32, description="USCC")
    visited_at: datetime = Field(description="ISO 8601; without an offset it is Beijing time; never in the future")
    kind: KindCode = "routine"
    participants: list[str] = Field(default_factory=list, max_length=30, description="usernames of other staff")
    project: str = Field("", max_length=32, description="project code of the same enterprise")
    requested: bool = Field(False, description="the enterprise asked for the visit (not counted in its budget)")
    location: LocationIn | None = None
    production: str = Field("", max_length=LEARNT_MAX)
    orders: str = Field("", max_length=LEARNT_MAX)
    staffing: str = Field("", max_length=LEARNT_MAX)
    investment: str = Field("", max_length=LEARNT_MAX)
    difficulties: str = Field("", max_length=LEARNT_MAX)
    notes: str = Field("", max_length=NOTES_MAX)
    suggestions: str = Field("", max_length=LEARNT_MAX)
    problems: list[ProblemIn] = Field(default_factory=list, max_length=10)
    reason: str = Field("", max_length=REASON_MAX, description="required when the month's budget is used up")
    planned: int | None = Field(None, description="id of the planned visit this one carries out")
    recheck_of: int | None = Field(None, description="id of the visit this one re-checks")

    def learnt(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in LEARNT_FIELDS}

    def location_dict(self) -> dict[str, Any] | None:
        return self.location.model_dump() if self.location else None


class VisitFilter(Schema):
    enterprise: str = Field("", max_length=32, description="USCC")
    liaison: str = Field("", max_length=150, description="username of a participant")
    month: str = Field("", pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$", description="YYYY-MM (Beijing time)")
    kind: KindCode | Literal[""] = ""
    over_budget: bool | None = None

    def to_filters(self, liaison_id: int | None) -> VisitFilters:
        return VisitFilters(
            enterprise=self.enterprise,
            liaison=liaison_id,
            month=parse_month(self.month),
            kind=self.kind,
            over_budget=self.over_budget,
        )


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    feedback: FeedbackCode = Field(description="helped 帮上了 / ok 一般 / disturbed 打扰了")
    comment: str = Field("", max_length=500)


class PersonOut(Schema):
    username: str
    name: str
    department: str | None


class VisitListOut(Schema):
    id: int
    enterprise: str = Field(description="USCC")
    enterprise_name: str
    visited_at: datetime
    kind: str
    author: str = Field(description="username")
    author_name: str
    joint: bool
    requested: bool
    over_budget: bool
    feedback: str


class VisitPageOut(Schema):
    items: list[VisitListOut]
    count: int


class PhotoOut(Schema):
    id: int
    width: int
    height: int
    size: int


class VisitOut(VisitListOut):
    project: str | None
    participants: list[PersonOut]
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: int | None
    production: str
    orders: str
    staffing: str
    investment: str
    difficulties: str
    notes: str
    suggestions: str
    over_budget_reason: str
    feedback_comment: str
    feedback_at: datetime | None
    recheck_of: int | None
    cases: list[str] = Field(description="numbers of the cases raised on the visit")
    photos: list[PhotoOut]


def visit_row(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "enterprise": v.enterprise.uscc,
        "enterprise_name": v.enterprise.name,
        "visited_at": v.visited_at,
        "kind": v.kind,
        "author": v.author.username,
        "author_name": v.author.name,
        "joint": v.joint,
        "requested": v.requested,
        "over_budget": v.over_budget,
        "feedback": v.feedback,
    }


def visit_out(detail: VisitDetail, actor: Actor) -> dict[str, Any]:
    v = detail.visit
    internal = actor.is_staff_role  # the enterprise does not see the budget reason
    return {
        **visit_row(v),
        "project": v.project.code if v.project else None,
        "participants": [
            {
                "username": p.user.username,
                "name": p.user.name,
                "department": p.department.code if p.department else None,
            }
            for p in detail.participants
        ],
        "latitude": v.latitude,
        "longitude": v.longitude,
        "accuracy_m": v.accuracy_m,
        **{name: getattr(v, name) for name in LEARNT_FIELDS},
        "notes": v.notes,
        "suggestions": v.suggestions,
        "over_budget_reason": v.over_budget_reason if internal else "",
        "feedback_comment": v.feedback_comment,
        "feedback_at": v.feedback_at,
        "recheck_of": v.recheck_of_id,
        "cases": [c.case.number for c in detail.cases],
        "photos": [{"id": p.pk, "width": p.width, "height": p.height, "size": p.size} for p in detail.photos],
    }


class PlanRowOut(Schema):
    enterprise: str
    enterprise_name: str
    status: Literal["done", "due", "overdue"]
    visited_on: date | None
    visits: int
    projects: list[str]
    linked_until: date | None = Field(description="set when the link ended during the month (handed over)")


class PlanOut(Schema):
    liaison: str
    liaison_name: str
    month: str
    counts: dict[str, int]
    coverage: float | None
    items: list[PlanRowOut]
    count: int


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "liaison": plan.liaison.username,
        "liaison_name": plan.liaison.name,
        "month": plan.month.strftime("%Y-%m"),
        "counts": plan.counts,
        "coverage": plan.coverage,
        "items": [
            {
                "enterprise": r.enterprise.uscc,
                "enterprise_name": r.enterprise.name,
                "status": r.status,
                "visited_on": r.visited_on,
                "visits": r.visits,
                "projects": r.projects,
                "linked_until": r.linked_until,
            }
            for r in plan.rows
        ],
        "count": len(plan.rows),
    }


class CoverageRowOut(Schema):
    key: int | None = Field(description="liaison or department id (null: liaisons without a department)")
    name: str
    department: str
    linked: int
    visited: int
    rate: float | None


class CoverageOut(Schema):
    month: str
    by: Literal["liaison", "department"]
    total: CoverageRowOut
    items: list[CoverageRowOut]
    count: int


def coverage_row(r: CoverageRow) -> dict[str, Any]:
    return {
        "key": r.key,
        "name": r.name,
        "department": r.department,
        "linked": r.linked,
        "visited": r.visited,
        "rate": r.rate,
    }


class ContactOut(Schema):
    on: date
    kind: str
    source: str
    requested: bool
    counted: bool


class QuietOut(Schema):
    id: int
    starts_on: date
    ends_on: date
    note: str


class BudgetOut(Schema):
    enterprise: str
    month: str
    used: int
    budget: int
    over: bool
    own_budget: int | None
    preferred_channel: str
    quiet_now: bool
    quiet_periods: list[QuietOut]
    contacts: list[ContactOut]


def budget_out(b: EnterpriseBudget) -> dict[str, Any]:
    return {
        "enterprise": b.enterprise.uscc,
        "month": b.month.strftime("%Y-%m"),
        "used": b.status.used,
        "budget": b.status.budget,
        "over": b.status.over,
        "own_budget": b.own_budget,
        "preferred_channel": b.preferred_channel,
        "quiet_now": b.status.quiet is not None,
        "quiet_periods": [
            {"id": q.pk, "starts_on": q.starts_on, "ends_on": q.ends_on, "note": q.note} for q in b.quiet_periods
        ],
        "contacts": [
            {"on": c.on, "kind": c.kind, "source": c.source, "requested": c.requested, "counted": c.counted}
            for c in b.contacts
        ],
    }


class PreferenceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    monthly_budget: int | None = Field(None, ge=0, le=31, description="null with clear_budget: the zone default")
    clear_budget: bool = False
    preferred_channel: Literal["portal", "phone", "wecom", "sms", "email", "visit"] | None = None


class QuietIn(Schema):
    model_config = ConfigDict(extra="forbid")

    starts_on: date
    ends_on: date
    note: str = Field("", max_length=200)


class ContactedOut(Schema):
    enterprise: str
    enterprise_name: str
    counted: int
    total: int
    budget: int


def contacted_out(r: ContactedRow) -> dict[str, Any]:
    return {
        "enterprise": r.enterprise.uscc,
        "enterprise_name": r.enterprise.name,
        "counted": r.counted,
        "total": r.total,
        "budget": r.budget,
    }
