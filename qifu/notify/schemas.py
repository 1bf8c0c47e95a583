"""API shapes for the inbox (PRODUCT.md §2.3)."""

from datetime import datetime

from ninja import Field, Schema


class NotificationFilter(Schema):
    unread: bool = Field(False, description="only the unread notifications")


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="event code, e.g. case_dispatched")
    title: str
    body: str
    url: str = Field(description="path on this site to open ('' when none)")
    urgent: bool
    enterprise_id: int | None
    read: bool
    read_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_read(obj: object) -> bool:
        return getattr(obj, "read_at", None) is not None


class ReadAllOut(Schema):
    updated: int = Field(description="how many notifications were marked read")
