from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from qifu.accounts.models import normalize_username


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误，或账号已被临时锁定。请30分钟后再试或联系管理员。"),
        "inactive": _("用户名或密码错误，或账号已被临时锁定。请30分钟后再试或联系管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_username(self) -> str:
        return normalize_username(self.cleaned_data.get("username") or "")


class QifuPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_new_password1(self) -> str:
        from qifu.accounts.services import password_reused

        password = self.cleaned_data.get("new_password1") or ""
        if password_reused(user=self.user, password=password):
            raise forms.ValidationError(_("不能使用最近5次用过的密码。"), code="password_reused")
        return password

    def save(self, commit: bool = True) -> Any:
        from qifu.accounts.services import user_set_password

        user_set_password(actor=self.user, user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
