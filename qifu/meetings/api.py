"""/api/v1/meetings: on-site office days and coordination meetings (PRODUCT.md §2.7). Operations only."""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.enterprises.selectors import enterprise_get
from qifu.meetings.minutes import DOCX_CONTENT_TYPE, minutes_docx, minutes_filename
from qifu.meetings.schemas import (
    DecisionIn,
    DecisionOut,
    InviteIn,
    ItemIn,
    ItemOut,
    MeetingIn,
    MeetingOut,
    MeetingPageOut,
    MinutesIn,
    OutcomeIn,
    RespondIn,
    decision_out,
    item_out,
    meeting_out,
    meeting_row,
)
from qifu.meetings.selectors import meeting_get, meeting_item_get, meeting_list, meeting_page
from qifu.meetings.services import (
    meeting_create,
    meeting_decide,
    meeting_invite,
    meeting_item_add,
    meeting_item_outcome,
    meeting_minutes,
    meeting_respond,
)

router = Router(tags=["meetings"])
When = Literal["", "upcoming", "past"]
DOCX_RESPONSE = {
    "description": "the document",
    "content": {DOCX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}

RULES = (
    "403 `meeting_forbidden` (only the desk or the host department's head manage a meeting), "
    "`decision_desk_only`; 404 `not_found` (meeting, case or enterprise missing or outside the caller's "
    "scope); 409 `meeting_not_planned`, `meeting_not_started`, `meeting_cancelled`, `item_duplicate`, "
    "`item_decided`; 422 `meeting_in_past`, `enterprise_not_invited`, `case_final`, `required`, `too_long`, "
    "`invalid_choice`, `out_of_range`, `unknown_department`. A refused request changes nothing."
)


@router.get("", response={200: MeetingPageOut, **errors()}, summary="Meetings in my scope")
def list_meetings(request: HttpRequest, page: Query[PageIn], when: When = "") -> dict[str, Any]:
    """`when`: `upcoming` (soonest first), `past`, or empty (all, newest first); `{"items", "count"}`."""
    rows = meeting_list(actor=actor_of(request), when=when)
    result = page_of(rows, count_from=rows, page=page)
    return {"items": [meeting_row(m) for m in result["items"]], "count": result["count"]}


@router.post("", response={201: MeetingOut, **errors(404, 409)}, summary="Plan a meeting", description=RULES)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    meeting = meeting_create(actor=actor, data=payload.to_data())
    return Status(201, meeting_out(meeting_page(actor=actor, meeting_id=meeting.pk)))


@router.get("/{int:meeting_id}", response={200: MeetingOut, **errors(404)}, summary="One meeting")
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """An enterprise sees its own invitation, its own cases on the agenda and its own decisions only."""
    return meeting_out(meeting_page(actor=actor_of(request), meeting_id=meeting_id))


@router.post(
    "/{int:meeting_id}/invites", response={200: MeetingOut, **errors(404, 409)}, summary="Invite enterprises",
    description="Each enterprise invited is a contact in its disturbance budget (unless `requested`). " + RULES,
)  # fmt: skip
def invite(request: HttpRequest, meeting_id: int, payload: InviteIn) -> dict[str, Any]:
    actor = actor_of(request)
    meeting_get(actor=actor, meeting_id=meeting_id)
    found = [enterprise_get(actor=actor, uscc=u) for u in payload.enterprises]
    meeting_invite(actor=actor, meeting_id=meeting_id, enterprises=found, requested=payload.requested)
    return meeting_out(meeting_page(actor=actor, meeting_id=meeting_id))


@router.post(
    "/{int:meeting_id}/respond", response={200: MeetingOut, **errors(404, 409)}, summary="Answer an invitation",
    description=RULES,
)  # fmt: skip
def respond(request: HttpRequest, meeting_id: int, payload: RespondIn) -> dict[str, Any]:
    actor = actor_of(request)
    target = enterprise_get(actor=actor, uscc=payload.enterprise).pk if payload.enterprise else None
    meeting_respond(actor=actor, meeting_id=meeting_id, state=payload.state, enterprise_id=target)
    return meeting_out(meeting_page(actor=actor, meeting_id=meeting_id))


@router.post(
    "/{int:meeting_id}/items", response={201: ItemOut, **errors(404, 409)}, summary="Put a case on the agenda",
    description=RULES,
)  # fmt: skip
def add_item(request: HttpRequest, meeting_id: int, payload: ItemIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    item = meeting_item_add(actor=actor, meeting_id=meeting_id, case_id=payload.case)
    return Status(201, item_out(meeting_item_get(actor=actor, meeting=item.meeting, item_id=item.pk)))


@router.post(
    "/{int:meeting_id}/items/{int:item_id}/outcome", response={200: ItemOut, **errors(404, 409)},
    summary="Record the outcome for one case",
    description="`resolved_on_spot` answers/resolves the case through its lifecycle when the caller may; "
    "`assigned` dispatches it to the department when the desk still may. " + RULES,
)  # fmt: skip
def outcome(request: HttpRequest, meeting_id: int, item_id: int, payload: OutcomeIn) -> dict[str, Any]:
    actor = actor_of(request)
    meeting_item_outcome(actor=actor, meeting_id=meeting_id, item_id=item_id, data=payload.to_data())
    meeting = meeting_get(actor=actor, meeting_id=meeting_id)
    return item_out(meeting_item_get(actor=actor, meeting=meeting, item_id=item_id))


@router.post(
    "/{int:meeting_id}/decisions", response={201: DecisionOut, **errors(404, 409)},
    summary="Record a decision (becomes a dispatched case, channel onsite_office)", description=RULES,
)  # fmt: skip
def decide(request: HttpRequest, meeting_id: int, payload: DecisionIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    enterprise = enterprise_get(actor=actor, uscc=payload.enterprise)
    decision = meeting_decide(actor=actor, meeting_id=meeting_id, data=payload.to_data(enterprise))
    return Status(201, decision_out(decision))


@router.put(
    "/{int:meeting_id}/minutes", response={200: MeetingOut, **errors(404, 409)},
    summary="Record the minutes (the meeting is then held)", description=RULES,
)  # fmt: skip
def put_minutes(request: HttpRequest, meeting_id: int, payload: MinutesIn) -> dict[str, Any]:
    actor = actor_of(request)
    meeting_minutes(actor=actor, meeting_id=meeting_id, minutes=payload.minutes)
    return meeting_out(meeting_page(actor=actor, meeting_id=meeting_id))


@router.get(
    "/{int:meeting_id}/minutes.docx", response={200: None, **errors(404)}, summary="The minutes as Word",
    openapi_extra={"responses": {200: DOCX_RESPONSE}},
)  # fmt: skip
def get_docx(request: HttpRequest, meeting_id: int) -> HttpResponse:
    page = meeting_page(actor=actor_of(request), meeting_id=meeting_id)
    response = HttpResponse(minutes_docx(page), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{minutes_filename(page)}"'
    return response
