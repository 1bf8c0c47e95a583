"""`{% case_commons case as links %}` for the case page: what commons knows of this case."""

from typing import Any

from django import template

from qifu.access.actor import Actor
from qifu.commons.selectors import case_links, may_merge

register = template.Library()


@register.simple_tag(takes_context=True)
def case_commons(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if case is None or user is None or not user.is_authenticated:
        return {}
    actor = Actor.of(user)
    links = case_links(actor=actor, case=case)
    return {"merged_into": links.merged_into, "problem": links.problem, "may_merge": may_merge(actor, case)}
