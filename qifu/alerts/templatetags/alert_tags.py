"""Template tags of the early warnings: the enterprise 360 page's alert list."""

from typing import Any

from django import template

from qifu.access.actor import Actor
from qifu.access.scopes import may_see_alerts
from qifu.accounts.models import User
from qifu.alerts.models import Alert
from qifu.alerts.selectors import enterprise_alerts

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_alerts(context: dict[str, Any], enterprise: Any) -> list[Alert] | None:
    """`{% latest_alerts e as alerts %}`: the latest alerts of `enterprise` the signed-in user sees;
    None for those who see no alert at all (the section is then left out, no query)."""
    user = context.get("user")
    if not isinstance(user, User) or not getattr(enterprise, "pk", None):
        return None
    actor = Actor.of(user)
    if not may_see_alerts(actor):
        return None
    return enterprise_alerts(actor=actor, enterprise_id=enterprise.pk)
