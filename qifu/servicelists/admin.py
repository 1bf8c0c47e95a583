from django.contrib import admin

from qifu.servicelists.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("month", "service_list", "enterprise", "source", "reason")
    list_filter = ("month", "service_list", "source")
    raw_id_fields = ("enterprise",)
    search_fields = ("enterprise__uscc", "enterprise__name")
