"""The admin site of the three administrators (三员分立, security MC-1/MC-2).

No superuser exists and Django's model permissions are not used. Instead:

- only the system admin (系统管理员), the security admin (安全管理员) and the audit admin
  (审计管理员) reach /admin/ at all: anonymous visitors are sent to the login page, every other
  role gets 403;
- what each of them may do to each model is one table, `ADMIN_POLICY`, read by the
  `has_*_permission` methods of `RolePolicyMixin`;
- the site wraps *every* registered ModelAdmin in that mixin, so a model missing from the table is
  invisible to everyone (fail closed), whoever registers it;
- adds, changes and deletes made through the admin are audited in the same transaction.

Installed in place of ``django.contrib.admin`` as ``qifu.admin.QifuAdminConfig``; this module must
not import models at import time (it is loaded while the app registry is being populated).
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from qifu.accounts.roles import ADMIN_ROLES, Role

SYS = frozenset({Role.SYSADMIN})
SEC = frozenset({Role.SECADMIN})
AUD = frozenset({Role.AUDITOR})
NOBODY: frozenset[str] = frozenset()


def _rights(
    view: frozenset[str] = NOBODY,
    add: frozenset[str] = NOBODY,
    change: frozenset[str] = NOBODY,
    delete: frozenset[str] = NOBODY,
    **extra: frozenset[str],
) -> dict[str, frozenset[str]]:
    return {"view": view, "add": add, "change": change, "delete": delete, **extra}


# Who may do what, per model (label_lower) or per whole app (app_label). Nothing here grants
# delete: accounts are disabled, reference rows deactivated, and audit rows are never removed.
ADMIN_POLICY: dict[str, dict[str, frozenset[str]]] = {
    # 系统管理员: account lifecycle, staff profiles and reference data (configuration).
    "accounts.user": _rights(view=SYS, add=SYS, change=SYS, manage=SYS),
    "people.staff": _rights(view=SYS, add=SYS, change=SYS),
    "reference": _rights(view=SYS, add=SYS, change=SYS),
    # Zone calendar overrides (local holidays, extra working days): configuration too.
    "workcal.calendaroverride": _rights(view=SYS, add=SYS, change=SYS),
    # 建议类别 (suggestion topics): configuration too; the suggestions themselves are business data.
    "suggestions.suggestiontopic": _rights(view=SYS, add=SYS, change=SYS),
    # 预警阈值 (alarm thresholds, docs/ALERTS.md): zone configuration, saved through the alerts service.
    "alerts.alarmrule": _rights(view=SYS, add=SYS, change=SYS),
    # 安全管理员: login lockouts (see and lift them).
    "accounts.loginlockout": _rights(view=SEC, unlock=SEC),
    # 审计管理员: read the audit log, nothing else.
    "audit.auditentry": _rights(view=AUD),
}


def policy_allows(role: str, label_lower: str, right: str) -> bool:
    """True if `role` holds `right` ('view', 'add', 'change', 'delete' or an action) on the model."""
    rules = ADMIN_POLICY.get(label_lower) or ADMIN_POLICY.get(label_lower.split(".")[0]) or {}
    return role in rules.get(right, NOBODY)


def _role(request: HttpRequest) -> str:
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return ""
    return str(getattr(user, "role", ""))


class RolePolicyMixin:
    """ModelAdmin permissions driven by `request.user.role` through ADMIN_POLICY (not Django perms).

    Also: admin writes are audited (`audit_admin_changes = False` for admins whose services audit
    themselves), actions must declare `allowed_permissions`, and no "view on site" link leaks
    business URLs.
    """

    opts: Any
    audit_admin_changes = True
    view_on_site = False

    def _allows(self, request: HttpRequest, right: str) -> bool:
        return policy_allows(_role(request), self.opts.label_lower, right)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allows(request, "view")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allows(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allows(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allows(request, "delete")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return any(self._allows(request, right) for right in ("view", "add", "change"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        # An action without allowed_permissions would be open to anyone who can view the list.
        return {name: spec for name, spec in actions.items() if getattr(spec[0], "allowed_permissions", None)}

    def _audit(self, request: HttpRequest, action: str, obj: Model, message: object) -> None:
        from qifu.audit.services import audit_record

        audit_record(
            actor=request.user,
            action=action,
            object_type=self.opts.label_lower,
            object_id=obj.pk,
            changes={"admin": message} if message else {},
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if self.audit_admin_changes:
            self._audit(request, "admin_add", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if self.audit_admin_changes:
            self._audit(request, "admin_change", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Model]) -> Any:
        if self.audit_admin_changes:
            for obj in queryset:
                self._audit(request, "admin_delete", obj, str(obj))
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class RoleModelAdmin(RolePolicyMixin, admin.ModelAdmin):
    """Base class for Qifu's own ModelAdmins."""


