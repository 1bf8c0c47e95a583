"""Account writes (PRODUCT.md §1; security IA-1..IA-5, MC-1)."""

import secrets
import string
import time
from collections.abc import Iterable
from importlib import import_module

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qifu.accounts.models import ApiToken, PasswordHistory, User, normalize_username
from qifu.accounts.roles import ADMIN_ROLES, Role
from qifu.audit.models import Outcome
from qifu.audit.services import audit_record
from qifu.core.crypto import sm3_hex
from qifu.core.errors import PermissionDenied, RuleViolation


def _require_sysadmin(actor: User) -> None:
    if actor.role != Role.SYSADMIN:
        raise PermissionDenied("only the system administrator manages accounts", code="permission_denied")


def _require_manageable(actor: User | None, user: User) -> None:
    """MC-1: the system admin manages business accounts, not the three admin accounts (nor itself)."""
    if actor is None:
        return
    _require_sysadmin(actor)
    if user.role in ADMIN_ROLES:
        raise PermissionDenied("admin accounts are managed out of band", code="admin_account_protected")


def password_reused(*, user: User, password: str) -> bool:
    keep = int(settings.QIFU_SECURITY["PASSWORD_HISTORY"])
    recent = [user.password, *PasswordHistory.objects.filter(user=user).values_list("encoded", flat=True)[:keep]]
    return any(encoded and check_password(password, encoded) for encoded in recent[:keep])


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RuleViolation("; ".join(exc.messages), code="password_invalid") from exc


def _store_password(*, user: User, password: str, force_change: bool) -> None:
    if password_reused(user=user, password=password):
        raise RuleViolation("password was used recently", code="password_reused")
    if user.password:
        PasswordHistory.objects.create(user=user, encoded=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = force_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str, force_change: bool = False) -> User:
    """IA-2/IA-3: the rules hold; the last N passwords cannot come back; audited."""
    _validate_password(password, user)
    _store_password(user=user, password=password, force_change=force_change)
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
    """One role per user; usernames unique after NFKC and case folding (IA-1, MC-1).

    `actor=None` is the installer, seed or CLI. Through the admin only the system administrator
    creates accounts, and never one of the three admin accounts: whoever sets an admin's first
    password could sign in as that admin, which would merge two of the three roles (MC-1).
    """
    if actor is not None:
        _require_sysadmin(actor)
        if role in ADMIN_ROLES:
            raise PermissionDenied("admin accounts are provisioned out of band", code="admin_account_protected")
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
        _validate_password(password, user)
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


# Bearer tokens resolved in the last few seconds, per process: an API call then costs no token query.
# A revoked token or a disabled user stops working within TOKEN_CACHE_SECONDS in every process (the
# process that revokes forgets at once). Only valid tokens are remembered, so guessing costs a query.
TOKEN_CACHE_SECONDS = 15.0
TOKEN_CACHE_SIZE = 4096
_token_cache: dict[str, tuple[float, User]] = {}


def token_cache_clear() -> None:
    _token_cache.clear()


def token_authenticate(token: str) -> User | None:
    """The active user behind a bearer token (only its SM3 digest is stored), or None."""
    digest = sm3_hex(token.encode())
    now = time.monotonic()
    hit = _token_cache.get(digest)
    if hit is not None and hit[0] > now:
        return hit[1]
    row = (
        ApiToken.objects.select_related("user", "user__department")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        _token_cache.pop(digest, None)
        return None
    if len(_token_cache) >= TOKEN_CACHE_SIZE:
        _token_cache.clear()
    _token_cache[digest] = (now + TOKEN_CACHE_SECONDS, row.user)
    return row.user


@transaction.atomic
def user_update(*, actor: User | None, user: User, display_name: str, department_id: int | None) -> User:
    """MC-1: the system admin edits a business account's name and department; audited with the diff."""
    _require_manageable(actor, user)
    before = {"display_name": user.display_name, "department_id": user.department_id}
    user.display_name = display_name
    user.department_id = department_id
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "department"])
    after = {"display_name": user.display_name, "department_id": user.department_id}
    diff = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    audit_record(actor=actor, action="user_update", object_type="user", object_id=user.pk, changes=diff)
    return user


def _end_sessions(user: User) -> int:
    """Delete every server-side session of `user` (IA-5: disabling a user ends its sessions)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()  # through the engine: cache and DB
            ended += 1
    return ended


def _revoke_tokens(user: User) -> int:
    token_cache_clear()  # this process forgets now; others within TOKEN_CACHE_SECONDS
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> User:
    """AC-3/IA-5: enable or disable an account; disabling ends its sessions and revokes its tokens."""
    _require_manageable(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("you cannot disable your own account", code="permission_denied")
    changes: dict[str, object] = {"is_active": [user.is_active, active]}
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        changes["sessions_ended"] = _end_sessions(user)
        changes["tokens_revoked"] = _revoke_tokens(user)
    action = "user_activate" if active else "user_deactivate"
    audit_record(actor=actor, action=action, object_type="user", object_id=user.pk, changes=changes)
    return user


def temporary_password(length: int = 16) -> str:
    """A random password with all four character classes, drawn from `secrets` (CR-2)."""
    # No look-alikes (0/O, 1/l/I) and nothing HTML escapes (&, <, quotes): it is read out and typed in.
    pools = [
        "".join(c for c in string.ascii_uppercase if c not in "IO"),
        "".join(c for c in string.ascii_lowercase if c not in "lo"),
        "23456789",
        "!@#$%*-_=+?",
    ]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@transaction.atomic
def user_reset_password(*, actor: User | None, user: User) -> str:
    """IA-3: an admin reset sets a random one-time password that must be changed at first login.

    The password is returned once for the admin to hand over; it is never stored or audited in
    clear. The old password stops working at once (and with it every session, whose auth hash
    derives from it), and the user's API tokens are revoked.
    """
    _require_manageable(actor, user)
    while True:
        password = temporary_password()
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        if not password_reused(user=user, password=password):
            break
    _store_password(user=user, password=password, force_change=True)
    revoked = _revoke_tokens(user)
    audit_record(
        actor=actor, action="password_reset", object_type="user", object_id=user.pk, changes={"tokens_revoked": revoked}
    )
    return password


@transaction.atomic
def lockout_clear(*, actor: User | None, usernames: Iterable[str]) -> int:
    """IA-4: the security admin lifts login lockouts; every unlocked username is audited."""
    if actor is not None and actor.role != Role.SECADMIN:
        raise PermissionDenied("only the security administrator lifts lockouts", code="permission_denied")
    cleared = 0
    for username in sorted(set(usernames)):
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        cleared += count
        audit_record(
            actor=actor,
            action="account_unlock",
            object_type="user",
            object_id=username,
            changes={"attempts_cleared": count},
        )
    return cleared


def password_expired_record(*, user: User) -> None:
    """IA-3: a forced change (expired, initial or reset password) is audited once per session."""
    audit_record(
        actor=user,
        action="password_expired",
        object_type="user",
        object_id=user.pk,
        outcome=Outcome.FAILURE,
    )
