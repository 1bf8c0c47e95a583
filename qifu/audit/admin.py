"""The audit log for the 审计管理员: read-only, filterable, and every query is itself audited (AU-1, AU-6).

No one can add, change or delete an AuditEntry here (the database refuses it too, see migration
0002); the role rule is qifu.admin.ADMIN_POLICY.
"""

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from qifu.admin import RoleModelAdmin
from qifu.audit.models import AuditEntry
from qifu.audit.services import audit_record


class UserInputFilter(admin.SimpleListFilter):
    """Free-text filter on the acting user (username, or numeric user id)."""

    title = _("用户")
    parameter_name = "user"
    template = "admin/input_filter.html"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("", "")]  # one entry so the filter is shown; the template renders a text box

    def choices(self, changelist: Any) -> Iterator[Any]:
        hidden = [(k, v) for k, v in changelist.params.items() if k != self.parameter_name]
        yield {"parameter_name": self.parameter_name, "value": self.value(), "hidden_params": hidden}

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        value = (self.value() or "").strip()
        if not value:
            return queryset
        match = Q(actor_username__iexact=value)
        if value.isdigit():
            match |= Q(actor_id=int(value))
        return queryset.filter(match)


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleModelAdmin):
    audit_admin_changes = False
    list_display = ("id", "at", "actor_username", "actor_role", "action", "outcome", "object_type", "object_id", "ip")
    list_display_links = ("id", "at")
    list_filter = (UserInputFilter, "action", "outcome", "actor_role", "at")
    date_hierarchy = "at"
    search_fields = ("actor_username", "object_id", "request_id", "ip")
    ordering = ("-id",)
    show_full_result_count = False  # counting millions of rows on every page is slow
    list_per_page = 50
    fields = (
        "id",
        "at",
        "actor_id",
        "actor_username",
        "actor_role",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "ip",
        "request_id",
        "changes",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            params = {k: v for k, v in request.GET.items()}
            audit_record(actor=request.user, action="audit_query", object_type="audit.auditentry", changes=params)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit_record(actor=request.user, action="audit_view", object_type="audit.auditentry", object_id=object_id)
        return response
