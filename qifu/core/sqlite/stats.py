"""Planner statistics that must not be kept: those of virtual tables' shadow tables.

FTS5 keeps its index in ordinary tables beside the virtual table (`<name>_data`, `_idx`,
`_docsize`, `_config`) and reaches them only by rowid and key ranges. An ANALYZE taken while an
index was empty records `_data` at 2 rows; the planner then prefers a full scan to a rowid range,
and every segment merge (every few writes) read the whole index: at 1,000,000 cases one filing in
eight spent 600 ms merging, under the write lock (`qifu bench` case_create fell to 19/s). Without
statistics the planner takes the range, whatever the size. So they are dropped after an ANALYZE.
"""

from collections.abc import Iterable
from typing import Any


def virtual_and_shadow(cursor: Any, tables: Iterable[str]) -> set[str]:
    """Those of `tables` that are virtual tables (FTS5) or their shadow tables: SQLite keeps them."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    virtual = [row[0] for row in cursor.fetchall()]
    return {t for t in tables if any(t == v or t.startswith(v + "_") for v in virtual)}


def forget_shadow_table_stats(cursor: Any) -> int:
    """Drop sqlite_stat1 rows of virtual tables and their shadow tables; reload the statistics.

    Returns how many tables' rows went. Connections opened afterwards plan without them; one that
    had loaded them (this one too) keeps its row estimate for those tables until it reopens, which
    is why the seed and the migration, each in its own process, are where this runs."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return 0
    cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
    doomed = sorted(virtual_and_shadow(cursor, [t for (t,) in cursor.fetchall()]))
    for table in doomed:
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
    if doomed:
        cursor.execute("ANALYZE sqlite_schema")  # the planner rereads sqlite_stat1
    return len(doomed)
