"""Forms of the alert pages (shape only; the rules are in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.alerts.models import Comparison
from qifu.alerts.states import ACTIONS


class ActForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    note = forms.CharField(required=False, max_length=200, label=_("处理说明"))


class RuleRowForm(forms.Form):
    """One derived field's threshold on the settings page: blank threshold = no rule."""

    field = forms.CharField(widget=forms.HiddenInput)
    comparison = forms.ChoiceField(choices=Comparison.choices, label=_("比较"))
    threshold = forms.DecimalField(required=False, max_digits=16, decimal_places=6, label=_("阈值"))
    active = forms.BooleanField(required=False, label=_("启用"))


RuleFormSet = forms.formset_factory(RuleRowForm, extra=0)
