"""qifu.core.sqlite: write transactions line up on a file lock (woken at once, no busy-wait
sleeps), the lock is let go on commit, rollback and close, and an in-memory database takes none."""

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from qifu.core.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker: Any) -> Any:
    """These tests open their own SQLite files, outside the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(name: str, timeout: float = 30) -> DatabaseWrapper:
    settings: dict[str, Any] = {
        "ENGINE": "qifu.core.sqlite",
        "NAME": name,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return DatabaseWrapper(settings, alias=f"lock-test-{name}")


def _begin(db: DatabaseWrapper) -> None:
    db.ensure_connection()
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_second_writer_waits_for_the_first_commit(tmp_path: Path) -> None:
    name = str(tmp_path / "db.sqlite3")
    first = _wrapper(name)
    _begin(first)
    assert Path(f"{name}.writelock").exists()
    started = threading.Event()
    began_at: list[float] = []

    def other() -> None:
        # No busy handler at all (timeout 0): had the file lock let this writer through while the
        # first still held SQLite's write lock, BEGIN IMMEDIATE would fail at once with "database
        # is locked". So the only wait is on flock, which the kernel ends at the first's commit.
        # (An earlier version bounded the wake-up at 25 ms; under CI's parallel suites it took 26.)
        second = _wrapper(name, timeout=0)  # a connection belongs to the thread that made it
        started.set()
        _begin(second)
        began_at.append(time.monotonic())
        second.commit()
        second.set_autocommit(True)
        second.close()

    thread = threading.Thread(target=other)
    thread.start()
    started.wait()
    time.sleep(0.3)
    assert began_at == []  # still queued behind the first writer
    committed_at = time.monotonic()
    first.commit()
    first.set_autocommit(True)
    thread.join(5)
    assert began_at and began_at[0] >= committed_at
    first.close()


def test_rollback_and_close_let_go(tmp_path: Path) -> None:
    name = str(tmp_path / "db.sqlite3")
    db, other = _wrapper(name), _wrapper(name)
    _begin(db)
    db.rollback()
    db.set_autocommit(True)
    _begin(other)  # would hang if the rollback had kept the lock
    other.close()  # closing inside a transaction lets go too
    _begin(db)
    db.commit()
    db.set_autocommit(True)
    db.close()


def test_an_in_memory_database_takes_no_lock() -> None:
    db = _wrapper(":memory:")
    _begin(db)
    assert db._lock_fd is None and not db._lock_held
    db.commit()
    db.close()
