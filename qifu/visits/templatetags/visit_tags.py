"""Template helpers of the visit pages and of the enterprise 360 page's visits card."""

from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.visits.forms import LEARNT
from qifu.visits.models import Visit
from qifu.visits.selectors import enterprise_visits

register = template.Library()


@register.filter
def learnt(visit: Visit) -> list[tuple[str, str]]:
    """(label, text) of the structured "what was learnt" fields that were filled in."""
    return [(str(label), getattr(visit, name)) for name, label, _hint in LEARNT if getattr(visit, name, "")]


@register.simple_tag(takes_context=True)
def latest_visits(context: dict[str, Any], enterprise: Any) -> list[Visit]:
    """`{% latest_visits e as visits %}`: the latest visits of `enterprise` the signed-in user may see."""
    user = context.get("user")
    if not isinstance(user, User) or not getattr(enterprise, "pk", None):
        return []
    return enterprise_visits(actor=Actor.of(user), enterprise_id=enterprise.pk)


_PLACEHOLDER_USCC = "0" * 18
_PLACEHOLDER_ID = 999999999


@lru_cache(maxsize=8)
def _url_shapes(prefix: str) -> tuple[str, str]:
    """The enterprise and visit page URLs with a placeholder, reversed once per script prefix: a
    plan of sixty rows otherwise spends a fifth of its time in `{% url %}`."""
    return (
        reverse("enterprises:detail", args=[_PLACEHOLDER_USCC]),
        reverse("visits:detail", args=[_PLACEHOLDER_ID]),
    )


@register.filter
def enterprise_url(uscc: str) -> str:
    return _url_shapes(get_script_prefix())[0].replace(_PLACEHOLDER_USCC, uscc)


@register.filter
def visit_url(visit_id: int) -> str:
    return _url_shapes(get_script_prefix())[1].replace(str(_PLACEHOLDER_ID), str(int(visit_id)))


@register.filter
def pct(rate: float | None) -> str:
    """0.667 → "67%"; None (nothing to divide) → "—"."""
    return "—" if rate is None else f"{round(100 * rate)}%"


@register.filter
def pct_width(rate: float | None) -> int:
    """A progress bar's width in percent (0 when there is nothing to divide)."""
    return 0 if rate is None else max(0, min(100, round(100 * rate)))


@register.filter
def plan_label(status: str) -> str:
    """The plan row's state in words: 已走访 / 待走访 / 逾期."""
    return {"done": gettext("已走访"), "due": gettext("待走访"), "overdue": gettext("逾期")}.get(status, status)