def _not_found(*args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


class QifuAdminSite(admin.AdminSite):
    site_header = _("企服 · 管理后台")
    site_title = _("企服管理后台")
    index_title = _("管理首页")
    site_url = "/"
    enable_nav_sidebar = True

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every ModelAdmin answers to ADMIN_POLICY, whoever registers it (fail closed)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, RolePolicyMixin):
            admin_class = type(f"Role{admin_class.__name__}", (RolePolicyMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        """Only the three admins; `is_staff` and Django permissions play no part."""
        return _role(request) in ADMIN_ROLES

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Anonymous: to the one login page (with its lockout and audit). Other roles: 403.

        The admin is always in Chinese (the zone's working language), whatever the browser asks for.
        """

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from django.contrib.auth.views import redirect_to_login  # imports auth models: not at load time

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not self.has_permission(request):
                raise PermissionDenied
            translation.activate(settings.LANGUAGE_CODE)  # stays active while the response renders
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            response: HttpResponse = view(request, *args, **kwargs)
            return response

        wrapped: Callable[..., HttpResponse] = inner
        if not cacheable:
            wrapped = never_cache(wrapped)
        if not getattr(view, "csrf_exempt", False):
            wrapped = csrf_protect(wrapped)
        return update_wrapper(wrapped, view)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super().get_urls()
        # contenttypes' "view on site" redirect would tell an admin whether any business object exists.
        for i, pattern in enumerate(urls):
            if isinstance(pattern, URLPattern) and pattern.name == "view_on_site":
                urls[i] = URLPattern(pattern.pattern, _not_found, name="view_on_site")
        return urls

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """There is one login page, with the lockout, the audit and the session policy."""
        from django.contrib.auth.views import redirect_to_login

        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, settings.LOGIN_URL)

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from qifu.accounts.views import LogoutView

        return LogoutView.as_view()(request)

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return redirect("accounts:password_change")


class QifuAdminConfig(AdminConfig):
    default_site = "qifu.admin.QifuAdminSite"

    def ready(self) -> None:
        super().ready()
        _register_staff(admin.site)


def _register_staff(site: admin.AdminSite) -> None:
    """Staff profiles (people.Staff) for the system admin; the login account is edited as a user."""
    from django import forms

    from qifu.accounts.roles import STAFF_ROLES
    from qifu.core.crypto import blind_index, encrypt_field
    from qifu.people.models import Staff

    if site.is_registered(Staff):
        return
    phone_context = "staff.phone"  # the same context as qifu.people.services.PHONE_CTX

    class StaffForm(forms.ModelForm):
        phone = forms.RegexField(
            label=_("手机号"),
            regex=r"^1\d{10}$",
            required=False,
            help_text=_("留空则不修改。手机号加密保存，此处不回显。"),
        )

        class Meta:
            model = Staff
            fields = ("user", "department", "position", "office_phone", "active")

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if "user" in self.fields:
                self.fields["user"].queryset = self.fields["user"].queryset.filter(role__in=STAFF_ROLES)  # type: ignore[attr-defined]

        def save(self, commit: bool = True) -> Staff:
            staff: Staff = super().save(commit=False)
            phone = self.cleaned_data.get("phone")
            if phone:
                staff.phone_enc = encrypt_field(phone, context=phone_context)
                staff.phone_index = blind_index(phone, context=phone_context)
            if commit:
                staff.save()
            return staff

    class StaffAdmin(RoleModelAdmin):
        form = StaffForm
        list_display = ("user", "department", "position", "office_phone", "active")
        list_filter = ("active", "department")
        list_select_related = ("user", "department")
        search_fields = ("user__username", "user__display_name", "position")
        raw_id_fields = ("user",)

        def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
            return ("user",) if obj is not None else ()

    site.register(Staff, StaffAdmin)
