"""What a server process prepares before its first request (called from qifu/wsgi.py).

Django imports the URLconf — every view, the API and its schemas — on the first request, and the
policy engine compiles the current policies on the first evaluation: a worker's first requests
waited seconds behind that work (the bench saw it as a p99 of 380 ms). Doing it while the worker
boots keeps it off every user's path. Then the objects alive after warming (modules, compiled
trees, caches) are moved out of the garbage collector's reach (`gc.freeze`): they live as long as
the process, and a full collection walking them took up to 170 ms on the city data.

A database that is not there yet (a fresh install before `migrate`) only skips the policies.
"""

import gc
import logging

from django.db import DatabaseError
from django.urls import resolve
from django.utils import timezone

log = logging.getLogger(__name__)


def warm() -> None:
    resolve("/healthz")  # imports the URLconf, the views and the API (and checks it resolves)
    try:
        from qifu.policies.selectors import current_policies

        current_policies(timezone.localdate())
    except DatabaseError as exc:
        log.warning("warm-up: the current policies were not compiled: %s", exc)
    try:
        from qifu.search.services import learn_parks_once

        learn_parks_once()  # jieba's dictionary and the zone's park names (issue 7)
    except DatabaseError as exc:
        log.warning("warm-up: the park names were not learnt: %s", exc)
    gc.collect()
    gc.freeze()
