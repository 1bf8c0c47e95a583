"""Admin: the alarm thresholds are zone settings (the system administrator edits them here, the
desk on /alerts/rules/), saved through the service so that the checks and the audit are the same.
Alerts are business data: not in the admin (they are closed on the alert list, by their liaison or
the desk)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from qifu.access.actor import Actor
from qifu.alerts.models import AlarmRule
from qifu.alerts.services import AlarmRuleInput, alarm_rule_faults, alarm_rules_set


class AlarmRuleForm(forms.ModelForm):
    class Meta:
        model = AlarmRule
        fields = ("field", "comparison", "threshold", "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = AlarmRuleInput(data.get("field", ""), data.get("comparison", ""), data.get("threshold"))
        for fault in alarm_rule_faults([given]):
            self.add_error(None, f"{fault['path']}: {fault['message']}")
        return data


@admin.register(AlarmRule)
class AlarmRuleAdmin(admin.ModelAdmin):
    audit_admin_changes = False  # alarm_rules_set audits the change itself
    form = AlarmRuleForm
    list_display = ("field", "comparison", "threshold", "active", "updated_at")

    def save_model(self, request: HttpRequest, obj: AlarmRule, form: Any, change: bool) -> None:
        others = [
            AlarmRuleInput(r.field, r.comparison, r.threshold, r.active) for r in AlarmRule.objects.exclude(pk=obj.pk)
        ]
        given = [*others, AlarmRuleInput(obj.field, obj.comparison, obj.threshold, obj.active)]
        saved = alarm_rules_set(actor=Actor.of(request.user), rules=given)  # type: ignore[arg-type]
        obj.pk = next(r.pk for r in saved if r.field == obj.field)  # the admin's log and redirect read it

    def delete_model(self, request: HttpRequest, obj: AlarmRule) -> None:
        rest = [
            AlarmRuleInput(r.field, r.comparison, r.threshold, r.active) for r in AlarmRule.objects.exclude(pk=obj.pk)
        ]
        alarm_rules_set(actor=Actor.of(request.user), rules=rest)  # type: ignore[arg-type]
