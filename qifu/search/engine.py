"""The vendor's half of a search: the match expression and the ranked, scoped, paged SQL.

SQLite reads the FTS5 tables (`MATCH`, ranked by `bm25`); PostgreSQL the doc tables' `tsv`
column (`@@ to_tsquery('simple', …)`, ranked by `ts_rank`). Terms only hold CJK characters and
ASCII letters and digits with `.`/`-` inside (`text._WORD`), so quoting them is safe on both.

The scope is the caller's scoped queryset, compiled to SQL and applied as `key IN (…)`; a
queryset without a WHERE clause (the desk and leaders see every case) adds no condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from qifu.search.terms import name_bigrams

_ALNUM = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Kind:
    name: str
    doc_table: str
    fts_table: str
    key: str  # the doc table's key column (the object's id)


KINDS = {
    "cases": Kind("cases", "search_casedoc", "search_case_fts", "case_id"),
    "enterprises": Kind("enterprises", "search_enterprisedoc", "search_enterprise_fts", "enterprise_id"),
    "policies": Kind("policies", "search_policydoc", "search_policy_fts", "policy_id"),
}


def _fts5(kind: Kind, terms: list[str], public_only: bool) -> str:
    parts: list[str] = []
    for term in terms:
        if kind.name == "enterprises" and _CJK.match(term):
            grams = name_bigrams(term)
            parts.append(f'"{grams[0]}" *' if len(term) == 1 else '"' + " ".join(grams) + '"')
        elif kind.name == "cases":
            # cases keep no positions (detail=column): the tokens of a term like iso-9001, all of them
            parts.extend(f'"{tok}"' for tok in (_ALNUM.findall(term) if term.isascii() else [term]))
        else:
            parts.append(f'"{term}"')
    expr = " AND ".join(parts)
    return f"{{public_terms}} : ({expr})" if public_only else expr


def _tsquery(kind: Kind, terms: list[str], public_only: bool) -> str:
    weight = ":A" if public_only else ""
    parts: list[str] = []
    for term in terms:
        if kind.name == "enterprises" and _CJK.match(term):
            grams = name_bigrams(term)
            parts.append(f"'{grams[0]}':*" if len(term) == 1 else "(" + " <-> ".join(f"'{g}'" for g in grams) + ")")
        else:
            parts.append(f"'{term}'{weight}")
    return " & ".join(parts)


@dataclass(frozen=True)
class Query:
    kind: Kind
    expression: str
    scope_sql: str
    scope_params: tuple[Any, ...]


def compile_query(kind_name: str, terms: list[str], *, public_only: bool, scope: QuerySet[Any]) -> Query | None:
    """None when nothing can match (no terms, or an empty scope)."""
    kind = KINDS[kind_name]
    if not terms:
        return None
    try:
        if scope.query.is_empty():
            return None
        if scope.query.where:
            sql, params = scope.order_by().values("pk").query.sql_with_params()
        else:
            sql, params = "", ()
    except EmptyResultSet:
        return None
    build = _tsquery if connection.vendor == "postgresql" else _fts5
    return Query(kind, build(kind, terms, public_only), sql, tuple(params))


def _where(q: Query) -> tuple[str, list[Any]]:
    k = q.kind
    if connection.vendor == "postgresql":
        sql, params = "d.tsv @@ to_tsquery('simple', %s)", [q.expression]
        key = f"d.{k.key}"
    else:
        sql, params = f"{k.fts_table} MATCH %s", [q.expression]
        key = f"{k.fts_table}.rowid"
    if q.scope_sql:
        sql += f" AND {key} IN ({q.scope_sql})"
        params.extend(q.scope_params)
    return sql, params


def _from(q: Query) -> tuple[str, str]:
    """(FROM clause, key column)."""
    if connection.vendor == "postgresql":
        return f"{q.kind.doc_table} d", f"d.{q.kind.key}"
    return q.kind.fts_table, f"{q.kind.fts_table}.rowid"


# Ranking reads the scoring function for every candidate (bm25 looks up each row's length): over
# 1,000,000 cases a two-word query matches 5,000-15,000 of them and ranking them all took 200-400 ms (a loaded
# machine; 500 of them: 40-60 ms with the count).
# So the newest CANDIDATES matches (the index walks them newest first and stops) are ranked; when
# fewer match, the ranking is exact. docs/SEARCH.md.
CANDIDATES = 500


def ranked_ids(q: Query, *, limit: int, offset: int) -> list[int]:
    """Keys of the best matches among the newest CANDIDATES, best first (newest first among equals)."""
    where, params = _where(q)
    source, key = _from(q)
    window = max(CANDIDATES, offset + limit)
    # table and column names are this module's constants; every value is a parameter
    if connection.vendor == "postgresql":
        inner = f"SELECT {key} AS k, ts_rank(d.tsv, to_tsquery('simple', %s)) AS r FROM {source} WHERE {where}"  # noqa: S608
        params = [q.expression, *params]
        sql = f"SELECT k FROM ({inner} ORDER BY {key} DESC LIMIT %s) c ORDER BY r DESC, k DESC LIMIT %s OFFSET %s"  # noqa: S608
    else:
        inner = f"SELECT {key} AS k, bm25({q.kind.fts_table}) AS r FROM {source} WHERE {where}"  # noqa: S608
        sql = f"SELECT k FROM ({inner} ORDER BY {key} DESC LIMIT %s) ORDER BY r, k DESC LIMIT %s OFFSET %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, window, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def count(q: Query, *, cap: int | None = None) -> int:
    where, params = _where(q)
    source, _key = _from(q)
    inner = f"SELECT 1 FROM {source} WHERE {where}" + (" LIMIT %s" if cap else "")  # noqa: S608 — constant names
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({inner}) t", [*params, *([cap] if cap else [])])  # noqa: S608
        return int(cursor.fetchone()[0])


def explain(q: Query, *, limit: int = 20) -> list[str]:
    """The plan of the ranked query (docs, `qifu search query --explain`)."""
    where, params = _where(q)
    source, key = _from(q)
    if connection.vendor == "postgresql":
        inner = f"SELECT {key} AS k, ts_rank(d.tsv, to_tsquery('simple', %s)) AS r FROM {source} WHERE {where}"  # noqa: S608
        params = [q.expression, *params]
        sql = f"EXPLAIN SELECT k FROM ({inner} ORDER BY {key} DESC LIMIT %s) c ORDER BY r DESC LIMIT %s"  # noqa: S608
    else:
        inner = f"SELECT {key} AS k, bm25({q.kind.fts_table}) AS r FROM {source} WHERE {where}"  # noqa: S608
        sql = f"EXPLAIN QUERY PLAN SELECT k FROM ({inner} ORDER BY {key} DESC LIMIT %s) ORDER BY r LIMIT %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CANDIDATES, limit])
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]
