"""Account writes (PRODUCT.md §1; security IA-1..IA-5, MC-1)."""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qifu.accounts.models import ApiToken, PasswordHistory, User, normalize_username
from qifu.accounts.roles import Role
from qifu.audit.services import audit_record
from qifu.core.crypto import sm3_hex
from qifu.core.errors import RuleViolation


def password_reused(*, user: User, password: str) -> bool:
    keep = int(settings.QIFU_SECURITY["PASSWORD_HISTORY"])
    recent = [user.password, *PasswordHistory.objects.filter(user=user).values_list("encoded", flat=True)[:keep]]
    return any(encoded and check_password(password, encoded) for encoded in recent[:keep])


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str, force_change: bool = False) -> User:
    """IA-2/IA-3: the rules hold; the last N passwords cannot come back; audited."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RuleViolation("; ".join(exc.messages), code="password_invalid") from exc
    if password_reused(user=user, password=password):
        raise RuleViolation("password was used recently", code="password_reused")
    if user.password:
        PasswordHistory.objects.create(user=user, encoded=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = force_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=actor, action="password_change", object_type="user", object_id=user.pk)
    return user


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    display_name: str = "",
    department_id: int | None = None,
    enterprise_id: int | None = None,
    password: str | None = None,
    encoded_password: str | None = None,
    must_change_password: bool = True,
) -> User:
    """One role per user; usernames unique after NFKC and case folding (IA-1, MC-1)."""
    username = normalize_username(username)
    if not username:
        raise RuleViolation("username is required", code="username_required")
    if role not in Role.values:
        raise RuleViolation(f"unknown role {role}", code="role_invalid")
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(f"username {username} exists", code="username_taken")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        department_id=department_id,
        enterprise_id=enterprise_id,
        must_change_password=must_change_password,
        is_staff=role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR),
    )
    if encoded_password:
        user.password = encoded_password
    elif password:
        validate_password(password, user)
        user.password = make_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user_create", object_type="user", object_id=user.pk, changes={"role": role})
    return user


def token_create(*, user: User, name: str = "cli") -> str:
    """A new API token; only its SM3 digest is stored, the token itself is returned once."""
    token = "qf_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=sm3_hex(token.encode()), prefix=token[:8])
    audit_record(actor=user, action="token_create", object_type="user", object_id=user.pk, changes={"name": name})
    return token


def token_authenticate(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(digest=sm3_hex(token.encode()), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return row.user if row else None
