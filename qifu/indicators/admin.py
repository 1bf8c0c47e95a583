"""Indicators are business data: qifu.admin's ADMIN_POLICY grants the three administrators nothing
on them, so these registrations stay invisible (fail closed) unless a zone's policy lists them.
Staff report and correct indicators through the pages, the import and the API."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from qifu.indicators.models import IndicatorDerived, MonthlyIndicator, ProjectInvestment
from qifu.projects.services import project_completed_sync


@admin.register(MonthlyIndicator)
class MonthlyIndicatorAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "month", "output", "revenue", "tax", "electricity", "employees", "rd")
    list_filter = ("month",)
    search_fields = ("enterprise__uscc", "enterprise__name")
    raw_id_fields = ("enterprise",)
    list_select_related = ("enterprise",)
    date_hierarchy = "month"


@admin.register(IndicatorDerived)
class IndicatorDerivedAdmin(admin.ModelAdmin):
    """Computed by the services after every import and edit; never edited by hand."""

    list_display = ("enterprise", "month", "next_month", "revenue_month", "revenue_yoy", "revenue_ytd_yoy")
    search_fields = ("enterprise__uscc", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(ProjectInvestment)
class ProjectInvestmentAdmin(admin.ModelAdmin):
    list_display = ("project", "month", "invested")
    list_filter = ("month",)
    search_fields = ("project__code", "project__name")
    raw_id_fields = ("project", "enterprise")
    list_select_related = ("project",)

    # 累计完成投资 is the sum of the months: an edit here (where a zone's policy allows one) keeps it.
    def save_model(self, request: HttpRequest, obj: ProjectInvestment, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            project_completed_sync(project_ids=[obj.project_id])

    def delete_model(self, request: HttpRequest, obj: ProjectInvestment) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            project_completed_sync(project_ids=[obj.project_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProjectInvestment]) -> None:
        with transaction.atomic():
            ids = list(queryset.order_by().values_list("project_id", flat=True).distinct())
            super().delete_queryset(request, queryset)
            project_completed_sync(project_ids=ids)
