"""Visits and 无事不扰 (PRODUCT.md §2.4): the visit log, the disturbance ledger, the visit plan and
the coverage rollups.

Every table carries the enterprise key (PRODUCT.md §4). Times are stored in UTC; the month of a
visit or a contact is its Asia/Shanghai calendar month, stored as the month's first day so that
the budget and the coverage read indexed equality instead of date arithmetic.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("日常走访")
    JOINT = "joint", _("联合走访")
    POLICY = "policy", _("政策宣讲")
    SAFETY = "safety", _("安全检查")
    COORDINATION = "coordination", _("协调会")
    FOLLOW_UP = "follow_up", _("回访")


class Feedback(models.TextChoices):
    HELPED = "helped", _("帮上了")
    OK = "ok", _("一般")
    DISTURBED = "disturbed", _("打扰了")


# The structured "what was learnt" fields of a visit, in display order.
LEARNT_FIELDS = ("production", "orders", "staffing", "investment", "difficulties")


class Visit(BaseModel):
    """走访: one visit to an enterprise (optionally about one of its projects)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("企业"),
        db_index=False,
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("项目"),
    )
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人"), db_index=False
    )
    visited_at = models.DateTimeField(_("走访时间"))
    kind = models.CharField(_("走访类型"), max_length=16, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    requested = models.BooleanField(_("企业邀请"), default=False)
    joint = models.BooleanField(_("联合走访"), default=False)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    production = models.TextField(_("生产经营"), blank=True)
    orders = models.TextField(_("订单情况"), blank=True)
    staffing = models.TextField(_("用工情况"), blank=True)
    investment = models.TextField(_("投资计划"), blank=True)
    difficulties = models.TextField(_("困难问题"), blank=True)
    notes = models.TextField(_("走访记录"), blank=True)
    suggestions = models.TextField(_("意见建议"), blank=True)
    over_budget = models.BooleanField(_("超出打扰额度"), default=False)
    over_budget_reason = models.TextField(_("超额走访理由"), blank=True)
    feedback = models.CharField(_("企业评价"), max_length=16, choices=Feedback.choices, blank=True)
    feedback_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    feedback_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    recheck_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rechecks", verbose_name=_("复查对象")
    )

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        indexes = [
            models.Index(fields=["enterprise", "visited_at"], name="visit_enterprise_at"),
            models.Index(fields=["author", "visited_at"], name="visit_author_at"),
            models.Index(fields=["visited_at", "id"], name="visit_at_id"),
            models.Index(fields=["kind", "visited_at"], name="visit_kind_at"),
            models.Index(fields=["over_budget", "visited_at"], name="visit_over_budget", condition=Q(over_budget=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_at:%Y-%m-%d}"


class VisitParticipant(models.Model):
    """Who took part (the author too): staff of any department."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants", db_index=False)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "user"], name="visitparticipant_unique")]
        indexes = [
            models.Index(fields=["user", "visit"], name="visitpart_user_visit"),
            models.Index(fields=["department", "visit"], name="visitpart_dept_visit"),
        ]


class VisitPhoto(models.Model):
    """A photo taken on the visit: checked as an image by content, resized (long side ≤ 1600) and
    stripped of EXIF/metadata, then stored like any attachment (qifu.files: outside the web root,
    served through a permission check)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()


class VisitCase(models.Model):
    """A problem raised on a visit: a case with channel `visit`."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_cases")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="visit_link")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)


class ContactKind(models.TextChoices):
    VISIT = "visit", _("走访")
    INSPECTION = "inspection", _("检查")
    MEETING = "meeting", _("会议")
    EVENT = "event", _("活动")


class Contact(models.Model):
    """The disturbance ledger (无事不扰): every contact with an enterprise, by any department.

    One visit (joint or not) is one contact. `counted` is False for contacts the enterprise asked
    for; only counted ones use up the monthly budget."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    on = models.DateField(_("日期"))
    month = models.DateField(_("月份"))
    kind = models.CharField(_("接触方式"), max_length=16, choices=ContactKind.choices)
    source = models.CharField(_("来源"), max_length=16)
    source_id = models.BigIntegerField()
    requested = models.BooleanField(_("企业邀请"), default=False)
    counted = models.BooleanField(_("计入额度"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业接触")
        verbose_name_plural = _("企业接触")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "enterprise"], name="contact_source_unique")
        ]
        indexes = [models.Index(fields=["enterprise", "month", "counted"], name="contact_ent_month")]


class ContactMonth(models.Model):
    """Rollup of Contact per enterprise and month (maintained by `contact_record`): the budget check
    reads one row and the desk's 'most contacted this month' one indexed range."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    total = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "month"], name="contactmonth_unique")]
        indexes = [models.Index(fields=["month", "counted"], name="contactmonth_month_counted")]


class PreferredChannel(models.TextChoices):
    PORTAL = "portal", _("企业端")
    PHONE = "phone", _("电话")
    WECOM = "wecom", _("企业微信")
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")
    VISIT = "visit", _("上门走访")


class ServicePreference(BaseModel):
    """The enterprise's wishes: its monthly contact budget (null: the zone default) and channel."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="service_preference"
    )
    monthly_budget = models.PositiveSmallIntegerField(_("每月打扰额度"), null=True, blank=True)
    preferred_channel = models.CharField(
        _("首选联系方式"), max_length=16, choices=PreferredChannel.choices, default=PreferredChannel.PORTAL
    )

    class Meta:
        verbose_name = _("服务偏好")
        verbose_name_plural = _("服务偏好")


