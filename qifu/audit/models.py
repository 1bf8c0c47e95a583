from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")


class AuditEntry(models.Model):
    """One append-only audit record, chained: hash = HMAC-SM3(key, prev_hash || canonical(record)).

    Database triggers refuse UPDATE and DELETE (see the migration); `qifu audit verify` finds the
    first edited, deleted or missing row.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("用户ID"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("用户名"), max_length=160, blank=True)
    actor_role = models.CharField(_("角色"), max_length=16, blank=True)
    action = models.CharField(_("事件"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip = models.CharField(_("来源地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=32, blank=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]


class AuditHead(models.Model):
    """The chain's head (last id and hash); locked while appending so the chain stays linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)
