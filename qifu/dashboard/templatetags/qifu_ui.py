"""Presentation filters shared by every page: Chinese dates, money in 万元, phones, badges.

UX.md §3: the enterprise reads plain Chinese — dates as 2026年12月5日 (12月5日 within the year),
money in 万元, never internal codes.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.accounts.models import User
from qifu.enterprises.models import Ownership, Specialized
from qifu.enterprises.services import enterprise_contacts, mask_phone
from qifu.people.models import Staff
from qifu.people.selectors import staff_phone
from qifu.projects.models import Milestone, Project, ProjectStatus
from qifu.reference.taxonomy import INDUSTRY_SECTIONS

register = template.Library()


@register.filter
def cn_date(value: date | datetime | None, mode: str = "") -> str:
    """2026年12月5日; with mode "short", 12月5日 when the date falls in the current year."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if mode == "short" and value.year == timezone.localdate().year:
        return _("%(m)d月%(d)d日") % {"m": value.month, "d": value.day}
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def _number(value: Decimal | int | float) -> str:
    text = f"{Decimal(value):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def wan(value: Decimal | int | float | None) -> str:
    """Money as stored (万元): 5,000 万元; 1,234.5 万元; blank when unknown."""
    if value is None or value == "":
        return ""
    return _("%(n)s 万元") % {"n": _number(value)}


@register.filter
def num(value: Decimal | int | float | None) -> str:
    if value is None or value == "":
        return ""
    return _number(value)


@register.filter
def percent_of(part: Decimal | None, whole: Decimal | None) -> int:
    """Whole percent of part in whole, clamped to 0..100 (progress bars)."""
    if not part or not whole:
        return 0
    return max(0, min(100, int(Decimal(part) * 100 / Decimal(whole))))


@register.filter
def industry_label(code: str) -> str:
    """C3985 · 制造业 (the section name of GB/T 4754-2017)."""
    if not code:
        return ""
    section = INDUSTRY_SECTIONS.get(code[:1].upper(), "")
    return f"{code} · {section}" if section else code


@register.filter
def liaison_phone(user: User | None) -> str:
    """The liaison's mobile (the link is two-way: their enterprises may call them)."""
    if user is None:
        return ""
    try:
        staff = user.staff
    except Staff.DoesNotExist:
        return ""
    return staff_phone(staff)


@register.filter
def staff_attr(user: User | None, name: str) -> str:
    """A field of the staff profile (position, office_phone), blank when there is none."""
    if user is None:
        return ""
    try:
        staff = user.staff
    except Staff.DoesNotExist:
        return ""
    return str(getattr(staff, name, "") or "")


@register.filter
def tel(phone: str) -> str:
    """A tel: URI (digits and + only)."""
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


@register.simple_tag
def enterprise_contact(enterprise: Any) -> dict[str, str]:
    """The enterprise's contact person with the phone masked (PI-2: unmasking is a separate,
    audited action)."""
    name, phone = enterprise_contacts(enterprise)
    return {"name": name, "phone": mask_phone(phone) if phone else ""}


@dataclass(frozen=True)
class MilestoneInfo:
    state: str  # done | done_late | overdue | pending
    days: int  # days late (done_late, overdue) or days left (pending)


@register.filter
def milestone_info(milestone: Milestone) -> MilestoneInfo:
    today = timezone.localdate()
    if milestone.actual_on is not None:
        late = (milestone.actual_on - milestone.planned_on).days
        return MilestoneInfo("done_late" if late > 0 else "done", max(late, 0))
    if milestone.planned_on < today:
        return MilestoneInfo("overdue", (today - milestone.planned_on).days)
    return MilestoneInfo("pending", (milestone.planned_on - today).days)


@register.filter
def project_overdue_days(project: Project) -> int:
    """Days the most-overdue open milestone is behind (0 = on schedule), from prefetched rows."""
    today = timezone.localdate()
    late = [
        (today - m.planned_on).days for m in project.milestones.all() if m.actual_on is None and m.planned_on < today
    ]
    return max(late, default=0)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def elided_pages(page: Any) -> list[int | str]:
    """Page numbers around the current one, with … for the gaps (1 2 … 7 8 9 … 41 42)."""
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [n if isinstance(n, int) else "…" for n in pages]


@register.simple_tag
def industry_sections() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in INDUSTRY_SECTIONS.items()]


CODE_CHOICES: dict[str, list[tuple[str, Any]]] = {
    "ownership": list(Ownership.choices),
    "specialized": [c for c in Specialized.choices if c[0] != Specialized.NONE],
    "project_status": list(ProjectStatus.choices),
}


@register.simple_tag
def code_choices(kind: str) -> list[tuple[str, str]]:
    """(value, translated label) pairs of a code set, for filter selects."""
    return [(value, str(label)) for value, label in CODE_CHOICES[kind]]


@register.filter
def enterprise_links(links: Any) -> list[Any]:
    """Open links to the enterprise itself, the primary liaison first."""
    return sorted((link for link in links if link.project_id is None), key=lambda link: link.role != "primary")


@register.filter
def project_links(links: Any) -> list[Any]:
    """Open links to single projects of the enterprise, primary first."""
    return sorted((link for link in links if link.project_id is not None), key=lambda link: link.role != "primary")
