"""The four service lists (四张企业服务清单, PRODUCT.md §2.5): rules, manual overrides, monthly snapshot.

- `ListRule`: one per list — the condition (formats.md's language, checked with
  `qifu.policies.conditions.parse`), "for N consecutive months", and the list's service strategy
  (visit interval, who is told, the strategy in plain Chinese). Zone policy: data, edited by the
  service desk on a page and in the admin, every change audited.
- `ListOverride`: a person put an enterprise on a list or took it off, with a reason. Open
  overrides are applied again by every evaluation, until someone withdraws them.
- `Membership`: in MONTH, ENTERPRISE was on LIST (by the rule, or by hand with the reason). The
  latest month with any row is the current snapshot; the policy conditions' `service_lists` field
  reads it (formats.md). `services.evaluate_month` writes a month's rows.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel

MAX_MONTHS = 12
MAX_VISIT_INTERVAL_DAYS = 366


class MembershipSource(models.TextChoices):
    RULE = "rule", _("规则")
    MANUAL = "manual", _("人工")


class ListRule(BaseModel):
    """How one list is filled and how its members are served (one row per list)."""

    service_list = models.OneToOneField(
        "reference.ServiceList", on_delete=models.PROTECT, related_name="+", verbose_name=_("清单")
    )
    conditions = models.JSONField(_("条件"), help_text=_("条件语言（formats.md），保存前逐项校验。"))
    months = models.PositiveSmallIntegerField(
        _("连续月数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
        help_text=_("条件须在评估月及之前连续若干个月的月末都成立。"),
    )
    active = models.BooleanField(_("启用"), default=True)
    visit_interval_days = models.PositiveSmallIntegerField(
        _("走访间隔（天）"), default=90, validators=[MinValueValidator(1), MaxValueValidator(MAX_VISIT_INTERVAL_DAYS)]
    )
    notify_liaison = models.BooleanField(_("通知挂钩干部"), default=True)
    notify_department = models.BooleanField(_("通知主管部门"), default=False)
    notify_leaders = models.BooleanField(_("通知区领导"), default=False)
    strategy = models.TextField(_("服务策略"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修改人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("清单规则")
        verbose_name_plural = _("清单规则")

    def __str__(self) -> str:
        return str(self.service_list_id)


class OverrideAction(models.TextChoices):
    ADD = "add", _("人工纳入")
    REMOVE = "remove", _("人工移出")


class ListOverride(BaseModel):
    """An enterprise put on (ADD) or taken off (REMOVE) a list by hand; open while not withdrawn."""

    # Led by the enterprise key (PRODUCT.md §4: shardable by enterprise).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("企业")
    )
    service_list = models.ForeignKey(
        "reference.ServiceList", on_delete=models.PROTECT, related_name="+", verbose_name=_("清单")
    )
    action = models.CharField(_("操作"), max_length=8, choices=OverrideAction.choices)
    reason = models.CharField(_("理由"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("撤销人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("人工调整")
        verbose_name_plural = _("人工调整")
        constraints = [
            # At most one open override per enterprise and list: a second one is refused (409).
            models.UniqueConstraint(
                fields=["enterprise", "service_list"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="servicelists_one_open_override",
            )
        ]
        indexes = [models.Index(fields=["service_list", "withdrawn_at"], name="servicelists_override_open")]

    def __str__(self) -> str:
        return f"{self.action} {self.service_list_id} {self.enterprise_id}"


class Membership(BaseModel):
    month = models.DateField(_("月份"))  # the first day of the month
    service_list = models.ForeignKey(
        "reference.ServiceList", on_delete=models.PROTECT, related_name="+", verbose_name=_("清单")
    )
    # Led by the enterprise key so the table shards by enterprise (PRODUCT.md §4).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("企业")
    )
    source = models.CharField(_("来源"), max_length=8, choices=MembershipSource.choices, default=MembershipSource.RULE)
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("清单成员")
        verbose_name_plural = _("清单成员")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month", "service_list"], name="servicelists_member_once")
        ]
        indexes = [models.Index(fields=["month", "service_list", "enterprise"], name="servicelists_month_list")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.service_list_id} {self.enterprise_id}"
