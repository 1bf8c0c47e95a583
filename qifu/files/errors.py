"""Stable error codes of the attachments app (tests assert these, never the wording)."""

from enum import StrEnum

from qifu.core.errors import RuleViolation


class FileErrorCode(StrEnum):
    TYPE_NOT_ALLOWED = "file_type_not_allowed"
    TOO_LARGE = "file_too_large"
    EMPTY = "file_empty"
    INFECTED = "file_infected"
    INVALID = "file_invalid"


class FileTooLarge(RuleViolation):
    """Over `settings.UPLOAD_MAX_MB`: answered 413, as the middleware answers a too-long request."""

    http_status = 413
