import unicodedata

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qifu.accounts.roles import ADMIN_ROLES, Role


def normalize_username(username: str) -> str:
    """NFKC then strip: full-width 'ａｌｉｃｅ' and ' alice' are the same identity as 'alice' (IA-1)."""
    return unicodedata.normalize("NFKC", username).strip()


def axes_username(request: object, credentials: dict[str, str] | None) -> str | None:
    """Lockout key for django-axes: the normalised, case-folded username, whatever the client."""
    if not credentials:
        return None
    username = credentials.get("username")
    return normalize_username(username).lower() if username else None


class QifuUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username__iexact=normalize_username(username or ""))


class User(AbstractUser):
    """A person who signs in. Exactly one role; department for staff, enterprise for 企业用户."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, db_index=True)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("部门"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属企业"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = QifuUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_uniq"),
            models.CheckConstraint(
                condition=models.Q(role="enterprise", enterprise__isnull=False)
                | (~models.Q(role="enterprise") & models.Q(enterprise__isnull=True)),
                name="accounts_user_enterprise_iff_role",
            ),
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="accounts_user_no_superuser"),
        ]

    def clean(self) -> None:
        super().clean()
        self.username = normalize_username(self.username)

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def __str__(self) -> str:
        return self.name


class PasswordHistory(models.Model):
    """The last hashes of a user's passwords, so the last N cannot be reused (IA-3)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class ApiToken(models.Model):
    """Bearer token for /api/v1/. Only the SM3 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, default="cli")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")


class LoginLockout(AccessAttempt):
    """django-axes' failed-login counters, shown to the security admin under the accounts app (IA-4)."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败与锁定")
