"""Test settings: the production settings plus speed-only overrides."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QIFU_DEBUG", "1")
os.environ.setdefault("QIFU_HTTPS", "0")

from qifu.settings import *  # noqa: F403
from qifu.settings import HUEY as HUEY_CONFIGURED  # noqa: F401  (a setting, read by test_queue)
from qifu.settings import QIFU_SECURITY

# A fast hasher for the thousands of users tests create; the SM3 hasher has its own tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "qifu.accounts.hashers.PBKDF2SM3PasswordHasher"]
# Tasks run inline in tests; the configured queue (SQLite file, or Redis with QIFU_REDIS_URL) is
# kept as HUEY_CONFIGURED and exercised for real by qifu/core/tests/test_queue.py.
HUEY = {"huey_class": "huey.MemoryHuey", "name": "qifu-test", "immediate": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
QIFU_SECURITY = {**QIFU_SECURITY}
# WhiteNoise indexes every static file (thousands with Font Awesome) each time a test client
# builds its middleware, i.e. once per test (~2-5 s each); autorefresh looks files up on request.
WHITENOISE_AUTOREFRESH = True
# Attachments stored by any test land in a per-run temporary directory, never in var/files.
FILES_DIR = Path(tempfile.mkdtemp(prefix="qifu-test-files-"))
atexit.register(shutil.rmtree, FILES_DIR, ignore_errors=True)
# Several suites may run against one PostgreSQL server at once (a developer's runs beside CI's):
# each process gets its own test database instead of dropping another run's `test_<name>`.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
