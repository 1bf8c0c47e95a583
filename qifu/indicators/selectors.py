"""Indicator reads; every one starts from the indicator scopes of access.scopes (PRODUCT.md §1)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import (
    may_edit_indicators_of,
    scope_indicator_editing,
    scope_indicator_enterprises,
    scope_indicators,
    scope_investment_projects,
    scope_investments,
)
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalize_uscc
from qifu.indicators.models import MonthlyIndicator, ProjectInvestment
from qifu.indicators.services import current_month
from qifu.projects.models import Project

CHART_MONTHS = 24
TABLE_MONTHS = 6


def indicator_enterprise_get(*, actor: Actor, uscc: str) -> Enterprise:
    """An enterprise whose indicators the actor reads; NotFound when missing or not visible."""
    enterprise = scope_indicator_enterprises(actor).filter(uscc=normalize_uscc(uscc)).only("id", "uscc", "name").first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


def indicator_editable_get(*, actor: Actor, uscc: str) -> Enterprise:
    """An enterprise whose indicators the actor writes; NotFound otherwise (pages answer 404)."""
    enterprise = scope_indicator_editing(actor).filter(uscc=normalize_uscc(uscc)).only("id", "uscc", "name").first()
    if enterprise is None:
        raise NotFound("enterprise not found")
    return enterprise


def indicator_list(*, actor: Actor, enterprise: Enterprise) -> QuerySet[MonthlyIndicator]:
    """The enterprise's reported months, newest first, each with its derived figures (one join)."""
    return scope_indicators(actor).filter(enterprise_id=enterprise.pk).select_related("derived").order_by("-month")


def indicator_month_get(*, actor: Actor, enterprise: Enterprise, month: date) -> MonthlyIndicator | None:
    return scope_indicators(actor).filter(enterprise_id=enterprise.pk, month=month).first()


def months_back(last: date, count: int) -> list[date]:
    """`count` first-of-month dates ending with `last`, oldest first."""
    key = last.year * 12 + last.month - 1
    return [date(k // 12, k % 12 + 1, 1) for k in range(key - count + 1, key + 1)]


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class IndicatorHistory:
    """The enterprise 360 page's indicator card: the chart's series (24 months, None = not
    reported) and the latest months for the table."""

    months: list[date]
    chart: dict[str, Any]
    latest: list[MonthlyIndicator]
    editable: bool


def indicator_history(*, actor: Actor, enterprise_id: int, months: int = CHART_MONTHS) -> IndicatorHistory:
    """One query (the window's rows with their derived figures), and one more for a liaison (may
    they edit?)."""
    window = months_back(current_month(), months)
    rows = list(
        scope_indicators(actor)
        .filter(enterprise_id=enterprise_id, month__gte=window[0], month__lte=window[-1])
        .select_related("derived")
        .order_by("month")
    )
    by_month = {row.month: row for row in rows}
    series = {
        name: [_number(getattr(by_month[m], name)) if m in by_month else None for m in window]
        for name in ("output", "revenue", "tax", "electricity")
    }
    names = {
        "output": _("产值"),
        "revenue": _("营业收入"),
        "tax": _("税收"),
        "electricity": _("用电量"),
        "money": _("万元"),
        "energy": _("万千瓦时"),
    }
    chart = {"labels": [f"{m:%Y-%m}" for m in window], **series, "names": names}
    editable = may_edit_indicators_of(actor, enterprise_id)
    return IndicatorHistory(months=window, chart=chart, latest=rows[::-1][:TABLE_MONTHS], editable=editable)


def investment_project_get(*, actor: Actor, code: str) -> Project:
    """A project whose investment the actor reads; NotFound when missing or not visible."""
    project = scope_investment_projects(actor).filter(code=code).only("id", "code", "name").first()
    if project is None:
        raise NotFound("project not found")
    return project


def investment_list(*, actor: Actor, project: Project) -> QuerySet[ProjectInvestment]:
    return scope_investments(actor).filter(project_id=project.pk).order_by("-month")
