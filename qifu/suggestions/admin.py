"""建议类别 in the admin (the system administrator's reference data; suggestions themselves are
business data and are not in the admin, MC-1)."""

from django.contrib import admin

from qifu.suggestions.models import SuggestionTopic


@admin.register(SuggestionTopic)
class SuggestionTopicAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active", "sort")
    list_editable = ("name", "active", "sort")
    search_fields = ("code", "name")
