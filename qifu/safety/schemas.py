"""API shapes for safety checks and rectifications (/api/v1/safety)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.safety.models import Rectification, SafetyCheck, SafetyChecklist
from qifu.safety.selectors import RectFilters, is_overdue
from qifu.safety.services import ResultIn

OutcomeCode = Literal["pass", "fail", "na"]
RectStateCode = Literal["open", "submitted", "verified", "reopened"]
SeverityCode = Literal["general", "major"]


class ItemOut(Schema):
    id: int
    code: str
    text: str
    severity: str
    days: int


class ChecklistOut(Schema):
    id: int
    name: str
    version: int
    industries: list[str]
    items: list[ItemOut]


def checklist_out(checklist: SafetyChecklist) -> dict[str, Any]:
    items = getattr(checklist, "active_items", [])
    return {
        "id": checklist.pk,
        "name": checklist.name,
        "version": checklist.version,
        "industries": checklist.prefixes,
        "items": [{"id": i.pk, "code": i.code, "text": i.text, "severity": i.severity, "days": i.days} for i in items],
    }


class ResultItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item: int = Field(description="checklist item id")
    outcome: OutcomeCode
    note: str = Field("", max_length=500)
    rectify: bool = Field(True, description="a failed item becomes a rectification")
    days: int | None = Field(None, description="working days to fix (default: the item's)")
    hazard: str = Field("", max_length=2000, description="the hazard's wording (default: item + note)")


class CheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    results: list[ResultItemIn] = Field(max_length=500)

    def to_results(self) -> list[ResultIn]:
        return [
            ResultIn(item_id=r.item, outcome=r.outcome, note=r.note, rectify=r.rectify, days=r.days, hazard=r.hazard)
            for r in self.results
        ]


class ResultOut(Schema):
    item: int
    code: str
    text: str
    outcome: str
    note: str
    rectification: int | None


class CheckOut(Schema):
    id: int
    visit: int
    enterprise: str
    checklist: str
    checked_by: str
    checked_on: date
    failed: int
    results: list[ResultOut]


def check_out(check: SafetyCheck) -> dict[str, Any]:
    results = []
    for r in check.results.all():
        rect = getattr(r, "rectification", None)
        results.append(
            {
                "item": r.item_id,
                "code": r.item.code,
                "text": r.item.text,
                "outcome": r.outcome,
                "note": r.note,
                "rectification": rect.pk if rect else None,
            }
        )
    return {
        "id": check.pk,
        "visit": check.visit_id,
        "enterprise": check.enterprise.uscc,
        "checklist": str(check.checklist),
        "checked_by": check.checked_by.name,
        "checked_on": check.checked_on,
        "failed": check.failed,
        "results": results,
    }


class RectOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    visit: int
    item: str
    hazard: str
    severity: str
    state: str
    days: int
    due: date
    overdue: bool
    fix_note: str
    submitted_at: datetime | None
    verify_note: str
    verified_at: datetime | None
    recheck_visit: int | None
    case: str | None


class RectPageOut(Schema):
    items: list[RectOut]
    count: int


def rect_out(rect: Rectification) -> dict[str, Any]:
    return {
        "id": rect.pk,
        "enterprise": rect.enterprise.uscc,
        "enterprise_name": rect.enterprise.name,
        "visit": rect.check_record.visit_id,
        "item": rect.result.item.code,
        "hazard": rect.hazard,
        "severity": rect.severity,
        "state": rect.state,
        "days": rect.days,
        "due": rect.due,
        "overdue": is_overdue(rect),
        "fix_note": rect.fix_note,
        "submitted_at": rect.submitted_at,
        "verify_note": rect.verify_note,
        "verified_at": rect.verified_at,
        "recheck_visit": rect.recheck_visit_id,
        "case": rect.case.number if rect.case_id and rect.case else None,
    }


class RectFilter(Schema):
    state: RectStateCode | Literal[""] = ""
    severity: SeverityCode | Literal[""] = ""
    overdue: bool | None = None
    enterprise: str = Field("", max_length=32, description="USCC")
    open: bool = False

    def to_filters(self) -> RectFilters:
        return RectFilters(
            state=self.state,
            severity=self.severity,
            overdue=self.overdue,
            enterprise=self.enterprise,
            open_only=self.open,
        )


class RectActionIn(Schema):
    """`{"action": "submit"|"verify"|"reopen"|"escalate", …}`."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["submit", "verify", "reopen", "escalate"]
    note: str = Field("", max_length=2000, description="submit (required), verify, reopen (required)")
    days: int | None = Field(None, description="reopen: working days for the new deadline")
    recheck_visit: int | None = Field(None, description="verify: the re-check visit's id")
    text: str = Field("", max_length=2000, description="escalate: the case text (default: the hazard)")
