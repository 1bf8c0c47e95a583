"""Template helpers of the policy pages and of the liaison's brief on the 360 page and the visit form."""

from datetime import date
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.core.errors import NotFound
from qifu.policies.conditions import FIELDS
from qifu.policies.models import Policy
from qifu.policies.selectors import enterprise_policies
from qifu.policies.selectors_pages import Brief, for_us_enterprise, policy_brief
from qifu.policies.wording import Deadline, day_text, deadline

register = template.Library()


@register.filter
def apply_window(policy: Policy, today: date | None = None) -> Deadline:
    """`{% with d=p|apply_window:today %}`: 申报截止 12月5日（还剩6天） and its level."""
    return deadline(policy.apply_from, policy.apply_to, today or timezone.localdate())


@register.filter
def validity(policy: Policy) -> str:
    """有效期 2026年1月1日 至 2026年12月31日 (open ends: 起 / 止)."""
    start = day_text(policy.valid_from) if policy.valid_from else ""
    end = day_text(policy.valid_to) if policy.valid_to else ""
    if start and end:
        return _("%(start)s 至 %(end)s") % {"start": start, "end": end}
    if start:
        return _("%(start)s 起") % {"start": start}
    if end:
        return _("至 %(end)s") % {"end": end}
    return _("长期有效")


@register.filter
def field_label(name: str) -> str:
    spec = FIELDS.get(name)
    return str(spec.label) if spec else name


@register.filter
def field_labels(names: list[str]) -> str:
    """["revenue_last_year", "employees"] → "上年营业收入、从业人数"."""
    return "、".join(field_label(n) for n in names)


@register.simple_tag(takes_context=True)
def liaison_brief(context: dict[str, Any], enterprise: Any) -> Brief | None:
    """`{% liaison_brief e as brief %}`: the eligible current policies of the enterprise, for staff
    who see it (None for enterprise users, admins and anonymous)."""
    user = context.get("user")
    if not isinstance(user, User) or not getattr(enterprise, "pk", None):
        return None
    actor = Actor.of(user)
    if not actor.is_staff_role:
        return None
    return policy_brief(actor=actor, enterprise=enterprise)


@register.simple_tag(takes_context=True)
def for_us_count(context: dict[str, Any]) -> int | None:
    """`{% for_us_count as n %}`: how many current policies the signed-in enterprise qualifies for
    (None for anyone else)."""
    user = context.get("user")
    if not isinstance(user, User):
        return None
    actor = Actor.of(user)
    if not actor.is_enterprise:
        return None
    try:
        enterprise = for_us_enterprise(actor=actor)
    except NotFound:
        return None
    return len(enterprise_policies(actor=actor, enterprise=enterprise, include_unknown=False))
