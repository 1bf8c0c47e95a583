"""/api/v1/alerts — early warnings (issue 6 items 3 and 7). Operations only.

`GET /alerts` (filters kind, state, overdue; limit/offset), `GET /alerts/{id}`,
`POST /alerts/{id}/actions` {action: done|dismiss, note}, `GET|PUT /alerts/rules`.
Who sees what: `access.scopes.scope_alerts` (liaisons their own, the desk and leaders all).
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from qifu.access.scopes import may_see_alerts
from qifu.alerts.schemas import (
    AlarmRuleIO,
    AlarmRulesIn,
    AlertActionIn,
    AlertOut,
    AlertPageOut,
    alert_out,
    rule_out,
)
from qifu.alerts.selectors import alarm_rule_list, alert_filter_parse, alert_get, alert_list
from qifu.alerts.services import AlarmRuleInput, alarm_rules_set, alert_act
from qifu.api import actor_of
from qifu.core.errors import NotFound
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors

router = Router(tags=["alerts"])


@router.get(
    "",
    response={200: AlertPageOut, **errors()},
    summary="Alerts the caller sees, open ones by deadline",
    description="`kind`: declining | indicator | milestone; `state`: open (default) | done | dismissed | all; "
    "`overdue`: 1 = open and past the deadline. 422 `alert_bad_filter` for an unknown kind or state.",
)
def list_alerts(
    request: HttpRequest, page: Query[PageIn], kind: str = "", state: str = "open", overdue: bool = False
) -> dict[str, Any]:
    actor = actor_of(request)
    today = timezone.localdate()
    rows = alert_list(actor=actor, filters=alert_filter_parse(kind=kind, state=state, overdue=overdue), today=today)
    result = page_of(rows, count_from=rows.select_related(None).order_by(), page=page)
    return {"items": [alert_out(a, today) for a in result["items"]], "count": result["count"]}


@router.get("/rules", response={200: list[AlarmRuleIO], **errors(404)}, summary="The zone's alarm thresholds")
def get_rules(request: HttpRequest) -> list[dict[str, object]]:
    if not may_see_alerts(actor_of(request)):
        raise NotFound("no such resource")
    return [rule_out(r) for r in alarm_rule_list()]


@router.put(
    "/rules",
    response={200: list[AlarmRuleIO], **errors()},
    summary="Replace the zone's alarm thresholds (the service desk)",
    description="403 `alert_rules_forbidden`; 422 `alert_rules_invalid` with `faults` [{path, message}] — "
    "nothing is changed then. A field left out of `rules` loses its threshold.",
)
def put_rules(request: HttpRequest, payload: AlarmRulesIn) -> list[dict[str, object]]:
    given = [AlarmRuleInput(r.field, r.comparison, r.threshold, r.active) for r in payload.rules]
    return [rule_out(r) for r in alarm_rules_set(actor=actor_of(request), rules=given)]


@router.get("/{int:alert_id}", response={200: AlertOut, **errors(404)}, summary="One alert")
def get_alert(request: HttpRequest, alert_id: int) -> dict[str, object]:
    return alert_out(alert_get(actor=actor_of(request), alert_id=alert_id), timezone.localdate())


@router.post(
    "/{int:alert_id}/actions",
    response={200: AlertOut, **errors(404, 409)},
    summary="Close an alert: done (with a note) or dismiss (with a reason)",
    description="409 `alert_illegal_transition` when the alert is no longer open (nothing changes); "
    "403 `alert_action_forbidden` for leaders; 422 `alert_note_required` to dismiss without a reason, "
    "`alert_bad_action` for a note over 200 characters.",
)
def act(request: HttpRequest, alert_id: int, payload: AlertActionIn) -> dict[str, object]:
    actor = actor_of(request)
    alert = alert_act(actor=actor, alert=alert_get(actor=actor, alert_id=alert_id), action=payload.action,
                      note=payload.note)  # fmt: skip
    return alert_out(alert, timezone.localdate())
