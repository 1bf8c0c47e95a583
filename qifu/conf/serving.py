"""How the application server runs by default: `qifu demo`, `qifu bench` and the README's
production line use these numbers.

Two sync worker processes per core. A gthread worker accepts keep-alive connections greedily and
its threads share one GIL: in the bench, the 4 connections often all landed on one process and a
core sat idle (the city ledger page ran at 71–77 requests/s on one core, p95 60 ms; with sync
workers, 127/s on both cores, p95 37 ms). A sync worker takes the next connection only when it
is free, so the kernel spreads the load. Keep-alive is not needed behind a LAN or a proxy.
"""

import os

WORKER_CLASS = "sync"
THREADS = 1  # for --worker-class gthread only


def workers() -> int:
    return max(2, 2 * (os.cpu_count() or 1))
