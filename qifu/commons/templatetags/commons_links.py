"""`{% case_commons view as links %}` for the case page: what commons knows of its case."""

from typing import Any

from django import template

from qifu.access.actor import Actor
from qifu.cases.selectors import CaseView
from qifu.commons.selectors import case_links, may_merge

register = template.Library()


@register.simple_tag(takes_context=True)
def case_commons(context: dict[str, Any], view: CaseView | None) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if view is None or user is None or not user.is_authenticated:
        return {}
    actor, case = Actor.of(user), view.case
    links = case_links(actor=actor, case=case, merged=any(e.action == "merged" for e in view.events))
    return {"merged_into": links.merged_into, "problem": links.problem, "may_merge": may_merge(actor, case)}
