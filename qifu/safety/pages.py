"""What the safety pages show: rows with their deadline, and the words an enterprise reads."""

from dataclasses import dataclass
from datetime import date

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.cases.deadlines import cn_date
from qifu.safety.models import Rectification, RectificationEvent, RectState, SafetyItem
from qifu.safety.selectors import CheckPage, is_authority, is_overdue, on_visit, rectification_events, rectification_get
from qifu.workcal.calendar import zone_calendar


@dataclass(frozen=True)
class RectRow:
    rect: Rectification
    overdue: bool
    remaining: int  # working days left (0 on the due day)
    late: int  # working days late
    plain: str  # the state in plain Chinese for the enterprise


def plain_text(rect: Rectification, *, overdue: bool, remaining: int, late: int) -> str:
    day = cn_date(rect.due, timezone.localdate())
    if rect.state == RectState.VERIFIED:
        return _("整改已验收通过，谢谢配合。")
    if rect.state == RectState.SUBMITTED:
        return _("您已报告整改完成，正在等待安监部门验收或复查。")
    if overdue:
        return _("已超过整改期限（%(day)s）%(n)s个工作日，请尽快整改并在本页报告整改情况。") % {"day": day, "n": late}
    if rect.state == RectState.REOPENED:
        return _("上次整改未通过验收，请在%(day)s前重新整改（还剩%(n)s个工作日）。") % {"day": day, "n": remaining}
    return _("请在%(day)s前完成整改（还剩%(n)s个工作日），完成后在本页报告整改情况。") % {"day": day, "n": remaining}


def rect_rows(rects: list[Rectification], today: date | None = None) -> list[RectRow]:
    today = today or timezone.localdate()
    cal = zone_calendar()
    rows = []
    for rect in rects:
        overdue = is_overdue(rect, today)
        remaining = cal.workdays_between(today, rect.due) if rect.due >= today else 0
        late = max(0, cal.workdays_between(rect.due, today)) if overdue else 0
        rows.append(
            RectRow(
                rect=rect,
                overdue=overdue,
                remaining=remaining,
                late=late,
                plain=plain_text(rect, overdue=overdue, remaining=remaining, late=late),
            )
        )
    return rows


@dataclass(frozen=True)
class RectPage:
    row: RectRow
    events: list[RectificationEvent]
    may_submit: bool
    may_accept: bool  # the authority accepts a reported fix
    may_reopen: bool
    may_escalate: bool
    recheck_visit_id: int  # the check's visit: a re-check visit refers to it


def rectification_page(*, actor: Actor, rectification_id: int) -> RectPage:
    rect = rectification_get(actor=actor, rectification_id=rectification_id)
    row = rect_rows([rect])[0]
    authority = is_authority(actor)
    was_there = not actor.is_enterprise and on_visit(actor, rect.check_record.visit)
    return RectPage(
        row=row,
        events=rectification_events(rect),
        may_submit=actor.is_enterprise and rect.state in (RectState.OPEN, RectState.REOPENED),
        may_accept=authority and rect.state == RectState.SUBMITTED,
        may_reopen=(authority or was_there) and rect.state == RectState.SUBMITTED,
        may_escalate=rect.case_id is None and rect.is_open and (actor.is_liaison or actor.role == "desk"),
        recheck_visit_id=rect.check_record.visit_id,
    )


@dataclass(frozen=True)
class CheckRow:
    """One line of the fill page: the item and what is (or was just) entered for it."""

    item: SafetyItem
    outcome: str
    note: str
    rectify: bool
    days: int
    rect: Rectification | None


def check_rows(page: CheckPage, posted: QueryDict | None = None) -> list[CheckRow]:
    rows = []
    for item in page.items:
        result = page.results.get(item.pk)
        rect = getattr(result, "rectification", None) if result else None
        if posted is not None:
            days = posted.get(f"days_{item.pk}", "")
            rows.append(
                CheckRow(
                    item=item,
                    outcome=posted.get(f"outcome_{item.pk}", ""),
                    note=posted.get(f"note_{item.pk}", ""),
                    rectify=posted.get(f"rectify_{item.pk}", "") == "1",
                    days=int(days) if days.isdigit() and len(days) < 4 else item.days,
                    rect=rect,
                )
            )
        else:
            rows.append(
                CheckRow(
                    item=item,
                    outcome=result.outcome if result else "",
                    note=result.note if result else "",
                    rectify=True,
                    days=rect.days if rect else item.days,
                    rect=rect,
                )
            )
    return rows
