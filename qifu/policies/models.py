"""The policy package (政策包, PRODUCT.md §2.6; formats.md "Policies").

A policy's eligibility is data (`conditions`, the JSON tree of formats.md), validated on every
write by `qifu.policies.conditions.parse` and never evaluated as code. Matching runs set-wise
(`qifu.policies.engine`); this module only stores.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已失效")


class Policy(BaseModel):
    """政策. `code` is the stable key (formats.md, API `/api/v1/policies/{code}`)."""

    code = models.CharField(_("政策编号"), max_length=64, unique=True)
    title = models.CharField(_("政策名称"), max_length=200)
    category = models.CharField(_("政策类别"), max_length=32, db_index=True)  # taxonomy policy_categories
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布部门")
    )
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    apply_from = models.DateField(_("申报开始"), null=True, blank=True)
    apply_to = models.DateField(_("申报截止"), null=True, blank=True)
    benefit = models.CharField(_("扶持内容"), max_length=500, blank=True)
    auto_grant = models.BooleanField(_("免申即享"), default=False)
    summary = models.TextField(_("政策摘要"), blank=True)
    interpretation = models.TextField(_("政策解读"), blank=True)  # 解读, in plain language
    full_text = models.TextField(_("政策原文"), blank=True)
    conditions = models.JSONField(_("申报条件"))
    status = models.CharField(
        _("状态"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-valid_from", "code"]
        indexes = [models.Index(fields=["status", "category", "code"], name="policy_status_category")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="policy_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(apply_to__isnull=True)
                | Q(apply_from__isnull=True)
                | Q(apply_to__gte=models.F("apply_from")),
                name="policy_apply_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PolicyAttachment(BaseModel):
    """A policy document (原文 PDF, 申报指南, 表格): content-checked like every upload, stored under a
    random name in FILES_DIR; policies belong to no enterprise, so these are not `files.StoredFile`."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    digest = models.CharField(_("SM3摘要"), max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("政策附件")
        verbose_name_plural = _("政策附件")

    def __str__(self) -> str:
        return self.name


class PolicyNotice(models.Model):
    """The enterprise was told once that it now qualifies for the policy (never twice)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False)
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "policy"], name="policy_notice_once")]


class PolicyIntroduction(BaseModel):
    """宣讲: a liaison introduced the policy to the enterprise (on a visit, or otherwise)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("企业")
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+", verbose_name=_("政策"))
    introduced_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("宣讲人")
    )
    introduced_on = models.DateField(_("宣讲日期"))
    visit = models.ForeignKey(
        "visits.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("走访")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("政策宣讲")
        verbose_name_plural = _("政策宣讲")
        indexes = [models.Index(fields=["enterprise", "policy"], name="policy_intro_ent")]


class GrantState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    APPROVED = "approved", _("已核准")
    REJECTED = "rejected", _("不予核准")


class PolicyGrant(BaseModel):
    """免申即享: an eligible enterprise on the grant list of an `auto_grant` policy, for staff review."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("企业")
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="grants", verbose_name=_("政策"))
    state = models.CharField(_("状态"), max_length=16, choices=GrantState.choices, default=GrantState.PROPOSED)
    listed_on = models.DateField(_("列入日期"))
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("免申即享名单")
        verbose_name_plural = _("免申即享名单")
        constraints = [models.UniqueConstraint(fields=["enterprise", "policy"], name="policy_grant_once")]
        indexes = [models.Index(fields=["policy", "state", "enterprise"], name="policy_grant_list")]
