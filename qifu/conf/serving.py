"""How the application server runs by default: `qifu demo`, `qifu bench` and the README's
production line use these numbers.

One sync worker process per core (at least two). The work is CPU-bound: SQLite is a local file
and PostgreSQL sits on the LAN, so a worker seldom waits, and a second worker per core only adds
context switches and evicts the first one's caches. On the city bench (2 cores, 2026-11-29) one
worker per core beat two per core in every scenario, throughput and p95 alike: the department
inbox 134 against 102 requests/s (p95 34 against 57 ms), the case page 173 against 114 (p95 29
against 51 ms), filing 250–259 against 162–215 cases/s, the no-database baseline 2,759–3,173
against 2,567–2,834 (p95 2 against 6 ms). gunicorn's usual "2 × cores + 1" assumes workers
that wait on I/O. Slow clients are the TLS proxy's to buffer (README, production start).

A gthread worker accepts keep-alive connections greedily and its threads share one GIL: in the
bench, the 4 connections often all landed on one process and a core sat idle (the city ledger page
ran at 71–77 requests/s on one core, p95 60 ms; with sync workers, 127/s on both cores, p95 37 ms).
A sync worker takes the next connection only when it is free, so the kernel spreads the load.
Keep-alive is not needed behind a LAN or a proxy.
"""

import os

WORKER_CLASS = "sync"
THREADS = 1  # for --worker-class gthread only


def workers() -> int:
    return max(2, os.cpu_count() or 1)
