"""Monthly indicators (月度指标, PRODUCT.md §2.5, formats.md) and the figures derived from them.

`MonthlyIndicator` is the ledger as reported: one row per enterprise and month, every value
nullable (missing). `IndicatorDerived` holds formats.md's derived fields for that row, written
set-wise by `services.derived_recompute` after every import and edit, never per page view.

Each derived row also knows the month of the enterprise's *next* report (`next_month`, NULL for the
latest). "The latest row reported on or before day D" is then one join, one row per enterprise:
`month <= D AND (next_month IS NULL OR next_month > D)` — the shape the policy engine reads.
Both tables lead with the enterprise key (PRODUCT.md §4: they shard by enterprise).
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
ENERGY = {"max_digits": 16, "decimal_places": 4, "validators": [MinValueValidator(0)]}
SUM = {"max_digits": 18, "decimal_places": 4}
RATIO = {"max_digits": 24, "decimal_places": 6}

# formats.md: the measures with derived figures, and every measure of a monthly row.
DERIVED_MEASURES = ("output", "revenue", "tax", "electricity")
MEASURES = ("output", "revenue", "tax", "electricity", "employees", "rd")
DERIVED_SUFFIXES = ("month", "yoy", "ytd", "ytd_yoy")
DERIVED_FIELDS = tuple(f"{m}_{s}" for m in DERIVED_MEASURES for s in DERIVED_SUFFIXES)


class MonthlyIndicator(BaseModel):
    """One enterprise's figures for one month (first day of the month). NULL = not reported."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (enterprise, month) index leads with it
        verbose_name=_("企业"),
    )
    month = models.DateField(_("月份"))
    output = models.DecimalField(_("产值(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    revenue = models.DecimalField(_("营业收入(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    tax = models.DecimalField(_("税收(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    electricity = models.DecimalField(_("用电量(万千瓦时)"), null=True, blank=True, **ENERGY)  # type: ignore[arg-type]
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    rd = models.DecimalField(_("研发投入(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("月度指标")
        verbose_name_plural = _("月度指标")
        ordering = ["enterprise", "month"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month"], name="indicator_enterprise_month_uniq"),
        ]
        # A month's figures across the zone (cockpit, exports): month first.
        indexes = [models.Index(fields=["month", "enterprise"], name="indicator_month_ent")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.month:%Y-%m}"


class IndicatorDerived(models.Model):
    """formats.md derived fields of one reported month (see the module docstring)."""

    indicator = models.OneToOneField(
        MonthlyIndicator, on_delete=models.CASCADE, primary_key=True, related_name="derived"
    )
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(_("月份"))
    next_month = models.DateField(_("下一报送月份"), null=True, blank=True)
    output_month = models.DecimalField(_("当月产值"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    output_yoy = models.DecimalField(_("产值同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    output_ytd = models.DecimalField(_("产值累计"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    output_ytd_yoy = models.DecimalField(_("产值累计同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    revenue_month = models.DecimalField(_("当月营业收入"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    revenue_yoy = models.DecimalField(_("营业收入同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    revenue_ytd = models.DecimalField(_("营业收入累计"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    revenue_ytd_yoy = models.DecimalField(_("营业收入累计同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    tax_month = models.DecimalField(_("当月税收"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    tax_yoy = models.DecimalField(_("税收同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    tax_ytd = models.DecimalField(_("税收累计"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    tax_ytd_yoy = models.DecimalField(_("税收累计同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    electricity_month = models.DecimalField(_("当月用电量"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    electricity_yoy = models.DecimalField(_("用电量同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]
    electricity_ytd = models.DecimalField(_("用电量累计"), null=True, blank=True, **SUM)  # type: ignore[arg-type]
    electricity_ytd_yoy = models.DecimalField(_("用电量累计同比"), null=True, blank=True, **RATIO)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("派生指标")
        verbose_name_plural = _("派生指标")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month"], name="derived_enterprise_month_uniq"),
        ]
        # The latest row of every enterprise (next_month IS NULL) for an evaluation "as of now".
        indexes = [models.Index(fields=["next_month", "enterprise"], name="derived_next_ent")]


class ProjectInvestment(BaseModel):
    """当月完成投资 of a fixed-asset investment project (formats.md, projects)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("项目")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("业主企业")
    )
    month = models.DateField(_("月份"))
    invested = models.DecimalField(
        _("当月完成投资(万元)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )  # fmt: skip

    class Meta:
        verbose_name = _("项目月度投资")
        verbose_name_plural = _("项目月度投资")
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="investment_project_month_uniq")]
        indexes = [models.Index(fields=["month", "project"], name="investment_month_proj")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"
