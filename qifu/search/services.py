"""Index writes (issue 7 item 1): every write path of cases, enterprises and policies calls one of
`search_index_*` in its own transaction, so the index changes with the data or not at all; the
seed and `qifu search rebuild` rebuild a kind in batches.

A case is re-read whole (title, text, answer, its timeline's texts) and its row replaced: one
indexed read of its events and one upsert per write, a few milliseconds of segmentation.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from qifu.cases.models import Case, CaseEvent
from qifu.core.rows import insert_row
from qifu.enterprises.models import Enterprise
from qifu.policies.models import Policy
from qifu.search import ddl
from qifu.search.models import CaseDoc, EnterpriseDoc, PolicyDoc
from qifu.search.terms import case_terms, enterprise_terms, piece_terms, policy_terms
from qifu.search.text import add_terms

BATCH = 2000
KINDS = ("cases", "enterprises", "policies")
Progress = Callable[[int], None]


# --- one kind's documents, for a batch of ids --------------------------------------------------


def _keys(ids: Sequence[int], field: str = "pk") -> dict[str, Any]:
    """A filter for sorted IDS: a range for a batch (Django resolves each value of an IN list, 55 µs
    an id), IN for a few; the rows outside IDS that a range may add are dropped by the caller."""
    if len(ids) > 20:
        return {f"{field}__gte": ids[0], f"{field}__lte": ids[-1]}
    return {f"{field}__in": ids}


def _case_docs(ids: Sequence[int]) -> list[CaseDoc]:
    wanted = set(ids)
    events: dict[int, list[tuple[bool, str]]] = defaultdict(list)
    rows = CaseEvent.objects.filter(**_keys(ids, "case_id")).exclude(text="").order_by("case_id", "id")
    for case_id, is_public, event_text in rows.values_list("case_id", "public", "text"):
        events[case_id].append((is_public, event_text))
    docs = []
    for pk, enterprise_id, title, text, answer in Case.objects.filter(**_keys(ids)).values_list(
        "pk", "enterprise_id", "title", "text", "answer"
    ):
        if pk not in wanted:
            continue
        public, internal = case_terms(title=title, text=text, answer=answer, events=events.get(pk, ()))
        docs.append(CaseDoc(case_id=pk, enterprise_id=enterprise_id, public_terms=public, internal_terms=internal))
    return docs


def _enterprise_docs(ids: Sequence[int]) -> list[EnterpriseDoc]:
    known = {d.pk: d for d in EnterpriseDoc.objects.filter(**_keys(ids)).only("pk", "name", "former_names")}
    docs = []
    wanted = set(ids)
    for pk, name, uscc in Enterprise.objects.filter(**_keys(ids)).values_list("pk", "name", "uscc"):
        if pk not in wanted:
            continue
        old = known.get(pk)
        former = list(old.former_names) if old is not None else []
        if old is not None and old.name and old.name != name and old.name not in former:
            former.append(old.name)  # a rename: the old name stays searchable
        former = [n for n in former if n != name][-10:]
        docs.append(
            EnterpriseDoc(
                enterprise_id=pk,
                name=name,
                former_names=former,
                terms=enterprise_terms(name=name, uscc=uscc, former_names=former),
            )
        )
    return docs


def _policy_docs(ids: Sequence[int]) -> list[PolicyDoc]:
    docs = []
    fields = ("pk", "title", "document_no", "summary", "benefit", "full_text", "interpretation")
    for pk, title, document_no, summary, benefit, full_text, interpretation in Policy.objects.filter(
        pk__in=ids
    ).values_list(*fields):
        terms = policy_terms(
            title=title,
            document_no=document_no,
            summary=summary,
            benefit=benefit,
            full_text=full_text,
            interpretation=interpretation,
        )
        docs.append(PolicyDoc(policy_id=pk, terms=terms))
    return docs


@dataclass(frozen=True)
class _Spec:
    model: type[Any]
    doc: type[Any]
    build: Callable[[Sequence[int]], list[Any]]
    fields: tuple[str, ...]
    key: str


SPECS: dict[str, _Spec] = {
    "cases": _Spec(Case, CaseDoc, _case_docs, ("enterprise", "public_terms", "internal_terms"), "case"),
    "enterprises": _Spec(Enterprise, EnterpriseDoc, _enterprise_docs, ("terms", "name", "former_names"), "enterprise"),
    "policies": _Spec(Policy, PolicyDoc, _policy_docs, ("terms",), "policy"),
}


_parks_learned = False


def learn_parks_once() -> None:
    """The index and the queries must cut park names alike: learn them before the first use."""
    global _parks_learned
    if not _parks_learned:
        search_learn_parks()
        _parks_learned = True


def _upsert(kind: str, ids: Iterable[int]) -> int:
    learn_parks_once()
    spec = SPECS[kind]
    wanted = sorted(set(ids))
    docs = spec.build(wanted)
    if docs:
        with transaction.atomic():
            spec.doc.objects.bulk_create(
                docs, update_conflicts=True, unique_fields=[spec.key], update_fields=list(spec.fields)
            )
    return len(docs)


# --- the write paths' hooks (in the caller's transaction) --------------------------------------


def search_index_cases(case_ids: Iterable[int]) -> int:
    """Re-index these cases (every action, a message, an answer)."""
    return _upsert("cases", case_ids)


def search_filed_terms(*, title: str, text: str) -> tuple[str, str]:
    """The index terms of a case about to be filed (public, internal). Cutting the words is the
    costly part of indexing: the filing does it before it takes the write lock."""
    learn_parks_once()
    return case_terms(title=title, text=text, answer="", events=())


def search_index_filed(case: Case, terms: tuple[str, str]) -> None:
    """Index a case just filed with the terms `search_filed_terms` cut from its title and text (its
    timeline has no text yet): one write."""
    public, internal = terms
    insert_row(CaseDoc(case_id=case.pk, enterprise_id=case.enterprise_id, public_terms=public, internal_terms=internal))


def search_index_enterprises(enterprise_ids: Iterable[int]) -> int:
    """Re-index these enterprises (create, update, import); a changed name is kept as a former name."""
    return _upsert("enterprises", enterprise_ids)


def search_index_policies(policy_ids: Iterable[int]) -> int:
    """Re-index these policies (editor, API, import)."""
    return _upsert("policies", policy_ids)


# --- rebuild -------------------------------------------------------------------------------------


@dataclass
class RebuildResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def search_total(kind: str) -> int:
    return int(SPECS[kind].model.objects.count())


def search_rebuild(
    *, kinds: Sequence[str] = KINDS, progress: Callable[[str, int], Progress] | None = None
) -> RebuildResult:
    """Rebuild the index of KINDS from the data, in batches of BATCH ids (one transaction each).

    On SQLite the FTS table's triggers are taken down for the bulk insert and the FTS index is then
    built once from the doc table ('rebuild'), then merged into one segment ('optimize'): much
    cheaper than a trigger call per row, and no half-done merge is left for later writes. Enterprise
    former names survive a rebuild (they live only in the index)."""
    learn_parks_once()
    result = RebuildResult()
    sqlite = connection.vendor == "sqlite"
    for kind in kinds:
        spec = SPECS[kind]
        table = spec.doc._meta.db_table
        started = time.monotonic()
        advance = progress(kind, search_total(kind)) if progress else None
        former: dict[int, tuple[str, list[str]]] = {}
        if kind == "enterprises":
            former = {pk: (n, f) for pk, n, f in EnterpriseDoc.objects.values_list("pk", "name", "former_names")}
        with transaction.atomic():
            if sqlite:
                _execute(ddl.sqlite_drop_triggers(table))
            spec.doc.objects.all().delete()
        done = 0
        try:
            ids_qs = spec.model.objects.order_by("pk").values_list("pk", flat=True)
            last = 0
            while True:
                ids = list(ids_qs.filter(pk__gt=last)[:BATCH])
                if not ids:
                    break
                last = ids[-1]
                docs = spec.build(ids)
                if kind == "enterprises":
                    docs = [_with_former(d, former.get(d.pk)) for d in docs]
                with transaction.atomic():
                    spec.doc.objects.bulk_create(docs, batch_size=500)
                done += len(docs)
                if advance:
                    advance(len(ids))
        finally:
            if sqlite:
                with transaction.atomic():
                    _execute(
                        [
                            ddl.sqlite_fts(table),
                            *ddl.sqlite_settings(table),
                            ddl.sqlite_rebuild(table),
                            ddl.sqlite_optimize(table),
                            *ddl.sqlite_triggers(table),
                        ]
                    )
        result.counts[kind] = done
        result.seconds[kind] = time.monotonic() - started
    return result


# --- background merge (SQLite) ------------------------------------------------------------------

MERGE_PAGES = 200  # merge work a transaction: about 20 ms under the write lock on the city index
MERGE_ROUNDS = 100  # transactions a run at most; the next run carries on


@dataclass
class MergeResult:
    rounds: dict[str, int] = field(default_factory=dict)  # transactions that merged something, per table
    seconds: float = 0.0
    done: bool = True  # nothing was left to merge


def search_merge(*, pages: int = MERGE_PAGES, rounds: int = MERGE_ROUNDS) -> MergeResult:
    """SQLite: merge the segments that writes leave in the indexes whose automerge is off
    (ddl.AUTOMERGE_OFF), PAGES pages a transaction, so a filing never waits long for the write lock,
    until nothing is left or ROUNDS transactions ran. FTS5 tells whether a 'merge' did any work only
    through the connection's change counter: fewer than two changes, nothing left. PostgreSQL: nothing
    to do (a GIN index keeps its own pending list)."""
    result = MergeResult()
    if connection.vendor != "sqlite":
        return result
    started = time.monotonic()
    connection.ensure_connection()
    raw = connection.connection
    for table in ddl.AUTOMERGE_OFF:
        merged = 0
        left = True
        while left and merged < rounds:
            before = raw.total_changes
            with transaction.atomic():
                _execute([ddl.sqlite_merge(table, pages)])
            left = raw.total_changes - before >= 2
            merged += left
        result.rounds[table] = merged
        result.done = result.done and not left
    result.seconds = time.monotonic() - started
    return result


def _with_former(doc: EnterpriseDoc, old: tuple[str, list[str]] | None) -> EnterpriseDoc:
    if old is None:
        return doc
    name, former = old
    names = [n for n in [*former, *([name] if name else [])] if n and n != doc.name][-10:]
    if names:
        e = Enterprise.objects.only("uscc").get(pk=doc.pk)
        doc.former_names = names
        doc.terms = enterprise_terms(name=doc.name, uscc=e.uscc, former_names=names)
    return doc


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def search_learn_parks() -> int:
    """Teach the tokenizer the zone's park names (warm-up): 光电产业园 stays one word."""
    parks = [p for p in Enterprise.objects.exclude(park="").values_list("park", flat=True).distinct() if p]
    add_terms(parks)
    piece_terms.cache_clear()  # pieces cut before may cut differently now
    return len(parks)
