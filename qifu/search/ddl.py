"""The vendor's index over the doc tables (see models.py): created by migration 0002, and on SQLite
taken down and put back around a full rebuild (`services.search_rebuild`).

SQLite: an FTS5 table per doc table, external content (the terms are stored once, in the doc
table), unicode61 tokenizer (the terms are already segmented and space-joined), kept by triggers.
Cases use `detail=column` (no token positions: a smaller index, and case queries never ask for
phrases); enterprises keep positions for their name-bigram phrases.
PostgreSQL: a stored generated tsvector column (`to_tsvector('simple', …)`) with a GIN index; the
case's public terms carry weight A, its internal terms weight B (an enterprise matches `:A` only).
"""

from typing import Any

TABLES = {
    # doc table: (key column, indexed columns, fts5 detail)
    "search_casedoc": ("case_id", ("public_terms", "internal_terms"), "column"),
    "search_enterprisedoc": ("enterprise_id", ("terms",), "full"),
    "search_policydoc": ("policy_id", ("terms",), "full"),
}


def fts_table(table: str) -> str:
    return table.replace("doc", "_fts")  # search_casedoc -> search_case_fts


def sqlite_fts(table: str) -> str:
    key, columns, detail = TABLES[table]
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts_table(table)} USING fts5({', '.join(columns)}, "
        f"content='{table}', content_rowid='{key}', tokenize='unicode61', detail={detail})"
    )


def sqlite_triggers(table: str) -> list[str]:
    key, columns, _detail = TABLES[table]
    fts = fts_table(table)
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.{key}, {old});"  # noqa: S608 — constant names
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{key}, {new});"  # noqa: S608 — constant names
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
    ]


def sqlite_drop_triggers(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_{t}" for t in ("ai", "ad", "au")]


def _command(table: str, command: str, rank: int | None = None) -> str:
    """One of FTS5's special INSERT commands on TABLE's index, e.g. 'rebuild' or ('merge', 200)."""
    fts = fts_table(table)
    if rank is None:
        return f"INSERT INTO {fts}({fts}) VALUES ('{command}')"  # noqa: S608 — constant names
    return f"INSERT INTO {fts}({fts}, rank) VALUES ('{command}', {int(rank)})"  # noqa: S608 — constant names


def sqlite_rebuild(table: str) -> str:
    return _command(table, "rebuild")


def sqlite_optimize(table: str) -> str:
    """Merge the index into one segment. A 'rebuild' leaves several segments and a merge of large
    ones half done, which FTS5's automerge then carries on a few pages at a time inside every later
    write: each new case's index row cost about 0.8 ms instead of under 0.1 ms on the city database."""
    return _command(table, "optimize")


# The case index is written by every filing and every action. FTS5's automerge does a burst of merge
# work inside every 64th write (about 30 ms under the write lock on the city index, 0.5 ms a filing
# on average); with it off, a write only adds its own small segment (FTS5 still merges 16 segments
# of a level at once, a few pages) and the periodic job (`services.search_merge`) merges the rest
# outside any request.
AUTOMERGE_OFF = ("search_casedoc",)


def sqlite_automerge(table: str, value: int) -> str:
    return _command(table, "automerge", value)


def sqlite_settings(table: str) -> list[str]:
    """The index's own settings, kept in its config table: with its creation (migrations 0002 and
    0004, a rebuild)."""
    return [sqlite_automerge(table, 0)] if table in AUTOMERGE_OFF else []


def sqlite_merge(table: str, pages: int) -> str:
    """Up to PAGES pages of merge work on levels with several segments (FTS5's 'merge')."""
    return _command(table, "merge", pages)


def postgres(table: str) -> list[str]:
    _key, columns, _detail = TABLES[table]
    if len(columns) == 2:
        vector = (
            f"setweight(to_tsvector('simple'::regconfig, {columns[0]}), 'A') || "
            f"setweight(to_tsvector('simple'::regconfig, {columns[1]}), 'B')"
        )
    else:
        vector = f"to_tsvector('simple'::regconfig, {columns[0]})"
    return [
        f"ALTER TABLE {table} ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX {table}_tsv ON {table} USING gin (tsv)",
    ]


def create(vendor: str) -> list[str]:
    out: list[str] = []
    for table in TABLES:
        if vendor == "sqlite":
            out += [sqlite_fts(table), *sqlite_settings(table), *sqlite_triggers(table), sqlite_rebuild(table)]
        elif vendor == "postgresql":
            out += postgres(table)
        else:
            raise RuntimeError(f"full-text search needs SQLite or PostgreSQL, not {vendor}")
    return out


def drop(vendor: str) -> list[str]:
    out: list[str] = []
    for table in TABLES:
        if vendor == "sqlite":
            out += [*sqlite_drop_triggers(table), f"DROP TABLE IF EXISTS {fts_table(table)}"]
        else:
            out += [f"DROP INDEX IF EXISTS {table}_tsv", f"ALTER TABLE {table} DROP COLUMN IF EXISTS tsv"]
    return out


def run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)
