"""Schemas shared by every API router: the error body and the error responses an operation declares."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class ErrorOut(Schema):
    """`{"code", "detail"}`: `code` is a stable snake_case value; extra keys (`errors`, `fields`) may follow."""

    model_config = ConfigDict(extra="allow")

    code: str
    detail: str


def errors(*statuses: int) -> dict[int, Any]:
    """Error responses for `response=`: 401, 403 and 422 always (auth, password expiry, validation)."""
    return {status: ErrorOut for status in sorted({401, 403, 422, *statuses})}
