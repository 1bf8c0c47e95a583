"""Template helpers of the case lists: the deadline cell of a row, and the enterprise 360 page's
latest cases (a tag, so the registry app's view needs no import of the cases app)."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases.deadlines import cn_date
from qifu.cases.models import Case, CaseState
from qifu.cases.rows import CaseRow
from qifu.cases.selectors_lists import RowClock, enterprise_cases, row_clock
from qifu.cases.services import local_today

register = template.Library()


@register.filter
def case_clock(case: Case) -> RowClock:
    """`{% with clock=c|case_clock %}`: due date, working days left, level ("", due_soon, overdue)."""
    return row_clock(case)


@register.simple_tag(takes_context=True)
def latest_cases(context: dict[str, Any], enterprise: Any) -> list[Case]:
    """`{% latest_cases e as cases %}`: the latest cases of `enterprise` the signed-in user may see."""
    user = context.get("user")
    if not isinstance(user, User) or not getattr(enterprise, "pk", None):
        return []
    return enterprise_cases(actor=Actor.of(user), enterprise_id=enterprise.pk)


@register.simple_tag
def case_states() -> list[tuple[str, str]]:
    """`{% case_states as states %}`: (code, label) of every state, for the ledger's filter."""
    return [(str(value), str(label)) for value, label in CaseState.choices]


_badges: dict[tuple[str, str], str] = {}


@register.simple_tag
def case_state(case: Case | CaseRow) -> str:
    """`{% case_state c %}`: the state badge in the UX.md colours, built once per (language, state)."""
    key = (get_language() or "", case.state)
    badge = _badges.get(key)
    if badge is None:
        badge = _badges[key] = format_html(
            '<span class="qf-state qf-state-{}">{}</span>', case.state, case.get_state_display()
        )
    return badge


def _short_date(value: datetime, today: date) -> str:
    """The 提出时间 cell: 12月5日 this year, 2025年12月5日 before (the words of `qifu_ui.cn_date`)."""
    day = timezone.localtime(value).date()
    if day.year == today.year:
        return gettext("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}
    return gettext("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@register.simple_tag
def case_rows(cases: Iterable[Case | CaseRow], show_enterprise: bool = False) -> SafeString:
    """`{% case_rows cases show_enterprise %}`: the `<tr>`s of a case list (partials/_rows.html), one
    string per row (cases/rows.py says why); `cases` are `CaseRow`s or `Case`s."""
    out: list[str] = []
    today = local_today()
    for item in cases:
        c = item if isinstance(item, CaseRow) else CaseRow.of(item)
        name = escape(c.enterprise_name)
        out.append(
            ('<tr class="qf-row-green">' if c.green_channel else "<tr>")
            + f'<td><a href="/cases/{c.pk}/" class="stretched-link fw-medium">{escape(c.title)}</a>'
            + f'<div class="small text-body-secondary qf-mono">{escape(c.number)}'
            + (f'<span class="d-md-none"> · {name}</span></div></td>' if show_enterprise else "</div></td>")
            + (f'<td class="d-none d-md-table-cell">{name}</td>' if show_enterprise else "")
            + f'<td class="d-none d-lg-table-cell">{escape(c.category_name or "—")}</td>'
            + f'<td class="d-none d-md-table-cell">{escape(c.department_name or "—")}</td>'
            + f"<td>{case_state(c)}</td><td>{_due_cell(c, today)}</td>"
            + f'<td class="d-none d-lg-table-cell qf-nowrap">{_short_date(c.submitted_at, today)}</td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above or by format_html


def _due_class(level: str, *, quiet: str = "") -> str:
    return {"overdue": " qf-overdue-text", "due_soon": " qf-due-soon-text"}.get(level, quiet)


@register.simple_tag
def case_due(case: Case | CaseRow) -> str:
    """`{% case_due c %}`: the deadline cell (UX.md §5): the date, working days left or late in amber
    or red, and the 督办 and 绿色通道 badges."""
    return _due_cell(case, local_today())


def _due_cell(case: Case | CaseRow, today: date) -> str:
    clock = row_clock(case, today)
    parts: list[str] = []
    if clock.due:
        parts.append(
            format_html('<span class="qf-due{}">{}</span>', _due_class(clock.level), cn_date(clock.due, today))
        )
        if clock.remaining is not None:
            if clock.late:
                words = ngettext("超期 %(n)s 个工作日", "超期 %(n)s 个工作日", clock.late) % {"n": clock.late}
            elif clock.remaining == 0:
                words = gettext("今日到期")
            else:
                words = ngettext("剩 %(n)s 个工作日", "剩 %(n)s 个工作日", clock.remaining) % {"n": clock.remaining}
            quiet = " text-body-secondary"
            parts.append(
                format_html('<div class="small qf-due{}">{}</div>', _due_class(clock.level, quiet=quiet), words)
            )
    elif clock.level == "overdue":
        parts.append(format_html('<span class="qf-overdue-text">{}</span>', gettext("已超期")))
    else:
        parts.append(mark_safe('<span class="text-body-tertiary">—</span>'))
    if case.supervised:
        parts.append(format_html('<span class="qf-badge qf-badge-supervised">{}</span>', gettext("督办")))
    if case.green_channel:
        parts.append(format_html('<span class="qf-badge qf-badge-green">{}</span>', gettext("绿色通道")))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
