"""SQLite with a fair queue for writers (the embedded default).

SQLite has one writer at a time. A second `BEGIN IMMEDIATE` waits in SQLite's busy handler, which
polls with sleeps of 1, 2, 5, 10 … ms: under load the writers spend more time asleep than writing
(filing cases from 4 server processes ran at ~135/s with the disk and the CPUs half idle).

Here every write transaction first takes an exclusive `flock` on a file beside the database and
keeps it until COMMIT or ROLLBACK. Waiting on `flock` is woken by the kernel the moment the holder
lets go, so writers follow each other without gaps. Readers are untouched (WAL), a plain
autocommit write still works through the busy handler, and an in-memory database (the tests)
takes no lock. The lock only orders writers; SQLite's own lock still guarantees correctness, so a
process that does not use this backend (the `sqlite3` shell, say) is merely queued the old way.
"""

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock_fd: int | None = None
        self._lock_held = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._lock_held:
            return
        if self._lock_fd is None:
            # one open file per connection: flock then also orders the threads of one process
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._lock_held = True

    def _release_write_lock(self) -> None:
        if self._lock_held and self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self._lock_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_write_lock()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
