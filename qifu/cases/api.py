"""/api/v1/cases: requests and the problem ledger over the API (PRODUCT.md §3). Operations only."""

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from qifu.api import actor_of
from qifu.cases.schemas import (
    ActionIn,
    CaseFilter,
    CaseIn,
    CaseOut,
    CasePageOut,
    EventOut,
    MessageIn,
    case_out,
    event_out,
)
from qifu.cases.selectors import (
    case_attachment_get,
    case_filtered,
    case_get,
    case_last_message,
    case_list,
    case_messages,
    case_view,
    filed_view,
    filing_enterprise,
)
from qifu.cases.services import case_act, case_filing
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.files.web import file_response

router = Router(tags=["cases"])

ACTION_ERRORS = (
    "Errors: 404 `not_found` (missing or outside the caller's scope); 409 `action_not_allowed` (the caller "
    "does not own the action or the state does not allow it), `extension_pending`, `return_pending`, "
    "`info_pending`, `parts_open`, `no_pending_extension`, `no_pending_return`, `no_info_request`; 422 "
    "`unknown_action`, `required`, `too_long`, `invalid_choice`, `unknown_category`, `unknown_department`, "
    "`invalid_assist`, `unknown_handler`, `out_of_range`. A refused action changes nothing."
)


@router.get("", response={200: CasePageOut, **errors()}, summary="The ledger: cases in my scope")
def list_cases(request: HttpRequest, filters: Query[CaseFilter], page: Query[PageIn]) -> dict[str, Any]:
    """Filters narrow the caller's scope and never widen it; newest first; `{"items", "count"}`."""
    actor, wanted = actor_of(request), filters.to_filters()
    return page_of(
        case_list(actor=actor, filters=wanted), count_from=case_filtered(actor=actor, filters=wanted), page=page
    )


@router.post(
    "",
    response={201: CaseOut, **errors(404)},
    summary="File a request",
    description="403 `case_file_forbidden` (roles that do not file); 404 `not_found` (enterprise outside the "
    "caller's scope); 422 `required`, `too_long`, `invalid_choice`, `unknown_category`, `unknown_project`.",
)
def create_case(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    enterprise = filing_enterprise(actor=actor, uscc=payload.enterprise)
    filed = case_filing(actor=actor, enterprise=enterprise, data=payload.to_data())
    return Status(201, case_out(filed_view(actor=actor, filed=filed)))


@router.get("/{int:case_id}", response={200: CaseOut, **errors(404)}, summary="One case with its timeline")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The enterprise sees public events only; 404 when missing or outside the caller's scope."""
    return case_out(case_view(actor=actor_of(request), case_id=case_id))


@router.post(
    "/{int:case_id}/actions",
    response={200: CaseOut, **errors(404, 409)},
    summary="Take an action",
    description=ACTION_ERRORS,
)
def act(request: HttpRequest, case_id: int, payload: ActionIn) -> dict[str, Any]:
    actor = actor_of(request)
    case_act(actor=actor, case_id=case_id, action=payload.action, payload=payload.payload())
    return case_out(case_view(actor=actor, case_id=case_id))


@router.get("/{int:case_id}/messages", response={200: list[EventOut], **errors(404)}, summary="The conversation")
def list_messages(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    """Public messages, and internal notes for staff."""
    actor = actor_of(request)
    case = case_get(actor=actor, case_id=case_id)
    return [event_out(e) for e in case_messages(actor=actor, case=case)]


@router.post("/{int:case_id}/messages", response={201: EventOut, **errors(404, 409)}, summary="Post a message or note")
def post_message(request: HttpRequest, case_id: int, payload: MessageIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    case_act(actor=actor, case_id=case_id, action="message", payload={"text": payload.text, "public": payload.public})
    return Status(201, _last_message(actor, case_id))


@router.post(
    "/{int:case_id}/attachments",
    response={201: EventOut, **errors(404, 409, 413)},
    summary="Attach files (with a message)",
    description="multipart: `files` (one or more), `text`, `public`. 422 `file_type_not_allowed`, "
    "`file_too_large`, `file_empty`; 413 when the request is larger than the upload limit.",
)
def post_attachments(
    request: HttpRequest,
    case_id: int,
    files: File[list[UploadedFile]],
    text: Form[str] = "",
    public: Form[bool] = True,
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    note = text.strip() or "、".join(f.name or "" for f in files)
    case_act(actor=actor, case_id=case_id, action="message", payload={"text": note, "public": public}, files=files)
    return Status(201, _last_message(actor, case_id))


def _last_message(actor: Any, case_id: int) -> dict[str, Any]:
    case = case_get(actor=actor, case_id=case_id)
    return event_out(case_last_message(actor=actor, case=case))


@router.get(
    "/{int:case_id}/attachments/{int:attachment_id}",
    response={200: None, **errors(404)},
    summary="Download an attachment",
    description="The file as an attachment (the enterprise gets public attachments only); 404 outside the scope.",
    openapi_extra={
        "responses": {
            200: {
                "description": "the file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_attachment(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    actor = actor_of(request)
    attachment = case_attachment_get(actor=actor, case_id=case_id, attachment_id=attachment_id)
    return file_response(actor=actor, stored=attachment.file)
