from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("签约待建")
    UNDER_CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产")


class Project(BaseModel):
    """固定资产投资项目 (PRODUCT.md §2.1)."""

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="projects", verbose_name=_("业主企业")
    )
    industrial = models.BooleanField(_("工业项目"), default=True)
    major = models.BooleanField(_("重大项目"), default=False, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    park = models.CharField(_("所在园区"), max_length=64, blank=True, db_index=True)
    total_investment = models.DecimalField(_("总投资(万元)"), **MONEY)  # type: ignore[arg-type]
    annual_planned = models.DecimalField(_("年度计划投资(万元)"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    completed_investment = models.DecimalField(_("累计完成投资(万元)"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    primary_liaison = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("主挂钩人")
    )

    class Meta:
        verbose_name = _("投资项目")
        verbose_name_plural = _("投资项目")
        ordering = ["id"]
        indexes = [models.Index(fields=["primary_liaison", "id"], name="proj_liaison_id")]

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    SIGNING = "signing", _("签约")
    LAND = "land", _("供地/拿地")
    FILING = "filing", _("立项备案")
    PLANNING_PERMIT = "planning_permit", _("规划许可")
    CONSTRUCTION_PERMIT = "construction_permit", _("施工许可")
    START = "start", _("开工")
    COMPLETION = "completion", _("竣工")
    PRODUCTION = "production", _("投产")
    FULL_PRODUCTION = "full_production", _("达产")


MILESTONE_ORDER = list(MilestoneKind.values)


class Milestone(models.Model):
    """A project milestone. Late = done after its plan date, or not done and the plan date passed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    enterprise_id: int
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("节点"), max_length=32, choices=MilestoneKind.choices)
    seq = models.PositiveSmallIntegerField(_("顺序"))
    planned_on = models.DateField(_("计划日期"))
    actual_on = models.DateField(_("实际日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_project_kind_uniq")]
        indexes = [
            models.Index(fields=["actual_on", "planned_on"], name="milestone_pending_planned"),
            # the board's per-project subqueries (project = ? AND actual_on IS NULL AND planned_on …):
            # without it SQLite walks every pending milestone of the zone for each project
            models.Index(fields=["project", "actual_on", "planned_on"], name="milestone_project_pending"),
        ]
