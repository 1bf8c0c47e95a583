"""`qifu demo [--port N]`: a ready-to-try Qifu on http://127.0.0.1:8000 (PRODUCT.md §3).

Migrates; seeds the zone-scale demo data (seed 1) when the database has no enterprises; collects
static files when needed; prints the accounts and their password; then serves with gunicorn
(2 workers, qifu.wsgi) or, with --runserver, Django's development server. qifu/manage.py puts
`demo` in demo mode (QIFU_DEBUG=1 and QIFU_HTTPS=0 unless set), so no secrets are needed: the
debug keys are generated under QIFU_DATA_DIR. Other QIFU_* settings apply as usual.
"""

import importlib.util
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from qifu.accounts.models import User
from qifu.conf import serving
from qifu.enterprises.models import Enterprise
from qifu.ops.management.commands.seed import accounts_table
from qifu.ops.seeding.password import FILENAME, demo_password_load
from qifu.ops.seeding.writer import demo_accounts


def _die_with_parent() -> None:
    """In the worker, before exec: on Linux, end when the server (this process, after execv) ends,
    however it ends; elsewhere the terminal's Ctrl+C reaches both."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def known_password() -> tuple[str | None, str]:
    """The password that opens the demo accounts, and where it was found (checked against `admin`)."""
    admin = User.objects.filter(username="admin").first()
    candidates = [
        (settings.DEMO_PASSWORD, "QIFU_DEMO_PASSWORD"),
        (demo_password_load(settings.DATA_DIR), str(settings.DATA_DIR / FILENAME)),
    ]
    for password, source in candidates:
        if password and (admin is None or check_password(password, admin.password)):
            return password, source
    return None, ""


def static_needed() -> bool:
    """collectstatic when nothing was collected yet, or (without debug) the manifest is missing."""
    root = settings.STATIC_ROOT
    if not root.is_dir() or not any(root.iterdir()):
        return True
    return not settings.DEBUG and not (root / "staticfiles.json").exists()


class Command(BaseCommand):
    help = "Prepare the demo database (migrate, seed the zone if empty, collect static) and serve it on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
        parser.add_argument("--runserver", action="store_true", help="serve with Django's runserver --noreload")
        parser.add_argument("--no-serve", action="store_true", help="prepare and print the accounts, then exit")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background job worker (deadline job, notification digests)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stderr.write
        say("qifu demo: migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        if not Enterprise.objects.exists():
            say("qifu demo: no enterprises yet — seeding the zone-scale demo data (seed 1) …")
            call_command("seed", scale="zone", seed=1)
        if static_needed():
            say("qifu demo: collecting static files …")
            call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://127.0.0.1:{options['port']}"
        self._banner(url)
        if options["no_serve"]:
            return
        connections.close_all()  # the server processes open their own
        if not options["no_worker"]:
            self._start_worker()
        self._serve(options["port"], runserver=options["runserver"])

    def _start_worker(self) -> None:
        """The Huey consumer runs the periodic jobs (deadline job every 15 minutes, notification
        digests every minute). It stays in the terminal's process group, so Ctrl+C stops it with
        the server; `qifu run_huey` starts one by hand."""
        self.stderr.write("qifu demo: starting the background job worker (qifu run_huey) …")
        argv = [sys.executable, "-m", "qifu", "run_huey", "--workers", "1", "--worker-type", "thread"]
        subprocess.Popen(argv, preexec_fn=_die_with_parent)  # noqa: S603 - fixed argv; prctl only

    def _banner(self, url: str) -> None:
        password, source = known_password()
        out = self.stdout
        rule = "=" * 72
        out.write(rule)
        out.write(f"  企服 Qifu demo — {settings.ZONE_NAME}")
        out.write(f"  Open {url}/ and sign in with one of these accounts:")
        out.write(rule)
        accounts = demo_accounts()
        if accounts:
            for line in accounts_table(accounts):
                out.write(line)
        else:
            out.write("  (no demo accounts in this database: it was not filled by `qifu seed`)")
        if password:
            out.write(f"  Password of every demo account: {password}   (from {source})")
        else:
            out.write(
                "  The demo password is unknown here: set QIFU_DEMO_PASSWORD to the one `qifu seed` printed,"
                f" or start over with an empty QIFU_DATA_DIR (now {settings.DATA_DIR})."
            )
        out.write(f"  Debug mode: {'on' if settings.DEBUG else 'off'}; data in {settings.DATA_DIR}. Ctrl+C stops.")
        out.write(rule)
        self.stdout.flush()

    def _serve(self, port: int, *, runserver: bool) -> None:
        address = f"127.0.0.1:{port}"
        sys.stdout.flush()
        sys.stderr.flush()
        if runserver or importlib.util.find_spec("gunicorn") is None:
            argv = [sys.executable, "-m", "qifu", "runserver", "--noreload", address]
        else:
            argv = [
                sys.executable,
                "-m",
                "gunicorn",
                "qifu.wsgi:application",
                "--workers",
                str(serving.workers()),
                "--worker-class",
                serving.WORKER_CLASS,
                # gunicorn 27 opens a control socket in ~/.gunicorn by default: two servers collide.
                "--no-control-socket",
                "--bind",
                address,
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ]
        # Replace this process: Ctrl+C goes straight to the server, and the environment (with the
        # demo-mode defaults set by manage.py) is inherited.
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
