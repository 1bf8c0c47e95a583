"""Row snapshots for the test suite: the rows a set-up function writes, replayed in a few statements.

Most tests start from the same small zone (`qifu.conftest.build_cast`: a dozen users, three
enterprises, their links and projects, built through the real services with their audit records
and search documents). Building it costs ~430 queries; it was the larger part of most tests' time.
`RowSnapshot.take` runs the set-up once in a transaction it rolls back and keeps every row that the
set-up inserted, changed or deleted, table by table; `replay` writes them back in one transaction
(one DELETE and one executemany INSERT per table). The database then holds exactly what the set-up
left, including ids, hashes and timestamps.

Tables maintained by the database itself are left to it: SQLite virtual tables (FTS5) and their
shadow tables follow from their content tables' triggers, and PostgreSQL generated columns
(tsvector) are recomputed on insert.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from qifu.core.sqlite.stats import virtual_and_shadow

JSON_OIDS = (114, 3802)  # PostgreSQL json, jsonb


@dataclass
class _Table:
    name: str
    pk: str
    columns: list[str]
    json_columns: set[int] = field(default_factory=set)
    deleted: list[Any] = field(default_factory=list)  # pks of rows the set-up removed or changed
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # rows it inserted or changed


class _Rollback(Exception):
    pass


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _managed_by_database(cursor: Any) -> tuple[set[str], dict[str, set[str]]]:
    """(tables to skip, generated columns per table)."""
    skip: set[str] = {"sqlite_sequence", "django_migrations"}
    generated: dict[str, set[str]] = {}
    if connection.vendor == "sqlite":
        skip |= virtual_and_shadow(cursor, connection.introspection.table_names(cursor))
    elif connection.vendor == "postgresql":
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_generated = 'ALWAYS'"
        )
        for table, column in cursor.fetchall():
            generated.setdefault(table, set()).add(column)
    return skip, generated


_State = dict[str, tuple[_Table, dict[Any, tuple[Any, ...]]]]  # table name -> (its shape, its rows by pk)


def _read(cursor: Any, skip: set[str], generated: dict[str, set[str]]) -> _State:
    state: _State = {}
    for table in connection.introspection.table_names(cursor):
        if table in skip:
            continue
        pks = connection.introspection.get_primary_key_columns(cursor, table) or []
        cursor.execute(f"SELECT * FROM {_quote(table)} WHERE 1 = 0")  # noqa: S608 - introspected names
        described = [d for d in cursor.description if d[0] not in generated.get(table, set())]
        columns = [d[0] for d in described]
        json_columns = {i for i, d in enumerate(described) if getattr(d, "type_code", None) in JSON_OIDS}
        if len(pks) != 1:
            state[table] = (_Table(table, "", columns), {})  # checked in take(): must stay unchanged
            cursor.execute(f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)}")  # noqa: S608
            state[table][1].update(enumerate(cursor.fetchall()))
            continue
        cursor.execute(f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)}")  # noqa: S608
        at = columns.index(pks[0])
        state[table] = (_Table(table, pks[0], columns, json_columns), {row[at]: row for row in cursor.fetchall()})
    return state


@dataclass
class RowSnapshot:
    tables: list[_Table]
    result: Any

    @classmethod
    def take(cls, setup: Callable[[], Any]) -> RowSnapshot:
        """Run `setup()` in a transaction that is rolled back; keep its rows and its return value."""
        tables: list[_Table] = []
        result: Any = None
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                skip, generated = _managed_by_database(cursor)
                before = _read(cursor, skip, generated)
                result = setup()
                after = _read(cursor, skip, generated)
                for name, (table, rows) in after.items():
                    old = before.get(name, (table, {}))[1]
                    if not table.pk:
                        if sorted(map(repr, rows.values())) != sorted(map(repr, old.values())):
                            raise RuntimeError(f"snapshot: {name} has no single primary key and changed")
                        continue
                    table.deleted = [pk for pk in old if pk not in rows or rows[pk] != old[pk]]
                    table.rows = [row for pk, row in rows.items() if pk not in old or old[pk] != row]
                    if table.deleted or table.rows:
                        tables.append(table)
                raise _Rollback
        except _Rollback:
            pass
        return cls(tables, result)

    def replay(self) -> None:
        """Write the set-up's rows back (inside the caller's transaction, or one of its own)."""
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                quoted = _quote(table.name)
                if table.deleted:
                    marks = ", ".join(["%s"] * len(table.deleted))
                    cursor.execute(f"DELETE FROM {quoted} WHERE {_quote(table.pk)} IN ({marks})", table.deleted)  # noqa: S608
                if table.rows:
                    names = ", ".join(map(_quote, table.columns))
                    marks = ", ".join(["%s"] * len(table.columns))
                    cursor.executemany(
                        f"INSERT INTO {quoted} ({names}) VALUES ({marks})",  # noqa: S608 - introspected names
                        [self._params(table, row) for row in table.rows],
                    )

    @staticmethod
    def _params(table: _Table, row: Sequence[Any]) -> Sequence[Any]:
        if not table.json_columns:
            return row
        return [_json_param(v) if i in table.json_columns else v for i, v in enumerate(row)]


def _json_param(value: Any) -> Any:
    """A PostgreSQL json/jsonb value read back for writing: Django loads jsonb as its text (JSONField
    decodes it), plain json arrives decoded; either way it is written as the same document."""
    if value is None:
        return None
    from psycopg.types.json import Jsonb  # PostgreSQL only

    return Jsonb(json.loads(value) if isinstance(value, str) else value)
