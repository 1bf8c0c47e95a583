from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel
from qifu.enterprises.validators import validate_industry_code, validate_uscc

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Ownership(models.TextChoices):
    DOMESTIC = "domestic", _("内资")
    FOREIGN = "foreign", _("外资")
    TAIWAN = "taiwan", _("台资")
    HK_MACAO = "hk_macao", _("港澳资")


class Specialized(models.TextChoices):
    NONE = "none", _("无")
    PROVINCIAL = "provincial", _("省级专精特新")
    LITTLE_GIANT = "little_giant", _("国家级小巨人")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    DEREGISTERED = "deregistered", _("注销")


class Enterprise(BaseModel):
    """企业 (PRODUCT.md §2.1, formats.md). Contacts are SM4-encrypted; the phone has a blind index."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=200)
    industry = models.CharField(
        _("行业代码"), max_length=5, blank=True, db_index=True, validators=[validate_industry_code]
    )
    park = models.CharField(_("所在园区"), max_length=64, blank=True, db_index=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(_("注册资本(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    ownership = models.CharField(
        _("资本来源"), max_length=16, choices=Ownership.choices, default=Ownership.DOMESTIC, db_index=True
    )
    above_scale = models.BooleanField(_("规上工业"), default=False)
    high_tech = models.BooleanField(_("高新技术企业"), default=False)
    specialized = models.CharField(_("专精特新"), max_length=16, choices=Specialized.choices, default=Specialized.NONE)
    listed = models.BooleanField(_("上市"), default=False)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    revenue_last_year = models.DecimalField(_("上年营业收入(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    tax_last_year = models.DecimalField(_("上年税收(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    output_last_year = models.DecimalField(_("上年产值(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    rd_last_year = models.DecimalField(_("上年研发投入(万元)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    contact_name_enc = models.TextField(_("联系人(密文)"), blank=True)
    contact_phone_enc = models.TextField(_("联系电话(密文)"), blank=True)
    contact_phone_index = models.CharField(_("联系电话索引"), max_length=64, blank=True, db_index=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    # Denormalised from linkage (kept by linkage services in the same transaction): the list page
    # filters and shows the primary liaison without a join over the linkage history.
    primary_liaison = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主挂钩人"),
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["park", "id"], name="ent_park_id"),
            models.Index(fields=["industry", "id"], name="ent_industry_id"),
            models.Index(fields=["primary_liaison", "id"], name="ent_liaison_id"),
            models.Index(fields=["ownership", "id"], name="ent_ownership_id"),
            models.Index(fields=["above_scale", "id"], name="ent_above_scale_id"),
            models.Index(fields=["high_tech", "id"], name="ent_high_tech_id"),
            models.Index(fields=["specialized", "id"], name="ent_specialized_id"),
            models.Index(fields=["name"], name="ent_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_industrial(self) -> bool:
        return self.industry.startswith("C")
