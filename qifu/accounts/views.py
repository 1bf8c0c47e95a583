from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qifu.accounts.forms import LoginForm, QifuPasswordChangeForm
from qifu.accounts.middleware import password_expired


class LoginView(auth_views.LoginView):
    """Sign-in (IA-4): one generic error for a wrong password, an unknown user, a disabled account
    and a lockout. Django's view already marks the password as a sensitive POST parameter and
    rotates the session key on success (fixation, IA-5)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logout deletes the server-side session and tells the browser to drop its data (RI-1)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """IA-2/IA-3: the policy validators and the last-5 history apply; the session survives the change."""

    template_name = "accounts/password_change.html"
    form_class = QifuPasswordChangeForm
    success_url = "/"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "forced": password_expired(self.request.user)}

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。"))
        return response


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """django-axes lockout answer (IA-4): exactly the page a wrong password gets.

    While an account is locked, the axes backend refuses before the password is checked, so the
    login view has already rendered its generic "wrong username or password" page; answering with
    that same response means a lock reveals neither that the account exists nor that it is locked.
    """
    if isinstance(original_response, HttpResponse) and original_response.status_code == 200:
        return original_response
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    return render(request, "accounts/login.html", {"form": form, "login_failed": True}, status=200)
