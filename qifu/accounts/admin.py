"""Admin for accounts (系统管理员) and login lockouts (安全管理员); see qifu.admin for the role rules.

Every write goes through qifu.accounts.services, so the admin, the CLI and scripts enforce the same
rules and write the same audit records.
"""

from typing import Any

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qifu.accounts.models import LoginLockout, User, normalize_username
from qifu.accounts.roles import ADMIN_ROLES, Role
from qifu.accounts.services import lockout_clear, user_create, user_reset_password, user_set_active, user_update
from qifu.admin import RoleModelAdmin
from qifu.core.errors import QifuError

# Roles carry no Django groups or permissions: the role decides (qifu.admin.ADMIN_POLICY).
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class UserCreateForm(forms.ModelForm):
    """A new business account with an initial password that must be changed at first login."""

    password1 = forms.CharField(
        label=gettext_lazy("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ("username", "display_name", "role", "department", "enterprise")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The three admin accounts are provisioned out of band (MC-1), never from this form.
        self.fields["role"].choices = [("", "---------")] + [  # type: ignore[attr-defined]
            (value, label) for value, label in Role.choices if value not in ADMIN_ROLES
        ]
        self.fields["enterprise"].help_text = _("仅企业用户填写：所属企业的编号。")

    def clean_username(self) -> str:
        username = normalize_username(self.cleaned_data.get("username") or "")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("该用户名已存在（不区分大小写和全角半角）。"), code="username_taken")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, enterprise = data.get("role"), data.get("enterprise")
        if role == Role.ENTERPRISE and enterprise is None:
            self.add_error("enterprise", _("企业用户必须选择所属企业。"))
        if role != Role.ENTERPRISE and enterprise is not None:
            self.add_error("enterprise", _("只有企业用户才有所属企业。"))
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif password1:
            probe = User(username=data.get("username", ""), display_name=data.get("display_name", ""))
            try:
                validate_password(password1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


@admin.register(User)
class UserAdmin(RoleModelAdmin):
    """系统管理员: create business accounts, edit name/department, enable/disable, reset passwords."""

    audit_admin_changes = False  # the services audit each change themselves
    list_display = ("username", "display_name", "role", "department", "is_active", "must_change_password", "last_login")
    list_filter = ("role", "is_active", "department")
    list_select_related = ("department",)
    search_fields = ("username", "display_name")
    ordering = ("username",)
    raw_id_fields = ("enterprise",)
    actions = ("deactivate_users", "activate_users")
    add_fields = ("username", "display_name", "role", "department", "enterprise", "password1", "password2")
    change_fields = (
        "username",
        "display_name",
        "role",
        "department",
        "enterprise",
        "is_active",
        "must_change_password",
        "password_changed_at",
        "last_login",
        "date_joined",
        "reset_password_link",
    )
    change_readonly = tuple(f for f in change_fields if f not in ("display_name", "department"))

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return self._allows(request, "manage")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # The three admin accounts are read-only here (MC-1): see services._require_manageable.
        if isinstance(obj, User) and obj.role in ADMIN_ROLES:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return self.change_fields if obj is not None else self.add_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return self.change_readonly if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UserCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if change:
            original = User.objects.get(pk=obj.pk)
            user_update(actor=actor, user=original, display_name=obj.display_name, department_id=obj.department_id)
            return
        data = form.cleaned_data
        created = user_create(
            actor=actor,
            username=data["username"],
            role=data["role"],
            display_name=data.get("display_name") or "",
            department_id=data["department"].pk if data.get("department") else None,
            enterprise_id=data["enterprise"].pk if data.get("enterprise") else None,
            password=data["password1"],
            must_change_password=True,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Users have no related rows editable here (groups and permissions are unused)."""

    @admin.display(description=gettext_lazy("重置密码"))
    def reset_password_link(self, obj: User) -> str:
        if obj.role in ADMIN_ROLES:
            return _("管理员账号须线下重置")
        url = reverse("admin:accounts_user_reset_password", args=[obj.pk], current_app=self.admin_site.name)
        return format_html('<a class="button" href="{}">{}</a>', url, _("重置密码…"))

    def _set_active(self, request: HttpRequest, queryset: QuerySet[User], active: bool) -> None:
        done, refused = 0, []
        for user in queryset:
            try:
                user_set_active(actor=request.user, user=user, active=active)  # type: ignore[arg-type]
                done += 1
            except QifuError:
                refused.append(user.username)
        if done:
            self.message_user(request, _("已处理%(n)d个账号。") % {"n": done}, messages.SUCCESS)
        if refused:
            self.message_user(request, _("以下账号不能在此处理：%(u)s") % {"u": "、".join(refused)}, messages.WARNING)

    @admin.action(description=gettext_lazy("停用所选账号（同时结束其会话并吊销API令牌）"), permissions=["manage"])
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_active(request, queryset, active=False)

    @admin.action(description=gettext_lazy("启用所选账号"), permissions=["manage"])
    def activate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_active(request, queryset, active=True)

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<path:object_id>/reset-password/",
                self.admin_site.admin_view(self.reset_password_view),
                name="accounts_user_reset_password",
            )
        ]
        return custom + super().get_urls()

    def reset_password_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then show the one-time password once (never stored in clear, never audited).

        admin_view() already marks the response never_cache; no-store is added for proxies too.
        """
        if not self.has_manage_permission(request):
            raise PermissionDenied
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404
        if user.role in ADMIN_ROLES:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": _("重置密码：%(u)s") % {"u": user.username},
            "temporary_password": None,
        }
        if request.method == "POST":
            context["temporary_password"] = user_reset_password(actor=request.user, user=user)  # type: ignore[arg-type]
        response = TemplateResponse(request, "admin/accounts/user/reset_password.html", context)
        response["Cache-Control"] = "no-store"
        return response


def _column(field: str, title: Any) -> Any:
    """A read-only column with a Chinese title (django-axes ships no Chinese translation)."""

    @admin.display(description=title, ordering=field)
    def show(self: Any, obj: Any) -> Any:
        return getattr(obj, field)

    show.__name__ = f"col_{field}"
    return show


class _AttemptTimeFilter(admin.DateFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("最近失败时间")


@admin.register(LoginLockout)
class LoginLockoutAdmin(RoleModelAdmin):
    """安全管理员: see failed-login counters and lift lockouts (each unlock is audited)."""

    audit_admin_changes = False
    col_username = _column("username", gettext_lazy("用户名"))
    col_failures = _column("failures_since_start", gettext_lazy("失败次数"))
    col_time = _column("attempt_time", gettext_lazy("最近失败时间"))
    col_ip = _column("ip_address", gettext_lazy("来源地址"))
    col_agent = _column("user_agent", gettext_lazy("浏览器标识"))
    col_path = _column("path_info", gettext_lazy("登录路径"))
    list_display = ("col_username", "status", "col_failures", "col_time", "col_ip", "col_agent")
    list_display_links = ("col_username",)
    list_filter = (("attempt_time", _AttemptTimeFilter),)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    # get_data/post_data hold the submitted form (passwords masked by axes); not shown at all.
    fields = ("col_username", "status", "col_failures", "col_time", "col_ip", "col_agent", "col_path")
    readonly_fields = fields
    actions = ("unlock",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[LoginLockout]:
        threshold = timezone.now() - settings.AXES_COOLOFF_TIME
        totals = (
            AccessAttempt.objects.filter(username=OuterRef("username"), attempt_time__gte=threshold)
            .values("username")
            .annotate(total=Sum("failures_since_start"))
            .values("total")
        )
        queryset: QuerySet[LoginLockout] = super().get_queryset(request).annotate(recent_failures=Subquery(totals))
        return queryset

    @admin.display(description=gettext_lazy("状态"))
    def status(self, obj: Any) -> str:
        if (getattr(obj, "recent_failures", 0) or 0) >= settings.AXES_FAILURE_LIMIT:
            return _("锁定中")
        return _("未锁定")

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return self._allows(request, "unlock")

    @admin.action(description=gettext_lazy("解除所选用户名的锁定"), permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        usernames = {name for name in queryset.values_list("username", flat=True) if name}
        lockout_clear(actor=request.user, usernames=usernames)  # type: ignore[arg-type]
        self.message_user(request, _("已解除%(n)d个用户名的锁定。") % {"n": len(usernames)}, messages.SUCCESS)
