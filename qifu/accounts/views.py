from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qifu.accounts.forms import LoginForm, QifuPasswordChangeForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = QifuPasswordChangeForm
    success_url = "/"


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """The same generic answer as a wrong password, so a lock does not reveal that a user exists."""
    form = LoginForm(request)
    form.add_error(None, _("用户名或密码错误，或账号已被临时锁定。请30分钟后再试或联系管理员。"))
    return render(request, "accounts/login.html", {"form": form}, status=200)
