"""Where attachment bytes live (IP-6 c, RI-2): `settings.FILES_DIR`, outside every static or media
root (a system check enforces it), under random names, readable by the server user only.

A file is written before its row is committed. So that a rolled-back row leaves no file behind:

- `file_store` deletes the file itself when anything in its own transaction fails;
- if the *caller's* transaction rolls back later, the file is still listed in the current
  `pending_files_scope()` (opened per request by `UploadGuardMiddleware`; tasks and commands that
  store files open their own), and the scope deletes every file whose transaction never
  committed when it closes. `transaction.on_commit` takes a file off the list.
"""

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

FILE_MODE = 0o600
DIR_MODE = 0o700
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)

_pending: ContextVar[dict[Path, Callable[[], None]] | None] = ContextVar("qifu_files_pending", default=None)


class TooLarge(Exception):
    """More bytes arrived than the limit allows (the upload's declared size was wrong)."""


def files_dir() -> Path:
    return Path(settings.FILES_DIR)


def new_storage_name() -> str:
    """'ab/cd/<32 hex>': 128 random bits; two directory levels keep directories small."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}"


def storage_path(storage_name: str) -> Path:
    return files_dir() / storage_name


@dataclass(frozen=True)
class Written:
    size: int
    digest: str  # SM3, hex


def write_chunks(path: Path, chunks: Iterable[bytes], *, max_bytes: int) -> Written:
    """Write a new file (never overwrite, never follow a link) with mode 0600, hashing with SM3.

    On any failure the partial file is removed before the exception goes on.
    """
    path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    sm3 = hashlib.new("sm3")
    size = 0
    fd = os.open(path, _OPEN_FLAGS, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge
                sm3.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        remove_quietly(path)
        raise
    return Written(size=size, digest=sm3.hexdigest())


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def track_until_commit(path: Path) -> None:
    """Keep `path` on the pending list of the current scope until its transaction commits."""
    pending = _pending.get()
    if pending is None:
        return

    def committed() -> None:
        pending.pop(path, None)

    pending[path] = committed
    transaction.on_commit(committed)


@contextlib.contextmanager
def pending_files_scope() -> Iterator[None]:
    """Delete, when the block ends, the files stored in it whose transaction did not commit.

    When the block ends while a transaction is still open around it (a test's transaction, or
    ATOMIC_REQUESTS), a file whose on-commit hook is still queued may yet be committed and is left
    alone; one whose hook was dropped with a rolled-back savepoint is deleted.
    """
    pending: dict[Path, Callable[[], None]] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        connection = transaction.get_connection()
        queued = {id(hook) for _sids, hook, *_rest in connection.run_on_commit} if connection.in_atomic_block else set()
        for path, hook in list(pending.items()):
            if id(hook) not in queued:
                remove_quietly(path)
