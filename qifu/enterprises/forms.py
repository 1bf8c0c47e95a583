"""Parsing of the enterprise list's query string (shared by the list page and the Excel export,
so an export holds exactly what the list shows — UX.md §6)."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from qifu.enterprises.models import Ownership, Specialized
from qifu.enterprises.selectors import EnterpriseFilters

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on", "是"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off", "否"})


class TriStateField(forms.Field):
    """A flag filter: "1"/"是" → True, "0"/"否" → False, absent or anything else → no filter."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> bool | None:
        text = str(value or "").strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        return None


class EnterpriseFilterForm(forms.Form):
    """Shape only. An invalid value drops that one filter instead of failing the page."""

    q = forms.CharField(required=False, max_length=100, label=_("企业名称或信用代码"))
    industry = forms.RegexField(regex=r"^[A-Ta-t]\d{0,4}$", required=False, label=_("行业代码"))
    park = forms.CharField(required=False, max_length=64, label=_("园区"))
    ownership = forms.ChoiceField(required=False, choices=[("", _("不限")), *Ownership.choices], label=_("资本来源"))
    specialized = forms.ChoiceField(
        required=False,
        choices=[("", _("不限")), *[c for c in Specialized.choices if c[0] != Specialized.NONE]],
        label=_("专精特新"),
    )
    above_scale = TriStateField(required=False, label=_("规上工业"))
    high_tech = TriStateField(required=False, label=_("高新技术企业"))
    listed = TriStateField(required=False, label=_("上市"))
    liaison = forms.IntegerField(required=False, min_value=1, label=_("主挂钩人"))
    liaison_name = forms.CharField(required=False, max_length=64, label=_("主挂钩人"))
    without_liaison = TriStateField(required=False, label=_("未挂钩"))


def filters_from_query(querydict: QueryDict) -> EnterpriseFilters:
    """GET parameters → EnterpriseFilters; unknown keys are ignored, bad values dropped."""
    form = EnterpriseFilterForm(querydict)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    return EnterpriseFilters(
        q=(data.get("q") or "").strip(),
        industry=(data.get("industry") or "").upper(),
        park=data.get("park") or "",
        ownership=data.get("ownership") or "",
        specialized=data.get("specialized") or "",
        above_scale=data.get("above_scale"),
        high_tech=data.get("high_tech"),
        listed=data.get("listed"),
        liaison=data.get("liaison"),
        liaison_name=(data.get("liaison_name") or "").strip(),
        without_liaison=bool(data.get("without_liaison")),
    )
