"""/api/v1/events: enterprise salons — list, detail, register, cancel, attendance (PRODUCT.md §2.7)."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.enterprises.selectors import enterprise_get
from qifu.meetings.schemas import (
    AttendanceIn,
    EventIn,
    EventInviteIn,
    EventOut,
    EventPageOut,
    RegisterIn,
    event_out,
    event_row,
)
from qifu.meetings.selectors import event_get, event_list, event_page
from qifu.meetings.services_events import (
    event_attendance,
    event_cancel,
    event_create,
    event_invite,
    event_register,
)

router = Router(tags=["events"])
When = Literal["", "upcoming", "past"]

RULES = (
    "403 `event_forbidden` (organisers only), `registration_enterprise_only`; 404 `not_found` (missing, or an "
    "event the enterprise is not invited to); 409 `registration_closed`, `event_full` (with `seats_left`), "
    "`already_registered`, `not_registered`, `event_cancelled`, `event_not_started`; 422 `event_in_past`, "
    "`event_bad_close`, `required`, `too_long`, `out_of_range`. A refused request changes nothing."
)


@router.get("", response={200: EventPageOut, **errors()}, summary="Events in my scope")
def list_events(request: HttpRequest, page: Query[PageIn], when: When = "") -> dict[str, Any]:
    """`when`: `upcoming`, `past` or empty; an enterprise sees the events it is invited to."""
    rows = event_list(actor=actor_of(request), when=when)
    result = page_of(rows, count_from=rows, page=page)
    return {"items": [event_row(e) for e in result["items"]], "count": result["count"]}


@router.post("", response={201: EventOut, **errors(404, 409)}, summary="Plan an event", description=RULES)
def create_event(request: HttpRequest, payload: EventIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    event = event_create(actor=actor, data=payload.to_data())
    return Status(201, event_out(event_page(actor=actor, event_id=event.pk)))


@router.get("/{int:event_id}", response={200: EventOut, **errors(404)}, summary="One event with its counts")
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return event_out(event_page(actor=actor_of(request), event_id=event_id))


@router.post(
    "/{int:event_id}/invites",
    response={200: EventOut, **errors(404, 409)},
    summary="Invite enterprises",
    description=RULES,
)
def invite(request: HttpRequest, event_id: int, payload: EventInviteIn) -> dict[str, Any]:
    actor = actor_of(request)
    event_get(actor=actor, event_id=event_id)
    found = [enterprise_get(actor=actor, uscc=u) for u in payload.enterprises]
    event_invite(actor=actor, event_id=event_id, enterprises=found)
    return event_out(event_page(actor=actor, event_id=event_id))


@router.post(
    "/{int:event_id}/register",
    response={201: EventOut, **errors(404, 409)},
    summary="Register (enterprise)",
    description=RULES,
)
def register(request: HttpRequest, event_id: int, payload: RegisterIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    event_register(actor=actor, event_id=event_id, attendees=payload.attendees)
    return Status(201, event_out(event_page(actor=actor, event_id=event_id)))


@router.post(
    "/{int:event_id}/cancel",
    response={200: EventOut, **errors(404, 409)},
    summary="Cancel my registration",
    description=RULES,
)
def cancel(request: HttpRequest, event_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    event_cancel(actor=actor, event_id=event_id)
    return event_out(event_page(actor=actor, event_id=event_id))


@router.post(
    "/{int:event_id}/attendance",
    response={200: EventOut, **errors(404, 409)},
    summary="Mark attendance (organisers)",
    description=RULES,
)
def attendance(request: HttpRequest, event_id: int, payload: AttendanceIn) -> dict[str, Any]:
    actor = actor_of(request)
    event_attendance(actor=actor, event_id=event_id, registration_id=payload.registration, attended=payload.attended)
    return event_out(event_page(actor=actor, event_id=event_id))
