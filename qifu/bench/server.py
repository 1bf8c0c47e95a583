"""The production server under test (gunicorn, `qifu.wsgi:application`) and small HTTP helpers.

The server runs in its own session (process group), so a Ctrl-C in the terminal reaches the
bench, which then stops the server in its `finally`; a server that ignores SIGTERM is killed.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from qifu.bench.scenarios import BenchError

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    nice: int = 0  # scheduling priority of the server (negative: ahead of other work; needs root)

    def describe(self) -> str:
        threads = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.workers} {self.worker_class} workers{threads}"


def with_nice(cmd: list[str], nice: int) -> list[str]:
    """Run cmd at another scheduling priority (coreutils nice; it warns and goes on if refused).

    On a shared machine a negative value keeps other people's work from skewing the numbers."""
    return ["nice", "-n", str(nice), *cmd] if nice else cmd


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                parsed: SimpleCookie = SimpleCookie()
                parsed.load(value)
                jar.update({key: morsel.value for key, morsel in parsed.items()})
        return jar


def request(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
) -> Response:
    """One HTTP/1.1 request, no redirect following (a redirect is an answer worth seeing)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return Response(answer.status, answer.getheaders(), answer.read())
    finally:
        conn.close()


def session_cookie(port: int, username: str, password: str) -> str:
    """Log in through the login form (CSRF token from the form) and return a Cookie header."""
    page = request(port, "GET", "/accounts/login/")
    cookies = page.cookies()
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or match is None:
        raise BenchError(f"login page answered {page.status} without a CSRF token")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()})
    answer = request(
        port,
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
        body=form.encode(),
    )
    cookies.update(answer.cookies())
    if answer.status != 302 or not any("session" in name for name in answer.cookies()):
        raise BenchError(f"login as {username!r} failed (answer {answer.status}); is the demo password right?")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


class Server:
    """gunicorn on a free loopback port; use as a context manager."""

    def __init__(self, *, env: dict[str, str], data_dir: Path, config: ServerConfig) -> None:
        self.env = env
        self.config = config
        self.log_path = data_dir / "server.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "qifu.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.config.workers),
            "--worker-class",
            self.config.worker_class,
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            "-",
            # gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl),
            # which two servers (a bench beside `qifu demo`) would fight over.
            "--no-control-socket",
        ]
        if self.config.worker_class == "gthread":
            cmd += ["--threads", str(self.config.threads)]
        return with_nice(cmd, self.config.nice)

    def start(self, wait_s: float = 120.0) -> None:
        with self.log_path.open("wb") as log:  # this run's log only
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(self.command())}\n".encode())
            log.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
                self.command(),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(OSError):
                if request(self.port, "GET", "/healthz").status == 200:
                    return
            time.sleep(0.1)
        raise BenchError(f"the server did not answer /healthz within {wait_s:.0f} s\n{self.log_tail()}")

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise BenchError(f"the server exited with code {self.process.returncode}\n{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # gunicorn: graceful stop of the workers
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own group (start_new_session)
            process.wait(timeout=5)

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the master and its workers have used so far; None off Linux.

        Per request, this is the cost of the endpoint on this machine, and it holds up better
        than throughput when other processes compete for the cores."""
        if self.process is None or not Path("/proc/self/stat").exists():
            return None
        master = self.process.pid
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended while we looked
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == master or ppid == master:
                total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "server log (" + str(self.log_path) + "):\n" + "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt for the block, so `finally` stops the server."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