class QuietPeriod(BaseModel):
    """免打扰期: no visits (unless requested) and no non-urgent notifications."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="quiet_periods", db_index=False
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("免打扰期")
        verbose_name_plural = _("免打扰期")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="quietperiod_order")
        ]
        indexes = [models.Index(fields=["enterprise", "ends_on", "starts_on"], name="quiet_ent_ends")]


class PlanState(models.TextChoices):
    PLANNED = "planned", _("已计划")
    MERGED = "merged", _("已合并")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class PlannedVisit(BaseModel):
    """A visit someone plans; the desk can merge several departments' plans into one joint visit."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="planned_visits", db_index=False
    )
    planner = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    planned_on = models.DateField(_("计划日期"))
    purpose = models.CharField(_("走访事由"), max_length=500, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=PlanState.choices, default=PlanState.PLANNED)
    joint = models.BooleanField(_("联合走访"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    visit = models.ForeignKey(Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")
        indexes = [
            models.Index(fields=["enterprise", "state", "planned_on"], name="planned_ent_state"),
            models.Index(fields=["planner", "state", "planned_on"], name="planned_planner_state"),
            models.Index(fields=["state", "planned_on"], name="planned_state_on"),
        ]


class CoverageCell(models.Model):
    """One (month, liaison, enterprise) pair: the enterprise was linked to the liaison at some time
    in the month. `visited_on` is set when a visit on a day the liaison was linked happened (the
    credit goes to whoever was the liaison on the visit date). Maintained by `visit_log`, completed
    from Linkage by `coverage_rebuild` (nightly and on first read of a month)."""

    month = models.DateField()
    liaison = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    visited_on = models.DateField(null=True, blank=True)
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "liaison", "enterprise"], name="coveragecell_unique")]
        indexes = [models.Index(fields=["enterprise", "month"], name="coveragecell_ent_month")]


class CoverageTotal(models.Model):
    """Per liaison and month: linked enterprises and visited ones (the sums of CoverageCell), so the
    coverage page reads a few thousand rows at most, whatever the number of visits."""

    month = models.DateField()
    liaison = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    linked = models.PositiveIntegerField(default=0)
    visited = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "liaison"], name="coveragetotal_unique")]
        indexes = [
            models.Index(fields=["month", "department"], name="coveragetotal_month_dept"),
            models.Index(fields=["liaison", "month"], name="coveragetotal_liaison"),
        ]


class VisitReminder(models.Model):
    """The month-end reminder sent to a liaison: the unique key makes the job idempotent."""

    liaison = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    due = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["liaison", "month"], name="visitreminder_unique")]
