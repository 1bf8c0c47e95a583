"""The knowledge base's ranking: TF-IDF over each entry's content terms (qifu.search.text).

Entries number in the hundreds to a few thousand per zone, so one scikit-learn `TfidfVectorizer`
per process holds them all in memory. It is keyed by a stamp — (count, last update, largest id)
of the table, one cheap aggregate per search — so a write in any process is seen by every other
on its next search; the fit reads only the stored `search_terms` (no jieba on rebuild).

Ranking is visibility-blind: callers pass the candidate ids through `scope_knowledge` (the
selectors do), so this module never decides who sees what.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from qifu.knowledge.models import KnowledgeEntry
from qifu.search.text import STOPWORDS, index_terms

QUERY_CHARS = 2000  # a case text is cut here before it is read (the gist is in its first lines)
TITLE_WEIGHT = 2  # title and keyword terms count twice: the question says what an entry is about


def terms(text: str) -> list[str]:
    """Index terms (each word and the dictionary words inside it: 排污许可证 also gives 排污, 许可,
    许可证) without stopwords and lone digits — on both sides, so a query for part of a long word
    and a query for the long word both meet the entry."""
    return [t for t in index_terms(text) if t not in STOPWORDS and not t.isdigit()]


def entry_terms(*, title: str, keywords: str, answer: str) -> str:
    """The space-joined terms stored on an entry (title and keywords weighted)."""
    head = terms(f"{title} {keywords}")
    return " ".join(head * TITLE_WEIGHT + terms(answer[:QUERY_CHARS]))


def _analyzer(doc: str) -> list[str]:
    return doc.split()


@dataclass
class _Index:
    stamp: tuple[Any, ...]
    ids: np.ndarray
    categories: np.ndarray
    vectorizer: TfidfVectorizer | None
    matrix: Any


_lock = threading.Lock()
_cached: _Index | None = None


def _stamp() -> tuple[Any, ...]:
    row = KnowledgeEntry.objects.aggregate(n=Count("pk"), at=Max("updated_at"), top=Max("pk"))
    return (row["n"], row["at"], row["top"])


def _build(stamp: tuple[Any, ...]) -> _Index:
    rows = list(KnowledgeEntry.objects.order_by("pk").values_list("pk", "category_id", "search_terms"))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    categories = np.array([r[1] or 0 for r in rows], dtype=np.int64)
    docs = [r[2] for r in rows]
    if not any(docs):
        return _Index(stamp, ids, categories, None, None)
    vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform(docs)
    return _Index(stamp, ids, categories, vectorizer, matrix)


def current() -> _Index:
    """The index for the table as it is now (rebuilt when the stamp moved)."""
    global _cached
    stamp = _stamp()
    index = _cached
    if index is not None and index.stamp == stamp:
        return index
    with _lock:
        if _cached is None or _cached.stamp != stamp:
            _cached = _build(stamp)
        return _cached


def clear() -> None:
    global _cached
    with _lock:
        _cached = None


def rank(text: str, *, category_id: int | None = None, limit: int = 500) -> list[tuple[int, float]]:
    """[(entry id, score 0..1)] best first, only entries sharing a term with TEXT. A same-category
    entry gets a small lift (it breaks ties toward the case's own category)."""
    words = terms(normalize_query(text))
    if not words:
        return []
    index = current()
    if index.vectorizer is None or not len(index.ids):
        return []
    query = index.vectorizer.transform([" ".join(words)])
    if query.nnz == 0:
        return []
    scores = (index.matrix @ query.T).toarray().ravel()
    hit = scores > 0
    if category_id:
        scores = np.where(hit & (index.categories == category_id), np.minimum(scores * 1.15 + 0.05, 1.0), scores)
    order = np.argsort(-scores, kind="stable")
    out: list[tuple[int, float]] = []
    for i in order[:limit]:
        if not hit[i]:
            break
        out.append((int(index.ids[i]), float(scores[i])))
    return out


def normalize_query(text: str) -> str:
    return (text or "")[:QUERY_CHARS]
