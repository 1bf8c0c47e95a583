"""Policies and their attachments in the admin, read-only (the conditions shown as indented JSON).

Policies are written by the desk and the issuing departments in the editor (/policies/), where
every write is checked and audited. The admin site answers to `qifu.admin.ADMIN_POLICY`, which lists
no right on this app: the three administrators hold no business data (MC-1, and
`scope_policies` gives them none), so these pages stay closed until that table grants a right.
"""

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qifu.policies.models import Policy, PolicyAttachment


class PolicyAttachmentInline(admin.TabularInline):
    model = PolicyAttachment
    extra = 0
    fields = ("name", "content_type", "size", "digest", "uploaded_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "category", "department", "status", "valid_from", "valid_to", "auto_grant")
    list_filter = ("status", "category", "auto_grant")
    search_fields = ("code", "title", "document_no")
    list_select_related = ("department",)
    inlines = (PolicyAttachmentInline,)
    exclude = ("conditions",)
    readonly_fields = (
        "code", "title", "category", "department", "document_no", "valid_from", "valid_to", "apply_from", "apply_to",
        "benefit", "auto_grant", "summary", "interpretation", "full_text", "conditions_json", "status", "published_at",
    )  # fmt: skip

    @admin.display(description=_("申报条件"))
    def conditions_json(self, obj: Policy) -> str:
        return format_html('<pre class="readonly">{}</pre>', json.dumps(obj.conditions, ensure_ascii=False, indent=2))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyAttachment)
class PolicyAttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "policy", "content_type", "size", "created_at")
    search_fields = ("name", "policy__code")
    list_select_related = ("policy",)
    readonly_fields = ("policy", "name", "content_type", "size", "digest", "storage_name", "uploaded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
