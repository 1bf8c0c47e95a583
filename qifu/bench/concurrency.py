"""`qifu bench concurrency`: many clients filing cases at once against the SQLite default.

The issue's check: 50 concurrent clients filing through the API against gunicorn with 2 workers
on the embedded SQLite database: every answer 201, no 5xx, no "database is locked" in the server
log, every case stored exactly once, and the numbers of the year gap-free and unique.

It runs on a fresh copy of a seeded `small` database (var/bench/concurrency/), so the bench and
demo databases are never touched; the seeded template (var/bench/small/) is built once and kept.
Each client is a thread with its own keep-alive connection; every request carries a unique
reference in its text, which is how the database check finds each case again.
"""

from __future__ import annotations

import http.client
import json
import shutil
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qifu.bench.environment import MARKER, BenchEnv
from qifu.bench.scenarios import BenchError
from qifu.bench.server import HOST, Server, ServerConfig, terminate_on_sigterm

LOCKED = "database is locked"
KEY_FILES = ("secret_key", "field_key", "audit_key", "demo_password", MARKER)


@dataclass
class ConcurrencyReport:
    clients: int
    per_client: int
    server: str
    requests: int = 0
    created: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # transport errors and unexpected answers (first few)
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    locked_in_log: int = 0
    server_errors_in_log: int = 0
    stored_once: int = 0
    duplicated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    numbers_checked: int = 0
    number_gaps: list[int] = field(default_factory=list)
    number_mismatches: int = 0
    sequence_last: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}

    def lines(self) -> list[str]:
        verdict = "PASS" if self.passed else "FAIL"
        rate = self.created / self.seconds if self.seconds else 0.0
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        out = [
            f"{verdict}  {self.clients} clients × {self.per_client} cases against {self.server} (SQLite)",
            f"  requests {self.requests}, answers {statuses or '-'}; {self.created} created in {self.seconds:.1f} s "
            f"({rate:.0f} cases/s); latency p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
            f"max {self.max_ms:.0f} ms",
            f"  stored exactly once: {self.stored_once}/{self.requests}; numbers of the year checked: "
            f"{self.numbers_checked} (gaps {len(self.number_gaps)}, CaseSequence.last {self.sequence_last})",
            f"  server log: '{LOCKED}' ×{self.locked_in_log}, tracebacks/5xx ×{self.server_errors_in_log}",
        ]
        out += [f"  problem: {p}" for p in self.problems]
        return out


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def fresh_copy(template: BenchEnv, target: Path) -> BenchEnv:
    """A new data directory holding a copy of the template's database and its keys."""
    if template.sqlite_path is None:
        raise BenchError("the concurrency check runs on the embedded SQLite database only")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in KEY_FILES:
        source = template.data_dir / name
        if source.exists():
            shutil.copy2(source, target / name)
    source_db = sqlite3.connect(template.sqlite_path)
    copy_db = sqlite3.connect(target / "qifu.sqlite3")
    try:
        source_db.backup(copy_db)  # a consistent copy, WAL included
    finally:
        copy_db.close()
        source_db.close()
    return BenchEnv(scale=template.scale, data_dir=target)


class Client(threading.Thread):
    """One filer: a keep-alive connection, `count` POSTs, each with its own reference."""

    def __init__(self, *, port: int, token: str, usccs: list[str], run: str, number: int, count: int) -> None:
        super().__init__(name=f"client-{number}", daemon=True)
        self.port, self.token, self.usccs = port, token, usccs
        self.run_id, self.number, self.count = run, number, count
        self.results: list[tuple[str, int, float, str]] = []  # (reference, status, ms, case number or error)
        self.start_gate: threading.Event | None = None

    def body(self, reference: str, k: int) -> bytes:
        return json.dumps(
            {
                "enterprise": self.usccs[(self.number * self.count + k) % len(self.usccs)],
                "category": "utilities",
                "channel": "phone",
                "title": f"并发测试 {reference}",
                "text": f"并发提交测试，编号 {reference}：厂区用电增容，请协调供电公司。",
            },
            ensure_ascii=False,
        ).encode()

    def run(self) -> None:
        if self.start_gate is not None:
            self.start_gate.wait()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            for k in range(self.count):
                reference = f"CONC-{self.run_id}-{self.number:03d}-{k:03d}"
                started = time.monotonic()
                try:
                    conn.request("POST", "/api/v1/cases", body=self.body(reference, k), headers=headers)
                    answer = conn.getresponse()
                    payload = answer.read()
                    ms = (time.monotonic() - started) * 1000
                    detail = ""
                    if answer.status == 201:
                        detail = str(json.loads(payload).get("number", ""))
                    else:
                        detail = payload[:200].decode(errors="replace")
                    self.results.append((reference, answer.status, ms, detail))
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    self.results.append((reference, 0, (time.monotonic() - started) * 1000, repr(exc)))
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        finally:
            conn.close()


