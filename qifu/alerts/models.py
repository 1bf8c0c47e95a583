"""Early warnings (预警, PRODUCT.md §2.5 "赶在企业受阻之前"; issue 6 item 3).

- `Alert`: one proactive task for a liaison, with a working-day deadline, raised by the scan
  (`services.alerts_scan`) when an enterprise enters 显著下滑, a derived indicator crosses an
  `AlarmRule`, or a project milestone passes its planned date without an actual date.
  Two database rules keep it single (docs/ALERTS.md):
  * `key` = kind | enterprise | project | subject (the indicator field, the milestone id, or
    "declining") — at most ONE OPEN alert per key (partial unique index; "never a duplicate while
    one is open");
  * (`key`, `period`) — the period is the month of the figures (YYYY-MM) or the milestone's
    planned date: an alert closed while the condition still holds is never raised again for the
    same period (plain unique index, any state).
- `AlarmRule`: the zone's alarm thresholds on the derived indicator fields (data, edited by the
  desk on /alerts/rules/ and in the admin).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class AlertKind(models.TextChoices):
    DECLINING = "declining", _("进入显著下滑清单")
    INDICATOR = "indicator", _("指标预警")
    MILESTONE = "milestone", _("项目节点滞后")


class AlertState(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已处理")
    DISMISSED = "dismissed", _("已忽略")


class Comparison(models.TextChoices):
    LT = "lt", _("低于")
    LTE = "lte", _("低于或等于")


class Alert(BaseModel):
    """One early warning: a proactive task for the liaison (or the desk when nobody is linked)."""

    kind = models.CharField(_("类型"), max_length=16, choices=AlertKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("企业"),
    )  # fmt: skip
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("项目")
    )
    subject = models.CharField(_("预警对象"), max_length=64)
    key = models.CharField(_("去重键"), max_length=120, editable=False)
    period = models.CharField(_("周期"), max_length=10)  # YYYY-MM of the figures, or the planned date
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("责任人"),
    )  # fmt: skip
    state = models.CharField(_("状态"), max_length=10, choices=AlertState.choices, default=AlertState.OPEN)
    raised_at = models.DateTimeField(_("预警时间"))
    due_on = models.DateField(_("处理期限"))
    facts = models.JSONField(_("依据"), default=dict, blank=True)
    message = models.CharField(_("预警内容"), max_length=300)
    closed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("处理人"),
    )  # fmt: skip
    close_note = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(state="open"), name="alerts_one_open_per_key"),
            models.UniqueConstraint(fields=["key", "period"], name="alerts_once_per_period"),
        ]
        indexes = [
            models.Index(fields=["liaison", "state", "due_on"], name="alerts_liaison_state_due"),
            models.Index(fields=["state", "kind", "raised_at"], name="alerts_state_kind_raised"),
            # the desk's and leaders' open list, by deadline: no sort of every open alert per page
            models.Index(fields=["state", "due_on", "id"], name="alerts_state_due"),
            models.Index(fields=["enterprise", "state"], name="alerts_enterprise_state"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_open(self) -> bool:
        return self.state == AlertState.OPEN

    @property
    def is_overdue(self) -> bool:
        """Open and past its deadline (Beijing's date)."""
        return self.is_open and self.due_on < timezone.localdate()


class AlarmRule(BaseModel):
    """An alarm threshold on one derived indicator field (one rule per field)."""

    field = models.CharField(_("指标"), max_length=32, unique=True)
    comparison = models.CharField(_("比较"), max_length=4, choices=Comparison.choices, default=Comparison.LTE)
    threshold = models.DecimalField(_("阈值"), max_digits=16, decimal_places=6)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修改人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("预警阈值")
        verbose_name_plural = _("预警阈值")
        ordering = ["field"]

    def __str__(self) -> str:
        return f"{self.field} {self.comparison} {self.threshold}"
