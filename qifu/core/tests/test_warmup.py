"""A server process warms up before its first request (qifu/warmup.py, called by qifu/wsgi.py)."""

import gc
import logging

import pytest
from django.db import DatabaseError

from qifu import warmup
from qifu.policies import selectors


@pytest.fixture(autouse=True)
def _unfreeze():
    yield
    gc.unfreeze()


def test_warming_compiles_the_current_policies_and_freezes_what_lives(db):
    selectors._current_cache.clear()
    warmup.warm()
    assert selectors._current_cache  # the first evaluation finds the set compiled
    assert gc.get_freeze_count() > 0


def test_a_database_not_there_yet_only_skips_the_policies(db, monkeypatch, caplog):
    def missing(_day):
        raise DatabaseError("no such table: policies_policy")

    monkeypatch.setattr(selectors, "current_policies", missing)
    with caplog.at_level(logging.WARNING, logger="qifu.warmup"):
        warmup.warm()
    assert "were not compiled" in caplog.text
