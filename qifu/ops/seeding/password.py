"""The demo accounts' password (PRODUCT.md §3: printed by `seed` and `demo`, set by QIFU_DEMO_PASSWORD).

When QIFU_DEMO_PASSWORD is unset, `seed` generates a strong one. It is also written to
DATA_DIR/demo_password (mode 600), so that a later `qifu demo` can show it again: a convenience
for the demo database only — production accounts are created by the system administrator and
their passwords are never stored in clear.
"""

import os
import secrets
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

FILENAME = "demo_password"


def demo_password_problems(password: str) -> list[str]:
    """What the password policy (Django's validators and qifu.accounts.validators) says against it."""
    try:
        validate_password(password)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def demo_password_generate() -> str:
    """'Qf-' + 12 random URL-safe characters: upper, lower and a symbol at least, so 3 classes."""
    while True:
        candidate = "Qf-" + secrets.token_urlsafe(9)
        if not demo_password_problems(candidate):
            return candidate


def demo_password_store(data_dir: Path, password: str) -> Path:
    path = data_dir / FILENAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)  # in case the file existed with wider permissions
    return path


def demo_password_load(data_dir: Path) -> str | None:
    path = data_dir / FILENAME
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
