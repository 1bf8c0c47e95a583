"""Template helpers of the case pages: timeline lines in plain Chinese, the action names, and the
enterprise home's open requests (a tag, so the dashboard's view needs no import of the cases app)."""

from typing import Any

from django import template
from django.conf import settings

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases import wording
from qifu.cases.models import CaseEvent
from qifu.cases.selectors import ClockView
from qifu.cases.selectors_pages import CaseRow, followed_cases, to_rate_cases

register = template.Library()


@register.filter
def event_line(event: CaseEvent) -> str:
    return wording.event_line(event)


@register.filter
def event_body(event: CaseEvent) -> str:
    return wording.event_body(event)


@register.filter
def pause_note(event: CaseEvent) -> str:
    return wording.pause_note(event)


@register.filter
def event_who(event: CaseEvent, enterprise_view: bool) -> str:
    return wording.event_who(event, enterprise_view=bool(enterprise_view))


@register.filter
def action_label(action: str) -> str:
    return wording.action_label(action)


@register.simple_tag(takes_context=True)
def followed_requests(context: dict[str, Any]) -> tuple[list[CaseRow], int]:
    """`{% followed_requests as followed %}`: the signed-in enterprise's open requests, newest
    first, with who handles them and by when; and how many in all."""
    user = context.get("user")
    if not isinstance(user, User) or user.role != "enterprise":
        return [], 0
    return followed_cases(actor=Actor.of(user))


@register.simple_tag(takes_context=True)
def requests_to_rate(context: dict[str, Any]) -> tuple[list[CaseRow], int]:
    """`{% requests_to_rate as to_rate %}`: the signed-in enterprise's resolved requests waiting
    for its rating, newest first; and how many in all."""
    user = context.get("user")
    if not isinstance(user, User) or user.role != "enterprise":
        return [], 0
    return to_rate_cases(actor=Actor.of(user))


@register.filter
def late_days(clock: ClockView) -> int:
    """Working days past the deadline (0 when not late)."""
    return -clock.remaining if clock.remaining is not None and clock.remaining < 0 else 0


@register.simple_tag
def upload_max_mb() -> int:
    """The per-file limit in MB, for the file inputs' early check in the browser (cases.js)."""
    return int(settings.UPLOAD_MAX_MB)


@register.filter
def getlist(data: Any, key: str) -> list[str]:
    """All values of a posted key (a refused dispatch keeps its ticked departments)."""
    return list(data.getlist(key)) if hasattr(data, "getlist") else []
