"""Template helpers of the case lists: the deadline cell of a row, and the enterprise 360 page's
latest cases (a tag, so the registry app's view needs no import of the cases app)."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases.deadlines import cn_date
from qifu.cases.models import Case, CaseState
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


@register.simple_tag
def case_state(case: Case) -> str:
    """`{% case_state c %}`: the state badge in the UX.md colours. Built in Python, not included per
    row: a list renders twenty of these and the template include is most of a page's time."""
    return format_html('<span class="qf-state qf-state-{}">{}</span>', case.state, case.get_state_display())


def _due_class(level: str, *, quiet: str = "") -> str:
    return {"overdue": " qf-overdue-text", "due_soon": " qf-due-soon-text"}.get(level, quiet)


@register.simple_tag
def case_due(case: Case) -> str:
    """`{% case_due c %}`: the deadline cell (UX.md §5): the date, working days left or late in amber
    or red, and the 督办 and 绿色通道 badges."""
    clock = row_clock(case)
    parts: list[str] = []
    if clock.due:
        parts.append(
            format_html('<span class="qf-due{}">{}</span>', _due_class(clock.level), cn_date(clock.due, local_today()))
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
