"""One bench run: database, static files, samples, server, then every scenario in turn."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qifu.bench import wrk
from qifu.bench.environment import BenchEnv, data_dir_for
from qifu.bench.scenarios import (
    NEEDS_POLICIES,
    NEEDS_TRIAGE,
    Auth,
    Batch,
    BatchResult,
    BenchError,
    LoadResult,
    Result,
    Samples,
    Scenario,
    Timed,
    TimedResult,
    select,
)
from qifu.bench.server import Server, ServerConfig, request, session_cookie, terminate_on_sigterm


@dataclass(frozen=True)
class Options:
    scale: str = "zone"
    base_dir: Path = Path("var/bench")
    database_url: str | None = None
    redis_url: str | None = None
    rebuild: bool = False
    seed: bool = True
    scenarios: tuple[str, ...] = ()
    load: wrk.Load = field(default_factory=wrk.Load)
    warmup_s: float = 1.0
    rounds: int = 1
    server: ServerConfig = field(default_factory=ServerConfig)


@dataclass
class Outcome:
    results: dict[str, Result] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)


class Credentials:
    """Tokens and session cookies per user, fetched once per run; a failure is remembered."""

    def __init__(self, env: BenchEnv, server: Server) -> None:
        self.env, self.server = env, server
        self._cache: dict[tuple[Auth, str], str | BenchError] = {}

    def headers(self, item: Scenario | Timed) -> dict[str, str]:
        if item.auth is Auth.NONE:
            return {}
        key = (item.auth, item.user)
        if key not in self._cache:
            try:
                if item.auth is Auth.TOKEN:
                    self._cache[key] = self.env.token(item.user)
                else:
                    self._cache[key] = session_cookie(self.server.port, item.user, self.env.password)
            except BenchError as exc:
                self._cache[key] = exc
        value = self._cache[key]
        if isinstance(value, BenchError):
            raise value
        return {"Authorization": f"Bearer {value}"} if item.auth is Auth.TOKEN else {"Cookie": value}


def _preflight(server: Server, item: Scenario, path: str, headers: dict[str, str], body: str | None) -> None:
    """One request before the load: a wrong status (401, 404, a redirect to the login page)
    means the run would measure the wrong thing, so the scenario is skipped with the reason."""
    if body is not None:
        headers = {**headers, "Content-Type": item.content_type}
    answer = request(server.port, item.method, path, headers=headers, body=body.encode() if body else None)
    if answer.status not in item.expect:
        location = dict((k.lower(), v) for k, v in answer.headers).get("location", "")
        detail = f" → {location}" if location else f": {answer.body[:160].decode(errors='replace')}"
        raise BenchError(f"{item.method} {path} answered {answer.status}{detail}")


def _run_load(
    item: Scenario, server: Server, env: BenchEnv, creds: Credentials, samples: Samples, opts: Options
) -> Result:
    paths = item.paths(samples)
    if not paths:
        raise BenchError("no sample data for its paths (empty database?)")
    headers = creds.headers(item)
    body = item.body(samples) if item.body is not None else None
    _preflight(server, item, paths[0], headers, body)
    if body is not None:
        headers = {**headers, "Content-Type": item.content_type}
    files = wrk.write_request_files(
        env.work_dir, item.name, paths=paths, headers=headers, method=item.method, body=body
    )
    if opts.warmup_s > 0:
        wrk.run(wrk.command(server.url, opts.load, files, seconds=opts.warmup_s))
    cpu_before = server.cpu_seconds()
    result = wrk.run(wrk.command(server.url, opts.load, files))
    cpu_after = server.cpu_seconds()
    server.check_alive()
    if cpu_before is not None and cpu_after is not None and result.requests:
        result = dataclasses.replace(result, server_cpu_ms=(cpu_after - cpu_before) * 1000 / result.requests)
    return result


def xlsx_rows(body: bytes) -> int | None:
    """Data rows of the first sheet of an xlsx download (header excluded); None if it is not one."""
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError):
        return None
    return max(0, rows - 1)


def _run_timed(item: Timed, server: Server, creds: Credentials, samples: Samples) -> Result:
    """One request, timed from sending it to its last byte (the server streams a download)."""
    path = item.path(samples)
    if not path:
        raise BenchError("no sample data for its path (empty database?)")
    headers = creds.headers(item)
    started = time.monotonic()
    answer = request(server.port, item.method, path, headers=headers)
    seconds = time.monotonic() - started
    server.check_alive()
    if answer.status not in item.expect:
        raise BenchError(f"{item.method} {path} answered {answer.status}: {answer.body[:160].decode(errors='replace')}")
    return TimedResult(seconds=seconds, bytes=len(answer.body), rows=xlsx_rows(answer.body))


def _run_batch(item: Batch, env: BenchEnv, samples: Samples) -> Result:
    argv = item.argv(samples)
    started = time.monotonic()
    done = env.qifu(*argv, capture=True)
    seconds = time.monotonic() - started
    if not item.reports:
        return BatchResult(seconds)
    return reported(done.stdout, argv)


def reported(stdout: str, argv: list[str]) -> BatchResult:
    """The figures a reporting batch printed: its last stdout line, a JSON object with "seconds"."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    try:
        doc = json.loads(lines[-1])
        seconds = float(doc.pop("seconds"))
    except (IndexError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BenchError(f"`qifu {' '.join(argv)}` printed no JSON with its seconds: {stdout[-200:]!r}") from exc
    return BatchResult(seconds, detail=doc)


def median_run(results: list[Result]) -> Result:
    """Over rounds: the run with the median throughput (or time), with the errors of all runs.

    Interleaved rounds spread the drift of a shared machine over every scenario alike, and
    the median drops the round that another process disturbed."""
    loads = sorted((r for r in results if isinstance(r, LoadResult)), key=lambda r: r.rps)
    if loads:
        return dataclasses.replace(loads[(len(loads) - 1) // 2], errors=sum(r.errors for r in loads))
    timings: list[BatchResult | TimedResult] = [r for r in results if isinstance(r, BatchResult | TimedResult)]
    timings.sort(key=lambda r: r.seconds)
    return timings[(len(timings) - 1) // 2]


def run(opts: Options, say: Callable[[str], None] | None = None) -> Outcome:
    """Run the bench; the server is stopped on every way out (errors, Ctrl-C, SIGTERM)."""

    def note(message: str) -> None:
        (say or (lambda m: tqdm.write(m, file=sys.stderr)))(message)

    wrk.wrk_path()  # fail before building anything when the load generator is missing
    items = select(list(opts.scenarios))
    env = BenchEnv(
        scale=opts.scale,
        data_dir=data_dir_for(opts.base_dir, opts.scale, opts.database_url),
        database_url=opts.database_url,
        redis_url=opts.redis_url,
    )
    outcome = Outcome()
    outcome.config = {
        "server": opts.server.describe(),
        "database": "sqlite" if opts.database_url is None else opts.database_url.split(":", 1)[0],
        "connections": opts.load.connections,
        "duration_s": opts.load.seconds,
        "warmup_s": opts.warmup_s,
        "rounds": opts.rounds,
        "nice": opts.server.nice,
    }
    try:
        _run_all(opts, env, items, outcome, note)
    finally:
        # The headers files hold a live token and session cookie: do not leave them behind.
        for path in env.work_dir.glob("*.headers"):
            path.unlink(missing_ok=True)
    return outcome


def _run_all(
    opts: Options, env: BenchEnv, items: list[Scenario | Batch | Timed], outcome: Outcome, note: Callable[[str], None]
) -> None:
    with terminate_on_sigterm():
        seconds = env.prepare_database(rebuild=opts.rebuild, seed=opts.seed, say=note)
        if seconds is not None:
            outcome.results["seed"] = BatchResult(seconds)
        if opts.seed and any(item.name in NEEDS_POLICIES for item in items):
            env.ensure_policies(say=note)
        if any(item.name in NEEDS_TRIAGE for item in items):  # a model in the bench database (docs/TRIAGE.md)
            env.qifu("triage", "train", "--if-missing", "--no-progress")
        # between runs a deployment's periodic job merges the case index's new segments (docs/SEARCH.md)
        env.qifu("search", "merge")
        note("collectstatic")
        env.collectstatic()
        samples = env.samples()
        note(f"starting {opts.server.describe()}")
        with Server(env=env.env(), data_dir=env.data_dir, config=opts.server) as server:
            note(f"server on {server.url}; {opts.load.connections} connections, {opts.load.seconds:g} s per scenario")
            creds = Credentials(env, server)
            runs: dict[str, list[Result]] = {}
            plan = [item for _ in range(opts.rounds) for item in items]
            bar = tqdm(plan, file=sys.stderr, unit="scenario", leave=False)
            for item in bar:
                bar.set_description(item.name)
                if item.name in outcome.skipped:
                    continue
                try:
                    if isinstance(item, Batch):
                        result = _run_batch(item, env, samples)
                    elif isinstance(item, Timed):
                        result = _run_timed(item, server, creds, samples)
                    else:
                        result = _run_load(item, server, env, creds, samples, opts)
                except BenchError as exc:
                    server.check_alive()
                    outcome.skipped[item.name] = str(exc).splitlines()[0][:200]
                    note(f"{item.name}: skipped: {exc}")
                    continue
                runs.setdefault(item.name, []).append(result)
            bar.close()
    outcome.results.update({name: median_run(results) for name, results in runs.items()})
