"""The bench's own data directory, keys and database, and the `qifu` subprocesses run in it.

Each scale (and each external database) gets a directory, e.g. var/bench/zone/, holding the
SQLite file, static files, the server log and the keys. The keys are generated once and kept, so
the SM4-encrypted contacts and the audit chain written by `seed` stay readable in later runs.
The subprocesses get a clean production environment (QIFU_DEBUG=0): the operator's QIFU_*
variables are not inherited, so a developer's settings cannot leak into the measurement.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qifu.bench.scenarios import BenchError

SEED = 1
SCALES = ("zone", "city", "small")
MARKER = "seeded.json"

Say = Callable[[str], None]


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def data_dir_for(base: Path, scale: str, database_url: str | None) -> Path:
    """var/bench/<scale>/ for the embedded SQLite; var/bench/<scale>-db-<hash>/ for a URL."""
    if database_url is None:
        return base / scale
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:8]
    return base / f"{scale}-db-{digest}"


def demo_password() -> str:
    """A password the policy accepts (≥8 chars, 4 classes, no context words or user names)."""
    return f"Bench#7{secrets.token_hex(6)}Zq"


@dataclass
class BenchEnv:
    scale: str
    data_dir: Path
    database_url: str | None = None
    redis_url: str | None = None
    _keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._keys = {
            "QIFU_SECRET_KEY": self._key("secret_key", lambda: secrets.token_urlsafe(50)),
            "QIFU_FIELD_KEY": self._key("field_key", lambda: secrets.token_hex(16)),
            "QIFU_AUDIT_KEY": self._key("audit_key", lambda: secrets.token_hex(32)),
            "QIFU_DEMO_PASSWORD": self._key("demo_password", demo_password),
        }

    def _key(self, filename: str, make: Callable[[], str]) -> str:
        path = self.data_dir / filename
        if not path.exists():
            _write_private(path, make())
        return path.read_text(encoding="utf-8").strip()

    @property
    def password(self) -> str:
        return self._keys["QIFU_DEMO_PASSWORD"]

    @property
    def sqlite_path(self) -> Path | None:
        return None if self.database_url else self.data_dir / "qifu.sqlite3"

    @property
    def work_dir(self) -> Path:
        """Per-run request files for wrk."""
        return self.data_dir / "run"

    def env(self) -> dict[str, str]:
        """The production environment of every subprocess (server, migrate, seed, token)."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("QIFU_")}
        env.update(self._keys)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "qifu.settings",
                "QIFU_DATA_DIR": str(self.data_dir),
                "QIFU_DEBUG": "0",
                "QIFU_HTTPS": "0",
                "QIFU_ALLOWED_HOSTS": "127.0.0.1",
                "QIFU_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.database_url:
            env["QIFU_DATABASE_URL"] = self.database_url
        if self.redis_url:
            env["QIFU_REDIS_URL"] = self.redis_url
        return env

    def qifu(self, *args: str, capture: bool = False, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `qifu ARGS` against the bench database. Not captured: its output goes to stderr,
        so that `--json -` keeps stdout for JSON."""
        cmd = [sys.executable, "-m", "qifu", *args]
        done = subprocess.run(  # noqa: S603 - our own interpreter and command, no shell
            cmd,
            env=self.env(),
            text=True,
            check=False,
            stdout=subprocess.PIPE if capture else sys.stderr,
            stderr=subprocess.PIPE if capture else sys.stderr,
        )
        if check and done.returncode != 0:
            detail = f":\n{(done.stderr or '')[-3000:]}" if capture else " (see its output above)"
            raise BenchError(f"`qifu {' '.join(args)}` failed with exit {done.returncode}{detail}")
        return done

    # --- database ---------------------------------------------------------------------------
    def _marker(self) -> dict[str, object] | None:
        path = self.data_dir / MARKER
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def is_seeded(self) -> bool:
        marker = self._marker()
        if marker is None or marker.get("scale") != self.scale or marker.get("seed") != SEED:
            return False
        return self.sqlite_path is None or self.sqlite_path.exists()

    def _drop(self, say: Say) -> None:
        (self.data_dir / MARKER).unlink(missing_ok=True)
        if self.sqlite_path is None:
            # An external database is emptied only on an explicit --rebuild.
            say("emptying the external database (flush)")
            self.qifu("migrate", "--noinput", "-v0")
            self.qifu("flush", "--noinput", "-v0")
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
        for name in ("huey.sqlite3", "huey.sqlite3-wal", "huey.sqlite3-shm"):
            (self.data_dir / name).unlink(missing_ok=True)

    def prepare_database(self, *, rebuild: bool, seed: bool, say: Say) -> float | None:
        """Build the database if needed: migrate, then `seed --scale S --seed 1` (timed).

        Returns the seed's wall-clock seconds when it ran, else None.
        """
        if rebuild:
            self._drop(say)
        elif seed and not self.is_seeded() and self.sqlite_path is not None and self.sqlite_path.exists():
            say("the bench database was never seeded completely: rebuilding it")
            self._drop(say)
        if self.is_seeded():
            if self.qifu("migrate", "--check", capture=True, check=False).returncode != 0:
                say("new migrations: applying them to the seeded database (use --rebuild for fresh data)")
                self.qifu("migrate", "--noinput", "-v0")
            return None
        say(f"building the {self.scale} database in {self.data_dir}: migrate")
        self.qifu("migrate", "--noinput", "-v0")
        if not seed:
            return None
        say(f"seed --scale {self.scale} --seed {SEED}")
        started = time.monotonic()
        self.qifu("seed", "--scale", self.scale, "--seed", str(SEED))
        seconds = time.monotonic() - started
        marker = {"scale": self.scale, "seed": SEED, "seconds": round(seconds, 2), "at": time.time()}
        (self.data_dir / MARKER).write_text(json.dumps(marker), encoding="utf-8")
        return seconds

    def ensure_policies(self, *, say: Say) -> None:
        """Add the demo policies and the service-list snapshot when the database has none (a
        database seeded before issue 5 existed); a fresh seed already holds them."""
        done = self.qifu("seed_policies", "--scale", self.scale, "--seed", str(SEED), "--no-progress", capture=True)
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        try:
            added = json.loads(lines[-1]) if lines else {}
        except ValueError:
            added = {}
        if isinstance(added, dict) and any(added.values()):
            say(
                f"added to the seeded database: {added.get('policies', 0)} policies, "
                f"{added.get('list_memberships', 0)} service-list memberships"
            )

    def collectstatic(self) -> None:
        self.qifu("collectstatic", "--noinput", "-v0")

    def samples(self) -> dict[str, list[str]]:
        done = self.qifu("bench_sample", capture=True)
        data = json.loads(done.stdout)
        if not isinstance(data, dict):
            raise BenchError("bench_sample printed no JSON object")
        return {str(key): [str(v) for v in values] for key, values in data.items()}

    def token(self, username: str) -> str:
        """An API token of USERNAME from `qifu token create USERNAME` (its last stdout line)."""
        done = self.qifu("token", "create", username, capture=True)
        lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
        if not lines:
            raise BenchError(f"`qifu token create {username}` printed no token")
        return lines[-1]