def check_database(db: Path, run: str, report: ConcurrencyReport, created: dict[str, str], year: int) -> None:
    """Each reference stored once; the year's numbers 1..N without a gap; the sequence at N."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT number, title FROM cases_case WHERE title LIKE ?", (f"并发测试 CONC-{run}-%",)
        ).fetchall()
        prefix = f"QF-{year}-"
        numbers = [
            int(n[len(prefix) :])
            for (n,) in conn.execute("SELECT number FROM cases_case WHERE number LIKE ?", (prefix + "%",))
        ]
        last = conn.execute("SELECT last FROM cases_casesequence WHERE year = ?", (year,)).fetchone()
    finally:
        conn.close()
    stored = Counter(title.split(" ", 1)[1] for _number, title in rows)
    by_reference = {title.split(" ", 1)[1]: number for number, title in rows}
    references = [f"CONC-{run}-{c:03d}-{k:03d}" for c in range(report.clients) for k in range(report.per_client)]
    report.stored_once = sum(1 for ref in references if stored.get(ref) == 1)
    report.duplicated = sorted(ref for ref, n in stored.items() if n > 1)[:20]
    report.missing = [ref for ref in references if ref not in stored][:20]
    report.number_mismatches = sum(1 for ref, number in created.items() if by_reference.get(ref) != number)
    report.numbers_checked = len(numbers)
    expected = set(range(1, len(numbers) + 1))
    report.number_gaps = sorted(expected - set(numbers))[:20]
    report.sequence_last = last[0] if last else None
    if report.stored_once != len(references):
        report.problems.append(
            f"{len(references) - report.stored_once} references not stored exactly once "
            f"(duplicated {report.duplicated[:5]}, missing {report.missing[:5]})"
        )
    if len(set(numbers)) != len(numbers):
        report.problems.append("duplicate case numbers")
    if report.number_gaps:
        report.problems.append(f"gaps in the numbers of {year}: {report.number_gaps[:10]}")
    if report.sequence_last != len(numbers):
        report.problems.append(f"CaseSequence.last {report.sequence_last} != {len(numbers)} cases of {year}")
    if report.number_mismatches:
        report.problems.append(f"{report.number_mismatches} answers name another number than the database")


def scan_log(log: Path, report: ConcurrencyReport) -> None:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    report.locked_in_log = text.count(LOCKED)
    report.server_errors_in_log = text.count("Traceback") + text.count("Internal Server Error")
    if report.locked_in_log:
        report.problems.append(f"'{LOCKED}' appears {report.locked_in_log} times in the server log")
    if report.server_errors_in_log:
        report.problems.append(f"{report.server_errors_in_log} server errors in the log ({log})")


def run_concurrency(
    *,
    base_dir: Path,
    clients: int = 50,
    per_client: int = 4,
    server: ServerConfig | None = None,
    user: str = "desk",
    say: Callable[[str], None] = print,
) -> ConcurrencyReport:
    """Seed (once) a small database, copy it, serve it, file from `clients` threads, check."""
    config = server or ServerConfig(workers=2, worker_class="gthread", threads=2)
    template = BenchEnv(scale="small", data_dir=base_dir / "small")
    with terminate_on_sigterm():
        template.prepare_database(rebuild=False, seed=True, say=say)
        env = fresh_copy(template, base_dir / "concurrency")
        say(f"fresh copy of the small database in {env.data_dir}")
        usccs = env.samples().get("usccs") or []
        if not usccs:
            raise BenchError("the small database has no enterprises")
        token = env.token(user)
        report = ConcurrencyReport(clients=clients, per_client=per_client, server=config.describe())
        run = uuid.uuid4().hex[:8]
        with Server(env=env.env(), data_dir=env.data_dir, config=config) as srv:
            say(f"{clients} clients × {per_client} cases against {config.describe()} on {srv.url}")
            gate = threading.Event()
            threads = [
                Client(port=srv.port, token=token, usccs=usccs, run=run, number=n, count=per_client)
                for n in range(clients)
            ]
            for thread in threads:
                thread.start_gate = gate
                thread.start()
            started = time.monotonic()
            gate.set()  # every client starts at once
            for thread in threads:
                thread.join()
            report.seconds = time.monotonic() - started
            srv.check_alive()
            year = time.localtime().tm_year
        results = [r for thread in threads for r in thread.results]
        report.requests = len(results)
        report.statuses = {str(status): n for status, n in Counter(r[1] for r in results).items()}
        created = {ref: detail for ref, status, _ms, detail in results if status == 201}
        report.created = len(created)
        report.failures = [f"{ref}: {status} {detail}" for ref, status, _ms, detail in results if status != 201][:10]
        latencies = [ms for _ref, _status, ms, _detail in results]
        report.p50_ms, report.p95_ms = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
        report.max_ms = max(latencies, default=0.0)
        if report.created != clients * per_client:
            report.problems.append(f"{clients * per_client - report.created} requests were not answered 201")
        # The numbers' year is the server's (Asia/Shanghai) year of filing: take it from an answer.
        numbers = sorted(created.values())
        if numbers and numbers[0].startswith("QF-"):
            year = int(numbers[0].split("-")[1])
        if env.sqlite_path is not None:
            check_database(env.sqlite_path, run, report, created, year)
        scan_log(env.data_dir / "server.log", report)
    return report
