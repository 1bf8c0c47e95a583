"""Indicators are business data: qifu.admin's ADMIN_POLICY grants the three administrators nothing
on them, so these registrations stay invisible (fail closed) unless a zone's policy lists them.
Staff report and correct indicators through the pages, the import and the API."""

from django.contrib import admin

from qifu.indicators.models import IndicatorDerived, MonthlyIndicator, ProjectInvestment


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
