"""`{% notify_bell %}`: the inbox link with the unread count, for the top bar (UX.md layout).

A tag rather than a context processor: the count runs only where the bell is drawn (full pages),
never for HTMX fragments or anonymous visitors, and it is one indexed COUNT.
"""

from typing import Any

from django import template

from qifu.accounts.models import User
from qifu.notify.selectors import UNREAD_BADGE_CAP, notification_unread_count

register = template.Library()


@register.inclusion_tag("notify/partials/_bell.html", takes_context=True)
def notify_bell(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"show": False}
    count = notification_unread_count(user=user)
    return {"show": True, "count": count, "capped": count >= UNREAD_BADGE_CAP}
