"""/api/v1/suggestions: 建议 over the API (PRODUCT.md §2.3, §3). Operations only; visibility as
for the pages (`scope_suggestions`): a suggestion outside the caller's scope answers 404."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.suggestions.schemas import (
    AnswerIn,
    AssignIn,
    SuggestionFilter,
    SuggestionIn,
    SuggestionOut,
    SuggestionPageOut,
    suggestion_out,
)
from qifu.suggestions.selectors import suggestion_enterprise, suggestion_filtered, suggestion_get, suggestion_list
from qifu.suggestions.services import suggestion_answer, suggestion_assign, suggestion_close, suggestion_submit

router = Router(tags=["suggestions"])

STEP_ERRORS = (
    "Errors: 404 `not_found` (missing or outside the caller's scope); 403 `suggestion_assign_forbidden`, "
    "`suggestion_answer_forbidden`, `suggestion_close_forbidden`; 409 `suggestion_already_answered`, "
    "`suggestion_invalid_state`; 422 `required`, `too_long`, `unknown_topic`, `unknown_department`. "
    "A refused step changes nothing."
)


@router.get("", response={200: SuggestionPageOut, **errors()}, summary="Suggestions in my scope")
def list_suggestions(request: HttpRequest, filters: Query[SuggestionFilter], page: Query[PageIn]) -> dict[str, Any]:
    """Filters (topic, month YYYY-MM, state) narrow the caller's scope; newest first; `{"items", "count"}`."""
    actor, wanted = actor_of(request), filters.to_filters()
    found = page_of(
        suggestion_list(actor=actor, filters=wanted),
        count_from=suggestion_filtered(actor=actor, filters=wanted),
        page=page,
    )
    return {"items": [suggestion_out(s) for s in found["items"]], "count": found["count"]}


@router.post(
    "",
    response={201: SuggestionOut, **errors(404)},
    summary="Submit a suggestion",
    description="Enterprise users (for their own enterprise), cadres and deputies (optionally about an "
    "enterprise in their scope). 403 `suggestion_submit_forbidden`; 404 `not_found` (enterprise outside the "
    "scope); 422 `required`, `too_long`, `unknown_topic`.",
)
def create_suggestion(request: HttpRequest, payload: SuggestionIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    enterprise = suggestion_enterprise(actor=actor, uscc=payload.enterprise)
    created = suggestion_submit(
        actor=actor, text=payload.text, title=payload.title, topic=payload.topic or None, enterprise=enterprise
    )
    return Status(201, suggestion_out(suggestion_get(actor=actor, suggestion_id=created.pk)))


@router.get("/{int:suggestion_id}", response={200: SuggestionOut, **errors(404)}, summary="One suggestion")
def get_suggestion(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    """With its answer once answered; 404 when missing or outside the caller's scope."""
    return suggestion_out(suggestion_get(actor=actor_of(request), suggestion_id=suggestion_id))


@router.post(
    "/{int:suggestion_id}/assign",
    response={200: SuggestionOut, **errors(404, 409)},
    summary="Tag and assign (service desk)",
    description=STEP_ERRORS,
)
def assign(request: HttpRequest, suggestion_id: int, payload: AssignIn) -> dict[str, Any]:
    actor = actor_of(request)
    suggestion_assign(actor=actor, suggestion=suggestion_id, department=payload.department, topic=payload.topic or None)
    return suggestion_out(suggestion_get(actor=actor, suggestion_id=suggestion_id))


@router.post(
    "/{int:suggestion_id}/answer",
    response={200: SuggestionOut, **errors(404, 409)},
    summary="Answer (the assigned department, or the desk)",
    description=STEP_ERRORS,
)
def answer(request: HttpRequest, suggestion_id: int, payload: AnswerIn) -> dict[str, Any]:
    actor = actor_of(request)
    suggestion_answer(actor=actor, suggestion=suggestion_id, answer=payload.answer)
    return suggestion_out(suggestion_get(actor=actor, suggestion_id=suggestion_id))


@router.post(
    "/{int:suggestion_id}/close",
    response={200: SuggestionOut, **errors(404, 409)},
    summary="Close an answered suggestion (the desk or the author)",
    description=STEP_ERRORS,
)
def close(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    suggestion_close(actor=actor, suggestion=suggestion_id)
    return suggestion_out(suggestion_get(actor=actor, suggestion_id=suggestion_id))
