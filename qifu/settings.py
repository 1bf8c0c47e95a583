"""Qifu settings: the only module that reads QIFU_* environment variables (through conf.env)."""

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from qifu.conf.env import env_bool, env_float, env_floats, env_int, env_list, env_opt, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("QIFU_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("QIFU_DEBUG", False)
HTTPS = env_bool("QIFU_HTTPS", True)


def _secret(name: str, filename: str, nbytes: int) -> str:
    """A secret from the environment; in debug only, a random one kept under DATA_DIR."""
    value = env_opt(name)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when QIFU_DEBUG=0")
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("QIFU_SECRET_KEY", "secret_key", 32)
# SM4 key for contact data at rest, HMAC-SM3 keys for the blind index and the audit chain.
FIELD_KEY = bytes.fromhex(_secret("QIFU_FIELD_KEY", "field_key", 16))
AUDIT_KEY = bytes.fromhex(_secret("QIFU_AUDIT_KEY", "audit_key", 32))
if len(FIELD_KEY) != 16:
    raise ImproperlyConfigured("QIFU_FIELD_KEY must be 32 hex digits (an SM4 key)")

ALLOWED_HOSTS = env_list("QIFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
ZONE_NAME = env_str("QIFU_ZONE_NAME", "昆山高新区")
DEMO_PASSWORD = env_opt("QIFU_DEMO_PASSWORD")
REDIS_URL = env_opt("QIFU_REDIS_URL")

INSTALLED_APPS = [
    "qifu.admin.QifuAdminConfig",  # django.contrib.admin with the three-admin site (MC-1)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "axes",
    "huey.contrib.djhuey",
    "bootstrap",
    "fontawesome",
    "qifu.core",
    "qifu.reference",
    "qifu.workcal",
    "qifu.accounts",
    "qifu.audit",
    "qifu.files",
    "qifu.enterprises",
    "qifu.people",
    "qifu.projects",
    "qifu.linkage",
    "qifu.cases",
    "qifu.notify",
    "qifu.visits",
    "qifu.safety",
    "qifu.suggestions",
    "qifu.meetings",
    "qifu.indicators",
    "qifu.servicelists",
    "qifu.policies",
    "qifu.alerts",
    "qifu.search",
    "qifu.triage",
    "qifu.commons",
    "qifu.knowledge",
    "qifu.access",
    "qifu.assessment",
    "qifu.cockpit",
    "qifu.dashboard",
    "qifu.bench",
    "qifu.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qifu.core.middleware.RequestIdMiddleware",
    "qifu.files.middleware.UploadGuardMiddleware",  # 413 before the body is read (IP-6 b)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qifu.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qifu.urls"
WSGI_APPLICATION = "qifu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qifu.core.context_processors.qifu",
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------
_db_url = env_str("QIFU_DATABASE_URL", f"sqlite:///{DATA_DIR / 'qifu.sqlite3'}")
_db = dj_database_url.parse(_db_url)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" on upgrade, and
    # qifu.core.sqlite lines the writers up on a file lock first (see its docstring).
    # Persistent connections: opening one costs more than a simple query.
    _db["ENGINE"] = "qifu.core.sqlite"
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA cache_size=-65536;"
            "PRAGMA mmap_size=268435456;"
            "PRAGMA temp_store=MEMORY;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA secure_delete=ON;"
        ),
    }
    _db["CONN_MAX_AGE"] = None
else:
    _db["CONN_MAX_AGE"] = 600
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["options"] = "-c statement_timeout=30000"
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "qifu", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "qifu",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# --- Notifications (PRODUCT.md §2.3): the inbox always; external channels batched (无事不扰) ----
NOTIFY_CHANNELS = env_list("QIFU_NOTIFY_CHANNELS", ["email"])
NOTIFY_DIGEST_MINUTES = env_int("QIFU_NOTIFY_DIGEST_MINUTES", 60)
SMS_URL = env_opt("QIFU_SMS_URL")
SMS_TOKEN = env_opt("QIFU_SMS_TOKEN")
WECOM_WEBHOOK = env_opt("QIFU_WECOM_WEBHOOK")
DEFAULT_FROM_EMAIL = env_str("QIFU_EMAIL_FROM", "qifu@localhost")
if set(NOTIFY_CHANNELS) - {"email", "sms", "wecom"}:
    raise ImproperlyConfigured(f"QIFU_NOTIFY_CHANNELS: only email, sms and wecom, not {NOTIFY_CHANNELS}")
if "sms" in NOTIFY_CHANNELS and not SMS_URL:
    raise ImproperlyConfigured("QIFU_NOTIFY_CHANNELS has sms: set QIFU_SMS_URL (the SMS gateway)")
if "wecom" in NOTIFY_CHANNELS and not WECOM_WEBHOOK:
    raise ImproperlyConfigured("QIFU_NOTIFY_CHANNELS has wecom: set QIFU_WECOM_WEBHOOK (the group robot)")
if NOTIFY_DIGEST_MINUTES < 0:
    raise ImproperlyConfigured("QIFU_NOTIFY_DIGEST_MINUTES must be 0 or more")
if DEBUG:  # development mail lands in var/mail/ instead of an SMTP relay
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# --- Assessment (PRODUCT.md §2.2 考核): 满意率 weight of 基本满意, composite weights, 红黑榜 minimum --
ASSESS_BASIC_WEIGHT = env_float("QIFU_ASSESS_BASIC_WEIGHT", 0.9)
ASSESS_WEIGHTS = env_floats("QIFU_ASSESS_WEIGHTS", (0.1, 0.5, 0.4))  # 响应率, 解决率, 满意率
ASSESS_MIN_CASES = env_int("QIFU_ASSESS_MIN_CASES", 5)
if not 0 <= ASSESS_BASIC_WEIGHT <= 1:
    raise ImproperlyConfigured(f"QIFU_ASSESS_BASIC_WEIGHT must be between 0 and 1, not {ASSESS_BASIC_WEIGHT}")
if len(ASSESS_WEIGHTS) != 3 or not all(0 <= w <= 1 for w in ASSESS_WEIGHTS) or abs(sum(ASSESS_WEIGHTS) - 1) > 1e-9:
    raise ImproperlyConfigured(
        f"QIFU_ASSESS_WEIGHTS: 3 weights (response, solve, satisfaction), each 0-1, sum 1; not {ASSESS_WEIGHTS}"
    )
if ASSESS_MIN_CASES < 1:
    raise ImproperlyConfigured("QIFU_ASSESS_MIN_CASES must be 1 or more")

# --- Visits (issue 4): 无事不扰 monthly contact budget per enterprise, month-end visit reminder ----
VISIT_BUDGET = env_int("QIFU_VISIT_BUDGET", 2)
VISIT_REMINDER_DAYS = env_int("QIFU_VISIT_REMINDER_DAYS", 5)
if VISIT_BUDGET < 0 or not 0 <= VISIT_REMINDER_DAYS <= 27:
    raise ImproperlyConfigured("QIFU_VISIT_BUDGET must be 0 or more, QIFU_VISIT_REMINDER_DAYS 0-27")

# --- Project progress board (issue 6 item 4; rules in docs/PROJECTS.md) -------------------------
PROJECT_LATE_DAYS = env_int("QIFU_PROJECT_LATE_DAYS", 30)
PROJECT_RISK_WINDOW_DAYS = env_int("QIFU_PROJECT_RISK_WINDOW_DAYS", 30)
PROJECT_RISK_INVESTMENT = env_float("QIFU_PROJECT_RISK_INVESTMENT", 0.6)
if PROJECT_LATE_DAYS < 0 or PROJECT_RISK_WINDOW_DAYS < 0 or not 0 <= PROJECT_RISK_INVESTMENT <= 1:
    raise ImproperlyConfigured(
        "QIFU_PROJECT_LATE_DAYS and QIFU_PROJECT_RISK_WINDOW_DAYS must be 0 or more, QIFU_PROJECT_RISK_INVESTMENT 0-1"
    )

# --- Early warnings (issue 6 item 3, docs/ALERTS.md): working days a liaison has to act on one ----
ALERTS_DUE_WORKDAYS = env_int("QIFU_ALERTS_DUE_WORKDAYS", 5)
if not 1 <= ALERTS_DUE_WORKDAYS <= 60:
    raise ImproperlyConfigured("QIFU_ALERTS_DUE_WORKDAYS must be 1-60")

# --- Identity and sessions (security-policy numbers in one block; tests read them) ------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Any: the block mixes numbers and word lists; readers convert with int() where they need a number.
QIFU_SECURITY: dict[str, Any] = {
    "PASSWORD_MIN_LENGTH": 8,
    "PASSWORD_MIN_CLASSES": 3,
    "PASSWORD_MAX_AGE_DAYS": 90,
    "PASSWORD_HISTORY": 5,
    "LOCKOUT_FAILURES": 5,
    "LOCKOUT_MINUTES": 30,
    "SESSION_IDLE_MINUTES": env_int("QIFU_SESSION_IDLE_MINUTES", 30),
    "ADMIN_SESSION_IDLE_MINUTES": env_int("QIFU_ADMIN_SESSION_IDLE_MINUTES", 15),
    "SESSION_ABSOLUTE_HOURS": env_int("QIFU_SESSION_ABSOLUTE_HOURS", 12),
    "PBKDF2_SM3_ITERATIONS": 300_000,
    "CONTEXT_WORDS": ["qifu", "kunshan", "昆山", "高新区", "admin", "password", "123456", "qwerty"],
}

PASSWORD_HASHERS = [
    "qifu.accounts.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": QIFU_SECURITY["PASSWORD_MIN_LENGTH"]},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qifu.accounts.validators.ComplexityValidator"},
    {"NAME": "qifu.accounts.validators.ContainsUsernameValidator"},
    {"NAME": "qifu.accounts.validators.ContextWordsValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: counted per username in the database, so it holds across server workers.
AXES_FAILURE_LIMIT = QIFU_SECURITY["LOCKOUT_FAILURES"]
AXES_COOLOFF_TIME = timedelta(minutes=int(QIFU_SECURITY["LOCKOUT_MINUTES"]))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# A locked account unlocks 30 minutes after the 5th failure; tries during the lock (even with the
# right password) neither count nor extend it, so the user is not kept out longer than the policy says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qifu.accounts.views.locked_out"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # the security admin sees lockouts as accounts.LoginLockout
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_USERNAME_CALLABLE = "qifu.accounts.models.axes_username"
# Policy (IA-4): the lock is per username whatever the client IP, so rotating IPs or User-Agents
# cannot bypass it; axes warns that IP is not part of the key, which is deliberate here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(QIFU_SECURITY["SESSION_IDLE_MINUTES"]) * 60
SESSION_SAVE_EVERY_REQUEST = False  # the policy middleware refreshes the expiry at most once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 3600

# --- Transport and headers --------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^api/", r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-qifu_session"
    CSRF_COOKIE_NAME = "__Host-qifu_csrftoken"
    SECURE_HSTS_SECONDS = env_int("QIFU_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
else:
    SESSION_COOKIE_NAME = "qifu_session"
    CSRF_COOKIE_NAME = "qifu_csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # ECharts and Bootstrap components set style attributes at run time.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_ROWS = 200_000
# Attachments (qifu.files, IP-6): outside STATIC_ROOT/MEDIA_ROOT (a system check enforces it).
UPLOAD_MAX_MB = env_int("QIFU_UPLOAD_MAX_MB", 20)
FILES_DIR = Path(env_str("QIFU_FILES_DIR", str(DATA_DIR / "files"))).resolve()
FILES_SCANNER = env_str("QIFU_FILES_SCANNER", "qifu.files.scanning.EicarScanner")

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: every asset comes from a pinned package, served by WhiteNoise -------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "qifu.core.logging.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": env_str("QIFU_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
