"""Template helpers of the policy pages: the application window, the validity, field labels."""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.policies.conditions import FIELDS
from qifu.policies.models import Policy
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
