"""Membership of the four service lists (四张企业服务清单, PRODUCT.md §2.5), month by month.

A row says: in MONTH, ENTERPRISE was on LIST (by the list's rule, or added by hand with a reason).
The latest month with any row is the current snapshot; the policy conditions' `service_lists`
field reads it (formats.md). The rules that fill a month and the manual overrides that survive
re-evaluation belong to the service-lists work (issue 6); this table is the shape they write.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class MembershipSource(models.TextChoices):
    RULE = "rule", _("规则")
    MANUAL = "manual", _("人工")


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
