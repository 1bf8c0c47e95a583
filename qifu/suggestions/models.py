"""Suggestions (建议, 真心真意听建议; PRODUCT.md §2.3, issue 4 item 5): collected from enterprises,
liaisons and deputies, tagged by topic and assigned to a department by the service desk, answered
by that department, read back by the author with the answer; leaders see them by topic and month.

Every row carries the enterprise key (null only for a liaison's or deputy's suggestion about no
particular enterprise) so the table can be sharded by enterprise later (PRODUCT.md §4). `month`
(the first day of the Beijing month of filing) is stored so the leaders' counts by topic and month
are index-only group-bys instead of date arithmetic per row.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class SuggestionTopic(models.Model):
    """建议类别. `code` is stable (seeded by a data migration); the zone may rename, add or retire
    topics in the admin."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")

    def __str__(self) -> str:
        return self.name


class SuggestionState(models.TextChoices):
    SUBMITTED = "submitted", _("待分办")
    ASSIGNED = "assigned", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已关闭")


class SuggestionSource(models.TextChoices):
    PORTAL = "portal", _("企业端")
    LIAISON = "liaison", _("挂钩干部")
    DEPUTY = "deputy", _("人大代表")
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("会议活动")
    PHONE = "phone", _("电话")
    API = "api", _("接口")


class Suggestion(BaseModel):
    """建议."""

    # Foreign keys led by a composite index below carry no index of their own.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("企业"),
        db_index=False,
    )
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人"), db_index=False
    )
    author_role = models.CharField(_("提出人角色"), max_length=16)
    source = models.CharField(
        _("来源"), max_length=16, choices=SuggestionSource.choices, default=SuggestionSource.PORTAL
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    topic = models.ForeignKey(
        SuggestionTopic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("类别"),
        db_index=False,
    )
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("建议内容"), max_length=5000)
    state = models.CharField(
        _("状态"), max_length=16, choices=SuggestionState.choices, default=SuggestionState.SUBMITTED
    )
    month = models.DateField(_("月份"), help_text=_("提出时所在月份的第一天（北京时间）"))

    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复部门"),
        db_index=False,
    )
    assigned_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("分办人")
    )
    assigned_at = models.DateTimeField(_("分办时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("答复人")
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("建议")
        verbose_name_plural = _("建议")
        indexes = [
            # the enterprise's own list ("my suggestions" of an enterprise user, the liaison's enterprises)
            models.Index(fields=["enterprise", "-created_at"], name="sugg_enterprise_created"),
            # a liaison's or deputy's own list
            models.Index(fields=["author", "-created_at"], name="sugg_author_created"),
            # the desk queue (oldest first per state)
            models.Index(fields=["state", "created_at"], name="sugg_state_created"),
            # the department queue (only rows with a department)
            models.Index(
                fields=["department", "state", "created_at"],
                name="sugg_dept_state",
                condition=Q(department__isnull=False),
            ),
            # the leaders' counts by topic and month, with and without a topic filter
            models.Index(fields=["month", "topic", "state"], name="sugg_month_topic"),
            models.Index(fields=["topic", "month"], name="sugg_topic_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="assigned") | Q(department__isnull=False),
                name="sugg_assigned_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["answered", "closed"]) | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="sugg_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.title
