"""Template helpers of the project pages: the board status badge, percentages, days behind."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import template
from django.utils import timezone

from qifu.projects.models import MilestoneKind
from qifu.projects.progress import BOARD_STATUS_LABELS, BoardStatus

register = template.Library()

BADGES = {
    BoardStatus.LATE: "qf-badge-delayed",  # UX.md: red
    BoardStatus.AT_RISK: "qf-badge-soon",  # amber
    BoardStatus.ON_SCHEDULE: "qf-badge-ontrack",
}


@dataclass(frozen=True)
class Badge:
    css: str
    label: str


@register.filter
def board_badge(status: str) -> Badge:
    code = BoardStatus(status) if status in BoardStatus.__members__.values() else BoardStatus.ON_SCHEDULE
    return Badge(BADGES[code], str(BOARD_STATUS_LABELS[code]))


@register.filter
def share_pct(part: Decimal | None, whole: Decimal | None) -> str:
    """Whole percent of part in whole, not clamped (a plan can be exceeded); "—" without a whole."""
    if not whole:
        return "—"
    return f"{Decimal(part or 0) * 100 / Decimal(whole):.0f}%"


@register.filter
def elapsed_pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.0f}%"


@register.filter
def days_behind(planned_on: date | None) -> int:
    """Calendar days from a past plan date to today (0 when none)."""
    if planned_on is None:
        return 0
    return max(0, (timezone.localdate() - planned_on).days)


@register.filter
def milestone_label(kind: str | None) -> str:
    return str(MilestoneKind(kind).label) if kind in MilestoneKind.values else ""
