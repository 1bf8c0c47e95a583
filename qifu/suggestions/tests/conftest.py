"""Suggestions driven to each state through the real services."""

from typing import Any

from qifu.access.actor import Actor
from qifu.conftest import Cast
from qifu.suggestions.models import Suggestion
from qifu.suggestions.services import suggestion_answer, suggestion_assign, suggestion_close, suggestion_submit


def actor(cast: Cast, who: str) -> Actor:
    return Actor.of(getattr(cast, who))


def submit(cast: Cast, who: str = "ent_a", **data: Any) -> Suggestion:
    fields: dict[str, Any] = {"text": "建议在园区增设公交线路，方便员工通勤。", **data}
    return suggestion_submit(actor=actor(cast, who), **fields)


def given(cast: Cast, state: str, who: str = "ent_a", department: str = "JFJ", **data: Any) -> Suggestion:
    """A suggestion in `state`, reached through the services: filed by `who`, assigned to `department`."""
    s = submit(cast, who, **data)
    if state == "submitted":
        return s
    s = suggestion_assign(actor=actor(cast, "desk"), suggestion=s, department=department, topic="infrastructure")
    if state == "assigned":
        return s
    answerer = {"JFJ": "jfj_handler", "KJJ": "kjj_handler"}.get(department, "desk")
    s = suggestion_answer(actor=actor(cast, answerer), suggestion=s, answer="已与公交公司协调，下月开通园区专线。")
    if state == "answered":
        return s
    return suggestion_close(actor=actor(cast, "desk"), suggestion=s)
