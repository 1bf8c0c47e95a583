"""Helpers the test suites share (imported by tests only, never by the application)."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from qifu.core.errors import QifuError


def race(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls in threads released together, each on its own database connection; each
    answers 'ok' or its error code (a `QifuError`), in the order of the calls.

    For row-lock tests on PostgreSQL, under `django_db(transaction=True)`: SQLite serialises whole
    write transactions, so a race there proves nothing."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = [""] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            call()
            results[i] = "ok"
        except QifuError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
