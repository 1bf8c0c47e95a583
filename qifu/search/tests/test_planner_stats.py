"""The full-text index's shadow tables keep no planner statistics (qifu/core/sqlite/stats.py).

An ANALYZE taken while the index is empty records its `_data` table at 2 rows, and the planner
then scans the whole index for each segment FTS5 merges away. The seed analyzes its tables once
loaded; afterwards the index's tables must still be reached by rowid range."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from qifu.core.sqlite.stats import forget_shadow_table_stats
from qifu.ops.seeding.writer import analyze
from qifu.search import ddl

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")

SEGMENT_DELETE = "EXPLAIN QUERY PLAN DELETE FROM search_case_fts_data WHERE id >= 1 AND id <= 2"


class _Cursor:
    """A sqlite3 cursor that takes Django's %s placeholders."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._cursor = db.cursor()

    def execute(self, sql: str, params: Any = ()) -> None:
        self._cursor.execute(sql.replace("%s", "?"), params)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


def _plan(db: sqlite3.Connection) -> str:
    return " ".join(str(row[-1]) for row in db.execute(SEGMENT_DELETE).fetchall())


def test_without_the_statistics_a_merge_deletes_by_rowid_range(tmp_path: Path):
    path = tmp_path / "index.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE search_casedoc (case_id INTEGER PRIMARY KEY, public_terms TEXT, internal_terms TEXT)")
    for sql in [ddl.sqlite_fts("search_casedoc"), ddl.sqlite_rebuild("search_casedoc")]:
        db.execute(sql)
    db.execute("ANALYZE")
    assert _plan(db).startswith("SCAN")  # the empty index analyzed: the planner would scan it
    assert forget_shadow_table_stats(_Cursor(db)) >= 1
    db.close()
    db = sqlite3.connect(path)  # a connection opened afterwards plans without them
    assert "INTEGER PRIMARY KEY" in _plan(db)
    assert db.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl LIKE 'search_case_fts%'").fetchone()[0] == 0


def test_the_seed_analyze_keeps_statistics_but_none_for_the_index(db):
    analyze()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        tables = {row[0] for row in cursor.fetchall()}
    assert "reference_category" in tables  # the ordinary tables keep theirs
    assert not {t for t in tables if "_fts" in t}


def test_forgetting_without_statistics_is_a_no_op(tmp_path: Path):
    db = sqlite3.connect(tmp_path / "empty.sqlite3")
    assert forget_shadow_table_stats(_Cursor(db)) == 0
