"""`qifu check --deploy` with production-like settings prints no warnings (secure cookies, HSTS, keys)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_check_deploy_reports_no_issues(tmp_path: Path) -> None:
    # given a production environment: debug off, HTTPS on (the default), real keys, one host
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIFU_", "DJANGO_"))}
    env.update(
        {
            "QIFU_DEBUG": "0",
            "QIFU_SECRET_KEY": secrets.token_urlsafe(48)[:50],
            "QIFU_ALLOWED_HOSTS": "example.org",
            "QIFU_FIELD_KEY": secrets.token_hex(16),
            "QIFU_AUDIT_KEY": secrets.token_hex(32),
            "QIFU_DATA_DIR": str(tmp_path / "var"),
        }
    )
    qifu = Path(sys.executable).with_name("qifu")
    # when the deployment checks run, failing on any warning
    result = subprocess.run(
        [str(qifu), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then it passes and says so
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


@pytest.mark.slow
def test_production_settings_refuse_to_start_without_keys(tmp_path: Path) -> None:
    # given debug off and no secret key
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIFU_", "DJANGO_"))}
    env.update({"QIFU_DEBUG": "0", "QIFU_DATA_DIR": str(tmp_path / "var")})
    qifu = Path(sys.executable).with_name("qifu")
    # when any command starts
    result = subprocess.run(
        [str(qifu), "check"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    # then it refuses: no default secret is valid in production
    assert result.returncode != 0
    assert "QIFU_SECRET_KEY must be set" in result.stderr
