"""API schemas of the early warnings (shape only; the rules are in services)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from qifu.alerts.models import AlarmRule, Alert


class AlertOut(Schema):
    id: int
    kind: str = Field(description="declining | indicator | milestone")
    state: str = Field(description="open | done | dismissed")
    message: str
    uscc: str | None = Field(description="the enterprise's USCC")
    enterprise: str | None = Field(description="the enterprise's name")
    project: str | None = Field(description="the project's code (milestone alerts)")
    subject: str = Field(description="the indicator field, the milestone id, or 'declining'")
    period: str = Field(description="YYYY-MM of the figures, or the milestone's planned date")
    liaison: str | None = Field(description="the liaison's username; null = the service desk's")
    raised_at: datetime
    due_on: date
    overdue: bool
    facts: dict[str, Any]
    closed_at: datetime | None
    closed_by: str | None
    note: str


class AlertPageOut(Schema):
    items: list[AlertOut]
    count: int


class AlertActionIn(Schema):
    action: Literal["done", "dismiss"]
    note: str = Field("", max_length=200, description="what was done (e.g. 已走访); required to dismiss")


class AlarmRuleIO(Schema):
    field: str = Field(description="a derived indicator field, e.g. revenue_ytd_yoy (ratios: -0.3 = -30%)")
    comparison: Literal["lt", "lte"]
    threshold: Decimal
    active: bool = True


class AlarmRulesIn(Schema):
    rules: list[AlarmRuleIO] = Field(description="the whole set: a field left out loses its rule")


def alert_out(alert: Alert, today: date) -> dict[str, object]:
    ent = alert.enterprise
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "state": alert.state,
        "message": alert.message,
        "uscc": ent.uscc if ent else None,
        "enterprise": ent.name if ent else None,
        "project": alert.project.code if alert.project else None,
        "subject": alert.subject,
        "period": alert.period,
        "liaison": alert.liaison.username if alert.liaison else None,
        "raised_at": alert.raised_at,
        "due_on": alert.due_on,
        "overdue": alert.is_open and alert.due_on < today,
        "facts": alert.facts,
        "closed_at": alert.closed_at,
        "closed_by": alert.closed_by.username if alert.closed_by else None,
        "note": alert.close_note,
    }


def rule_out(rule: AlarmRule) -> dict[str, object]:
    return {"field": rule.field, "comparison": rule.comparison, "threshold": rule.threshold, "active": rule.active}
