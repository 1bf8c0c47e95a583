"""API schemas of the service lists (shape only; the rules are in services)."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from qifu.servicelists.models import ListOverride, ListRule, Membership
from qifu.servicelists.selectors import ListCard


class StrategyOut(Schema):
    visit_interval_days: int
    notify: list[str] = Field(description="who is told: liaison, department, leaders")
    text: str


class RuleOut(Schema):
    conditions: dict[str, object]
    months: int = Field(description='"for N consecutive months"')
    active: bool


class ListOut(Schema):
    code: str
    name: str
    month: str | None = Field(description="the snapshot month counted (YYYY-MM), the latest one")
    members: int
    entered: int
    left: int
    rule: RuleOut | None
    strategy: StrategyOut | None


class MemberOut(Schema):
    uscc: str
    name: str
    source: str = Field(description="rule | manual")
    reason: str
    liaison: str | None


class MemberPageOut(Schema):
    month: str | None
    items: list[MemberOut]
    count: int


class HistoryOut(Schema):
    month: str
    code: str
    name: str
    source: str
    reason: str


class HistoryPageOut(Schema):
    items: list[HistoryOut]
    count: int


class OverrideIn(Schema):
    uscc: str = Field(min_length=1, max_length=18)
    action: Literal["add", "remove"]
    reason: str = Field(max_length=200)


class OverrideOut(Schema):
    id: int
    uscc: str
    name: str
    code: str
    action: str
    reason: str
    created_by: str
    created_at: str
    withdrawn_at: str | None


def month_text(month: date | None) -> str | None:
    return f"{month:%Y-%m}" if month is not None else None


def strategy_out(rule: ListRule) -> dict[str, object]:
    notify = [
        who
        for who, on in (
            ("liaison", rule.notify_liaison),
            ("department", rule.notify_department),
            ("leaders", rule.notify_leaders),
        )
        if on
    ]
    return {"visit_interval_days": rule.visit_interval_days, "notify": notify, "text": rule.strategy}


def list_out(card: ListCard, month: date | None) -> dict[str, object]:
    rule = card.rule
    return {
        "code": card.service_list.code,
        "name": card.service_list.name,
        "month": month_text(month),
        "members": card.members,
        "entered": card.entered,
        "left": card.left,
        "rule": None if rule is None else {"conditions": rule.conditions, "months": rule.months, "active": rule.active},
        "strategy": None if rule is None else strategy_out(rule),
    }


def member_out(row: Membership) -> dict[str, object]:
    e = row.enterprise
    liaison = e.primary_liaison
    return {
        "uscc": e.uscc,
        "name": e.name,
        "source": row.source,
        "reason": row.reason,
        "liaison": (liaison.display_name or liaison.username) if liaison else None,
    }


def history_out(row: Membership) -> dict[str, object]:
    return {
        "month": f"{row.month:%Y-%m}",
        "code": row.service_list.code,
        "name": row.service_list.name,
        "source": row.source,
        "reason": row.reason,
    }


def override_out(o: ListOverride) -> dict[str, object]:
    return {
        "id": o.pk,
        "uscc": o.enterprise.uscc,
        "name": o.enterprise.name,
        "code": o.service_list.code,
        "action": o.action,
        "reason": o.reason,
        "created_by": o.created_by.display_name or o.created_by.username,
        "created_at": o.created_at.isoformat(),
        "withdrawn_at": o.withdrawn_at.isoformat() if o.withdrawn_at else None,
    }
