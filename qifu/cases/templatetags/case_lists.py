"""Template helpers of the case lists: the deadline cell of a row, and the enterprise 360 page's
latest cases (a tag, so the registry app's view needs no import of the cases app)."""

from typing import Any

from django import template

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases.models import Case, CaseState
from qifu.cases.selectors_lists import RowClock, enterprise_cases, row_clock

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
