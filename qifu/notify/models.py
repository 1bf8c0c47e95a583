"""Notifications (PRODUCT.md §2.3): the in-app inbox row, and one delivery row per external channel."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")


class Notification(models.Model):
    """One message in one user's inbox. `dedup_key` makes a repeated event a no-op (unique per recipient)."""

    # No single-column index on recipient: the two composite indexes below both start with it.
    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(_("类型"), max_length=48)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    # The enterprise key (PRODUCT.md §4: hot tables carry it for sharding); no foreign key on purpose.
    enterprise_id = models.BigIntegerField(_("企业"), null=True, blank=True, db_index=True)
    dedup_key = models.CharField(max_length=200, blank=True, default="")
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], condition=~Q(dedup_key=""), name="notify_recipient_dedup_uniq"
            ),
        ]
        indexes = [
            # The unread badge (COUNT … WHERE recipient = ? AND read_at IS NULL) and the unread filter.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notify_unread_idx"),
            # The inbox, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notify_inbox_idx"),
            # notify()'s "already there?" check: the partial unique index above cannot serve a query
            # with the key as a bound parameter on SQLite, and a busy recipient has thousands of rows.
            models.Index(fields=["dedup_key", "recipient"], name="notify_dedup_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """A notification's way out through one external channel. Urgent ones are due at once; the rest
    wait for the recipient's digest (无事不扰). No address is stored: it is looked up when sending,
    so a phone number never sits here in plain text."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    state = models.CharField(_("状态"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    due_at = models.DateTimeField(_("计划发送时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notify_delivery_channel_uniq"),
        ]
        indexes = [
            # The flush scans only what is still to send: a small partial index, whatever the history.
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="notify_delivery_due_idx"),
        ]
