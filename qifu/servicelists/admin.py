"""Admin of the service lists: the rules are zone settings (checked and audited through the same
service as the rule page); the snapshot and the overrides are read-only here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from qifu.access.actor import Actor
from qifu.servicelists.models import ListOverride, ListRule, Membership
from qifu.servicelists.services import RuleInput, list_rule_set, rule_faults


def _input(data: dict[str, Any]) -> RuleInput:
    return RuleInput(
        conditions=data.get("conditions"),
        months=data.get("months"),
        active=bool(data.get("active")),
        visit_interval_days=data.get("visit_interval_days"),
        notify_liaison=bool(data.get("notify_liaison")),
        notify_department=bool(data.get("notify_department")),
        notify_leaders=bool(data.get("notify_leaders")),
        strategy=data.get("strategy") or "",
    )


class ListRuleForm(forms.ModelForm):
    class Meta:
        model = ListRule
        fields = (
            "service_list", "conditions", "months", "active", "visit_interval_days",
            "notify_liaison", "notify_department", "notify_leaders", "strategy",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for fault in rule_faults(_input(data)):
            self.add_error(None, f"{fault['path']}: {fault['message']}")
        return data


@admin.register(ListRule)
class ListRuleAdmin(admin.ModelAdmin):
    form = ListRuleForm
    list_display = ("service_list", "months", "active", "visit_interval_days", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one rule per list, shipped by the data migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ListRule, form: Any, change: bool) -> None:
        list_rule_set(
            actor=Actor.of(request.user),  # type: ignore[arg-type]
            service_list=obj.service_list,
            data=_input(form.cleaned_data),
        )


@admin.register(ListOverride)
class ListOverrideAdmin(admin.ModelAdmin):
    list_display = ("service_list", "enterprise", "action", "reason", "created_by", "created_at", "withdrawn_at")
    list_filter = ("service_list", "action")
    raw_id_fields = ("enterprise",)
    search_fields = ("enterprise__uscc", "enterprise__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the list page or the API (audited, applied to the snapshot)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("month", "service_list", "enterprise", "source", "reason")
    list_filter = ("month", "service_list", "source")
    raw_id_fields = ("enterprise",)
    search_fields = ("enterprise__uscc", "enterprise__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
