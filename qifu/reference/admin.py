from django.contrib import admin

from qifu.reference.models import Category, Code, Department, ServiceList


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "is_service_desk", "active", "sort")
    list_editable = ("name", "active", "sort")
    search_fields = ("code", "name")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "days", "active", "sort")
    list_editable = ("name", "department", "days", "active")
    list_select_related = ("department",)


@admin.register(ServiceList)
class ServiceListAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort")


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ("kind", "code", "name", "active", "sort")
    list_filter = ("kind",)
    list_editable = ("name", "active", "sort")
