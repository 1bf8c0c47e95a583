"""Session policy (等保 IA-3, IA-5): idle timeout (shorter for admins), absolute lifetime, and
forced password change when the password is initial, reset or older than the policy allows."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from qifu.accounts.roles import ADMIN_ROLES
from qifu.accounts.services import password_expired_record

LOGIN_AT = "qifu_login_at"
SEEN_AT = "qifu_seen_at"
EXPIRY_AUDITED = "qifu_password_expiry_audited"
# Set on the request before a policy logout, so the audit says why the session ended.
LOGOUT_REASON = "qifu_logout_reason"
EXEMPT_PREFIXES = ("/static/", "/api/", "/healthz", "/accounts/logout", "/accounts/password")


def idle_limit_seconds(role: str) -> int:
    policy = settings.QIFU_SECURITY
    minutes = policy["ADMIN_SESSION_IDLE_MINUTES"] if role in ADMIN_ROLES else policy["SESSION_IDLE_MINUTES"]
    return int(minutes) * 60


def password_expired(user: object) -> bool:
    changed = getattr(user, "password_changed_at", None)
    max_age = timedelta(days=int(settings.QIFU_SECURITY["PASSWORD_MAX_AGE_DAYS"]))
    return bool(getattr(user, "must_change_password", False)) or (
        changed is not None and timezone.now() - changed > max_age
    )


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith("/api/"):
            now = time.time()
            login_at = request.session.get(LOGIN_AT)
            seen_at = request.session.get(SEEN_AT, login_at)
            absolute = int(settings.QIFU_SECURITY["SESSION_ABSOLUTE_HOURS"]) * 3600
            if (
                login_at is None
                or now - float(seen_at or 0) > idle_limit_seconds(user.role)
                or now - float(login_at) > absolute
            ):
                setattr(request, LOGOUT_REASON, "session_timeout")
                logout(request)
                if request.headers.get("HX-Request"):
                    return JsonResponse({"code": "session_expired", "detail": "session expired"}, status=401)
                return redirect_to_login(request.get_full_path())
            # Refresh the idle clock at most once a minute: a session write per request would
            # serialise every page view on the database's write lock.
            if now - float(seen_at or 0) > 60:
                request.session[SEEN_AT] = now
                request.session.set_expiry(idle_limit_seconds(user.role))
            if password_expired(user) and not request.path.startswith(EXEMPT_PREFIXES):
                if not request.session.get(EXPIRY_AUDITED):
                    password_expired_record(user=user)
                    request.session[EXPIRY_AUDITED] = True
                return redirect("accounts:password_change")
        return self.get_response(request)
