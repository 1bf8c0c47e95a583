"""Login auditing: Django auth's signals are on STYLE.md's short list of allowed signals."""

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from qifu.accounts.middleware import LOGIN_AT, LOGOUT_REASON, SEEN_AT, idle_limit_seconds
from qifu.accounts.models import User, normalize_username
from qifu.audit.models import Outcome
from qifu.audit.services import AuditActor, audit_record


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session.set_expiry(idle_limit_seconds(user.role))
    audit_record(actor=user, action="login", object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        action = getattr(request, LOGOUT_REASON, "logout")  # "session_timeout" when the policy ended it
        audit_record(actor=user, action=action, object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = normalize_username(str(credentials.get("username", "")))
    audit_record(
        actor=AuditActor(id=None, username=username, role=""),
        action="login_failed",
        object_type="user",
        object_id=username[:64],
        outcome=Outcome.FAILURE,
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    audit_record(
        actor=AuditActor(id=None, username=username or "", role=""),
        action="account_locked",
        object_type="user",
        object_id=(username or "")[:64],
        outcome=Outcome.FAILURE,
    )
