"""/api/v1/notifications: the caller's own inbox (PRODUCT.md §2.3). Operations only."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from qifu.api import actor_of
from qifu.core.pagination import LimitOffset
from qifu.core.schemas import errors
from qifu.notify.models import Notification
from qifu.notify.schemas import NotificationFilter, NotificationOut, ReadAllOut
from qifu.notify.selectors import notification_get, notification_list
from qifu.notify.services import notification_mark_all_read, notification_mark_read

router = Router(tags=["notifications"])


@router.get("", response={200: list[NotificationOut], **errors()}, summary="List my notifications")
@paginate(LimitOffset)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilter]) -> QuerySet[Notification]:
    """Newest first; `unread=true` keeps the unread ones. Only the caller's own notifications."""
    return notification_list(actor=actor_of(request), unread=filters.unread)


@router.post(
    "/read-all",
    response={200: ReadAllOut, **errors()},
    summary="Mark all my notifications read",
)
def read_all_notifications(request: HttpRequest) -> dict[str, int]:
    return {"updated": notification_mark_all_read(actor=actor_of(request))}


@router.post(
    "/{int:notification_id}/read",
    response={200: NotificationOut, **errors(404)},
    summary="Mark one of my notifications read",
    description="Errors: 404 `not_found` (missing, or another user's notification).",
)
def read_notification(request: HttpRequest, notification_id: int) -> Notification:
    actor = actor_of(request)
    notification = notification_get(actor=actor, notification_id=notification_id)
    return notification_mark_read(actor=actor, notification=notification)
