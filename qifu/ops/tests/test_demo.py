"""`qifu demo`: prepares the database, prints the accounts and a password that opens them (PRODUCT.md §3)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from qifu.enterprises.models import Enterprise
from qifu.ops.management.commands.demo import known_password
from qifu.ops.seeding.password import FILENAME, demo_password_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_dirs(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEMO_PASSWORD = None
    return tmp_path


def test_demo_on_a_seeded_database_prints_the_url_accounts_and_password(demo_dirs):
    # given: seeded earlier; the password was generated and kept in DATA_DIR
    call_command("seed", scale="small", seed=1, no_progress=True, stdout=StringIO())
    password = (demo_dirs / FILENAME).read_text().strip()
    count = Enterprise.objects.count()

    # when
    out = StringIO()
    call_command("demo", port=8123, no_serve=True, stdout=out, stderr=StringIO())

    # then: nothing re-seeded, static collected, a banner with everything needed to sign in
    assert Enterprise.objects.count() == count
    assert any((demo_dirs / "static").iterdir())
    text = out.getvalue()
    assert "http://127.0.0.1:8123" in text
    for username in ("admin", "leader", "desk", "jfj_head", "jfj_handler", "liaison", "deputy", "ent"):
        assert f"  {username} " in text
    assert password in text


def test_known_password_is_the_one_that_opens_the_accounts(demo_dirs, settings):
    # given: seeded with the environment's password, and a stale file
    settings.DEMO_PASSWORD = "Bt-Demo!2026-smoke"
    call_command("seed", scale="small", seed=1, no_progress=True, stdout=StringIO())
    demo_password_store(demo_dirs, "Qf-stale-Pass1")

    # when: a later run without QIFU_DEMO_PASSWORD
    settings.DEMO_PASSWORD = None
    assert known_password() == (None, "")

    # when: the environment names it again
    settings.DEMO_PASSWORD = "Bt-Demo!2026-smoke"
    assert known_password() == ("Bt-Demo!2026-smoke", "QIFU_DEMO_PASSWORD")


@pytest.mark.slow
def test_qifu_demo_serves_without_any_configuration(tmp_path: Path):
    """The real command in a fresh data directory, with no QIFU_* set: demo mode needs no secrets."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    # given
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIFU_", "DJANGO_"))}
    env.update(QIFU_DATA_DIR=str(tmp_path), QIFU_LOG_LEVEL="WARNING")
    log = tmp_path / "demo.log"

    # when
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "qifu", "demo", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 600
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # then
    text = log.read_text(errors="replace")
    assert status == 200, text[-3000:]
    assert f"http://127.0.0.1:{port}" in text
    assert "Password of every demo account: Qf-" in text
    assert (tmp_path / FILENAME).exists()
