"""Forms of the service-list pages (shape only; the rules are checked in services)."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.servicelists.models import MAX_MONTHS, MAX_VISIT_INTERVAL_DAYS, ListRule, OverrideAction
from qifu.servicelists.services import RuleInput


class OverrideForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    action = forms.ChoiceField(label=_("操作"), choices=OverrideAction.choices)
    reason = forms.CharField(label=_("理由"), max_length=200, widget=forms.TextInput())


class RuleForm(forms.Form):
    conditions = forms.CharField(
        label=_("条件（JSON）"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "qf-mono", "spellcheck": "false"}),
        help_text=_("条件语言见 formats.md：all / any / not 与 {field, op, value}。"),
    )
    months = forms.IntegerField(label=_("连续月数"), min_value=1, max_value=MAX_MONTHS)
    visit_interval_days = forms.IntegerField(label=_("走访间隔（天）"), min_value=1, max_value=MAX_VISIT_INTERVAL_DAYS)
    notify_liaison = forms.BooleanField(label=_("通知挂钩干部"), required=False)
    notify_department = forms.BooleanField(label=_("通知主管部门"), required=False)
    notify_leaders = forms.BooleanField(label=_("通知区领导"), required=False)
    strategy = forms.CharField(label=_("服务策略"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    active = forms.BooleanField(label=_("启用"), required=False)

    @classmethod
    def of(cls, rule: ListRule | None) -> "RuleForm":
        if rule is None:
            return cls(initial={"conditions": "{}", "months": 1, "visit_interval_days": 90, "active": True})
        initial: dict[str, Any] = {
            "conditions": json.dumps(rule.conditions, ensure_ascii=False, indent=2),
            "months": rule.months,
            "visit_interval_days": rule.visit_interval_days,
            "notify_liaison": rule.notify_liaison,
            "notify_department": rule.notify_department,
            "notify_leaders": rule.notify_leaders,
            "strategy": rule.strategy,
            "active": rule.active,
        }
        return cls(initial=initial)

    def clean_conditions(self) -> Any:
        text = self.cleaned_data["conditions"]
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("不是有效的JSON：%(error)s") % {"error": exc}) from exc

    def to_input(self) -> RuleInput:
        d = self.cleaned_data
        return RuleInput(
            conditions=d["conditions"],
            months=d["months"],
            active=d["active"],
            visit_interval_days=d["visit_interval_days"],
            notify_liaison=d["notify_liaison"],
            notify_department=d["notify_department"],
            notify_leaders=d["notify_leaders"],
            strategy=d["strategy"],
        )


class EvaluateForm(forms.Form):
    month = forms.CharField(label=_("评估月份"), max_length=7)
