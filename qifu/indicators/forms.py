"""The indicator pages' forms: one enterprise-month (edit) and the upload (import)."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

from qifu.indicators.models import MEASURES


def _money(label: "_StrPromise", places: int = 2) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=12 + places,
        decimal_places=places,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "any", "inputmode": "decimal"}),
    )


class IndicatorForm(forms.Form):
    """An empty field means "not reported" (stored as missing, never as 0)."""

    output = _money(_("产值(万元)"))
    revenue = _money(_("营业收入(万元)"))
    tax = _money(_("税收(万元)"))
    electricity = _money(_("用电量(万千瓦时)"), places=4)
    employees = forms.IntegerField(
        label=_("从业人数"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    rd = _money(_("研发投入(万元)"))

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in MEASURES}


KINDS = (("indicators", _("企业月度指标")), ("project_investment", _("项目月度完成投资")))


class IndicatorImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("数据类型"),
        choices=KINDS,
        initial="indicators",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("Excel 工作簿（.xlsx，读取第一个工作表）或 UTF-8 编码的 CSV；第一行为表头，中文或英文列名均可。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label=_("跳过无效行，只导入有效行"),
        help_text=_("不勾选时，只要有一行有误，整个文件都不导入。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
