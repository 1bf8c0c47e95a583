"""Reads of the early warnings: every one starts from `access.scopes.scope_alerts` (STYLE.md §6.2.2)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import scope_alerts
from qifu.alerts.errors import AlertErrorCode
from qifu.alerts.models import AlarmRule, Alert, AlertKind, AlertState
from qifu.core.errors import NotFound, RuleViolation

ALL = "all"


@dataclass(frozen=True)
class AlertFilter:
    """The list's filters as parsed: KIND one of AlertKind or "", STATE one of AlertState or "all"."""

    kind: str = ""
    state: str = AlertState.OPEN
    overdue: bool = False


def alert_filter_parse(*, kind: str | None, state: str | None, overdue: object) -> AlertFilter:
    """Check the filters of the page and the API: an unknown kind or state is refused (422)."""
    kind = (kind or "").strip()
    state = (state or AlertState.OPEN).strip()
    if kind and kind not in AlertKind.values:
        raise RuleViolation(f"unknown kind {kind!r}", code=AlertErrorCode.BAD_FILTER)
    if state != ALL and state not in AlertState.values:
        raise RuleViolation(f"unknown state {state!r}", code=AlertErrorCode.BAD_FILTER)
    return AlertFilter(kind=kind, state=state, overdue=str(overdue).lower() in ("1", "true", "on", "yes"))


def alert_list(*, actor: Actor, filters: AlertFilter | None = None, today: date | None = None) -> QuerySet[Alert]:
    """§2.5 the alerts the actor sees, filtered; open ones by deadline (earliest first), the rest newest first."""
    f = filters or AlertFilter()
    rows = scope_alerts(actor)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.state != ALL:
        rows = rows.filter(state=f.state)
    if f.overdue:
        rows = rows.filter(state=AlertState.OPEN, due_on__lt=today or timezone.localdate())
    order = ("due_on", "id") if f.state == AlertState.OPEN else ("-raised_at", "-id")
    return rows.select_related("enterprise", "project", "liaison", "closed_by").order_by(*order)


def alert_get(*, actor: Actor, alert_id: int) -> Alert:
    """One alert the actor sees; NotFound for a missing and an invisible one alike."""
    alert = scope_alerts(actor).select_related("enterprise", "project", "liaison", "closed_by").filter(pk=alert_id)
    found = alert.first()
    if found is None:
        raise NotFound("没有这条预警。")
    return found


def alert_counts(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """Open and overdue alerts the actor sees, in one query (the home page's 预警 card)."""
    day = today or timezone.localdate()
    row = (
        scope_alerts(actor)
        .filter(state=AlertState.OPEN)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=day)))
    )
    return {"open": int(row["open"] or 0), "overdue": int(row["overdue"] or 0)}


def alerts_open_by_kind() -> dict[str, int]:
    """{kind: open alerts} zone-wide, every kind named (for `qifu stats`)."""
    counts = dict(Alert.objects.filter(state=AlertState.OPEN).order_by().values_list("kind").annotate(n=Count("pk")))
    return {kind: int(counts.get(kind, 0)) for kind in AlertKind.values}


def enterprise_alerts(*, actor: Actor, enterprise_id: int, limit: int = 10) -> list[Alert]:
    """The latest alerts of one enterprise the actor sees (its 360 page)."""
    rows = scope_alerts(actor).filter(enterprise_id=enterprise_id).select_related("project", "liaison")
    return list(rows.order_by("-raised_at", "-id")[:limit])


def alarm_rule_list() -> QuerySet[AlarmRule]:
    """The zone's alarm thresholds (zone policy data: no per-person scope)."""
    return AlarmRule.objects.order_by("field")
