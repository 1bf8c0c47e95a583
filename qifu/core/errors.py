"""One error hierarchy with stable codes.

Services raise these; the API renders `{"code", "detail", **data}` with the HTTP status, and pages
show the (translated) message. Tests assert the `code`, never the wording.
"""

from enum import StrEnum
from typing import Any


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    INVALID = "invalid"
    NOT_AUTHENTICATED = "not_authenticated"
    PASSWORD_EXPIRED = "password_expired"


class QifuError(Exception):
    http_status = 400
    default_code: str = CoreErrorCode.INVALID

    def __init__(self, message: str, *, code: str | None = None, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = str(code or self.default_code)
        self.data = data or {}


class NotFound(QifuError):
    """Missing *or not visible*: the same answer for both, so existence never leaks."""

    http_status = 404
    default_code = CoreErrorCode.NOT_FOUND


class PermissionDenied(QifuError):
    """Only for actions outside any object scope (e.g. an enterprise user creating enterprises)."""

    http_status = 403
    default_code = CoreErrorCode.PERMISSION_DENIED


class Conflict(QifuError):
    http_status = 409
    default_code = CoreErrorCode.CONFLICT


class RuleViolation(QifuError):
    http_status = 422
    default_code = CoreErrorCode.INVALID
