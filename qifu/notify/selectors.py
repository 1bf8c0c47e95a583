"""Inbox reads (PRODUCT.md §2.3). An inbox is private: the scope is "addressed to me", for every role."""

from django.db.models import QuerySet

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.core.errors import NotFound
from qifu.notify.models import Notification

UNREAD_BADGE_CAP = 100  # the badge shows "99+": counting further reads rows for nothing


def scope_notifications(actor: Actor) -> QuerySet[Notification]:
    """What the actor may see: their own notifications, nobody else's (leaders and admins included)."""
    return Notification.objects.filter(recipient_id=actor.id)


def notification_list(*, actor: Actor, unread: bool = False) -> QuerySet[Notification]:
    """The inbox, newest first; `unread` keeps the unread items only."""
    qs = scope_notifications(actor)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    """One of the actor's notifications; someone else's is NotFound, exactly like a missing one."""
    notification = scope_notifications(actor).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("notification not found")
    return notification


def notification_unread_count(*, user: User) -> int:
    """The top-bar badge: one COUNT over the (recipient, read_at, created_at) index, capped."""
    if user._state.adding:  # an unsaved user (a rendered sample page) has no inbox
        return 0
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    return unread.values("pk")[:UNREAD_BADGE_CAP].count()
