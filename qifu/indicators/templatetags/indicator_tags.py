"""Template helpers of the enterprise 360 page's indicators card."""

from decimal import Decimal
from typing import Any

from django import template

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.indicators.selectors import IndicatorHistory, indicator_history

register = template.Library()


@register.simple_tag(takes_context=True)
def enterprise_indicators(context: dict[str, Any], enterprise: Any) -> IndicatorHistory | None:
    """`{% enterprise_indicators e as ind %}`: the card's data for the signed-in user (None: nothing to show)."""
    user = context.get("user")
    if not isinstance(user, User) or not getattr(enterprise, "pk", None):
        return None
    return indicator_history(actor=Actor.of(user), enterprise_id=enterprise.pk)


@register.filter
def ratio_pct(value: Decimal | None) -> str:
    """A derived ratio (fraction) as a signed percentage: -0.253 → "-25.3%"; unknown → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:+.1f}%"
