"""Reference data from taxonomy.yaml: codes keep their meaning, names are editable by the zone."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """责任部门. `code` is stable (taxonomy.yaml); the zone may rename, add or retire entries."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    is_service_desk = models.BooleanField(_("服务专班/营商办"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """诉求类别 with its default lead department and time limit in working days."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("默认责任部门"))
    days = models.PositiveSmallIntegerField(_("办理时限(工作日)"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")

    def __str__(self) -> str:
        return self.name


class ServiceList(models.Model):
    """四张企业服务清单."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    strategy = models.TextField(_("服务策略"), blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("服务清单")
        verbose_name_plural = _("服务清单")

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    """Small code sets (case states, kinds, urgency, channels, ratings, policy categories)."""

    class Kind(models.TextChoices):
        CASE_STATE = "case_state", _("诉求状态")
        CASE_KIND = "case_kind", _("诉求性质")
        URGENCY = "urgency", _("紧急程度")
        CHANNEL = "channel", _("来源渠道")
        SOLVED = "solved", _("解决情况")
        SATISFACTION = "satisfaction", _("满意度")
        POLICY_CATEGORY = "policy_category", _("政策类别")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=64)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "sort"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="reference_code_kind_code_uniq")]
        verbose_name = _("代码")
        verbose_name_plural = _("代码")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
