"""UploadGuardMiddleware (IP-6 b, RI-2): the request-level half of the attachment rules.

1. A request whose declared body (Content-Length) is larger than the biggest upload Qifu accepts
   — `settings.UPLOAD_MAX_MB` or `settings.IMPORT_MAX_BYTES`, whichever is larger, plus
   `FORM_SLACK_BYTES` for the other form fields and the multipart framing — is answered 413
   before a byte of the body is read: JSON `{"code": "file_too_large", …}` under /api/, a short
   page otherwise. nginx in front carries the same limit (client_max_body_size); this is the
   second wall. `file_store` still checks each file's own size.
2. The request runs inside `pending_files_scope()`: a file stored during the request whose
   transaction never committed is deleted when the response is ready.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from qifu.files.errors import FileErrorCode
from qifu.files.services import upload_max_bytes
from qifu.files.storage import pending_files_scope

FORM_SLACK_BYTES = 1024 * 1024
logger = logging.getLogger(__name__)


def request_max_bytes() -> int:
    return max(upload_max_bytes(), int(getattr(settings, "IMPORT_MAX_BYTES", 0))) + FORM_SLACK_BYTES


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None  # absent or malformed: Django reads no body it cannot bound


def _too_large_response(request: HttpRequest) -> HttpResponse:
    mb = int(settings.UPLOAD_MAX_MB)
    detail = _("上传的内容过大：单个附件不能超过 %(mb)d MB。") % {"mb": mb}
    if request.path.startswith("/api/"):
        body = {"code": FileErrorCode.TOO_LARGE.value, "detail": detail, "max_mb": mb}
        return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
    page = f'<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>413</title><p>{escape(detail)}</p></html>'
    return HttpResponse(page, status=413, content_type="text/html; charset=utf-8")


class UploadGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is not None and length > request_max_bytes():
            logger.warning("request body too large", extra={"path": request.path, "content_length": length})
            return _too_large_response(request)
        with pending_files_scope():
            return self.get_response(request)
