"""The job queue Qifu is configured with really carries a task: Huey on its SQLite file by default,
on Redis when QIFU_REDIS_URL is set (CI runs the suite both ways)."""

import os
from importlib import import_module
from typing import Any

from django.conf import settings


def _configured_huey(tmp_path: Any) -> Any:
    config = dict(settings.HUEY_CONFIGURED)
    module, _, name = str(config.pop("huey_class")).rpartition(".")
    cls = getattr(import_module(module), name)
    config.pop("immediate", None)
    config["name"] = f"qifu-test-{os.getpid()}"
    if "filename" in config:
        config["filename"] = str(tmp_path / "huey.sqlite3")
    return cls(**config)


def test_the_configured_queue_runs_a_task_end_to_end(tmp_path):
    # given the queue from the settings (Redis when QIFU_REDIS_URL is set, else SQLite)
    huey = _configured_huey(tmp_path)
    expected = "RedisHuey" if settings.REDIS_URL else "SqliteHuey"
    assert type(huey).__name__ == expected

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    huey.flush()
    # when a task is enqueued and a worker takes it
    result = add(2, 3)
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())
    # then the result comes back through the queue's result store
    assert result.get(blocking=True, timeout=5) == 5
    assert huey.pending_count() == 0
    huey.flush()
