"""The load generator: wrk (C, one thread, a fixed number of connections, a fixed duration).

wrk runs closed-loop: each connection sends its next request as soon as the previous answer
arrives, so the server, not a request schedule, sets the pace; one wrk thread drives tens of
thousands of requests a second, far above what a two-worker Django server answers. The bench
still measures wrk's own CPU time and shows it, so a saturated generator would be visible.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from qifu.bench.scenarios import BenchError, LoadResult

MARKER = "QIFU_BENCH_JSON "
SCRIPT = Path(__file__).resolve().parent / "data" / "bench.lua"
INSTALL_HINT = (
    "wrk is not installed; `qifu bench` uses it as its load generator.\n"
    "Install it with:  sudo apt-get install wrk   (Debian/Ubuntu; macOS: brew install wrk)"
)


@dataclass(frozen=True)
class Load:
    """How hard to push: one wrk thread, `connections` connections, for `seconds`."""

    connections: int = 8
    seconds: float = 10.0
    timeout_s: float = 10.0
    nice: int = 0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(INSTALL_HINT)
    return path


@dataclass(frozen=True)
class RequestFiles:
    """bench.lua's arguments: the paths to cycle through, the headers, the method, the body."""

    paths: Path
    headers: Path
    method: str = "GET"
    body: Path | None = None

    def script_args(self) -> list[str]:
        args = [str(self.paths), str(self.headers), self.method]
        return [*args, str(self.body)] if self.body is not None else args


def write_request_files(
    work_dir: Path,
    name: str,
    *,
    paths: list[str],
    headers: dict[str, str],
    method: str = "GET",
    body: str | None = None,
) -> RequestFiles:
    """Write one scenario's request files into work_dir (headers owner-readable only)."""
    if not paths:
        raise BenchError(f"{name}: no request path")
    for path in paths:
        if not path.startswith("/") or any(c in path for c in " \r\n"):
            raise BenchError(f"{name}: not a URL-encoded path: {path!r}")
    for key, value in headers.items():
        if any(c in key + value for c in "\r\n") or ":" in key:
            raise BenchError(f"{name}: header {key!r} is malformed")
    work_dir.mkdir(parents=True, exist_ok=True)
    files = RequestFiles(
        paths=work_dir / f"{name}.paths",
        headers=work_dir / f"{name}.headers",
        method=method,
        body=work_dir / f"{name}.body" if body is not None else None,
    )
    files.paths.write_text("\n".join(paths) + "\n", encoding="utf-8")
    # Headers carry a token or a session cookie: readable by the owner only.
    fd = os.open(files.headers, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("".join(f"{key}: {value}\n" for key, value in headers.items()))
    if files.body is not None and body is not None:
        files.body.write_text(body, encoding="utf-8")
    return files


def command(url: str, load: Load, files: RequestFiles, *, seconds: float | None = None) -> list[str]:
    """The wrk command line: one thread, a fixed connection count and duration."""
    cmd = [
        wrk_path(),
        "--threads",
        "1",
        "--connections",
        str(load.connections),
        "--duration",
        f"{max(1, round(load.seconds if seconds is None else seconds))}s",
        "--timeout",
        f"{max(1, round(load.timeout_s))}s",
        "--script",
        str(SCRIPT),
        url,
        "--",
        *files.script_args(),
    ]
    return ["nice", "-n", str(load.nice), *cmd] if load.nice else cmd


def parse(output: str) -> LoadResult:
    """The result from wrk's stdout: the JSON line bench.lua's done() prints after the marker."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise BenchError(f"wrk printed no result line:\n{output[-2000:]}")
    errors = sum(
        int(data[key]) for key in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return LoadResult(
        requests=int(data["requests"]),
        seconds=int(data["duration_us"]) / 1e6,
        p50_ms=float(data["p50_us"]) / 1000,
        p95_ms=float(data["p95_us"]) / 1000,
        p99_ms=float(data["p99_us"]) / 1000,
        errors=errors,
    )


def run(cmd: list[str]) -> LoadResult:
    """Run wrk to completion; the result carries the share of a core wrk itself used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise BenchError(f"wrk failed (exit {done.returncode}):\n{done.stderr[-2000:]}{done.stdout[-2000:]}")
    result = parse(done.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    share = cpu / result.seconds if result.seconds > 0 else None
    return dataclasses.replace(result, loadgen_cpu=share)
