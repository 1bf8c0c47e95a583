"""The checklist is zone policy: edited in the admin (items inline)."""

from django.contrib import admin

from qifu.safety.models import SafetyChecklist, SafetyItem


class SafetyItemInline(admin.TabularInline):
    model = SafetyItem
    extra = 1
    fields = ("order", "code", "text", "severity", "days", "active")


@admin.register(SafetyChecklist)
class SafetyChecklistAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "industries", "active")
    list_editable = ("active",)
    search_fields = ("name",)
    inlines = [SafetyItemInline]
