"""Text similarity for duplicates and common problems (PRODUCT.md §2.5, issue 7 items 3–4).

Both read `qifu.search.text.content_terms` (jieba with the zone's dictionary, stopwords and bare
numbers dropped) and compare documents by the cosine of their sublinear TF-IDF vectors
(scikit-learn). TF-IDF weighs down the words every request uses (企业, 申请, 问题 …) so that two
texts are close when they share the *specific* words (屋顶, 漏水; 社保, 补贴; 断电, 变压器).

- Duplicates (`similar`): one enterprise's own open cases against the text being written. The
  corpus is tiny (a few to a few hundred cases), so the IDF comes from those cases plus the new
  text, smoothed; DUPLICATE_THRESHOLD is checked in tests/test_duplicates.py.
- Clusters (`clusters`): the open cases of the period as one sparse matrix (the IDF learnt from
  all of them), then per category DBSCAN with the cosine metric (radius 1 − CLUSTER_THRESHOLD,
  a core case has MIN_SAMPLES − 1 close neighbours). DBSCAN asks only radius queries over the
  sparse rows, so memory follows the number of close pairs, not n²; unlike plain connected
  components it does not chain two unrelated pairs through one shared stock phrase. A cluster
  is kept when it spans at least `min_enterprises` distinct enterprises.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import DBSCAN  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from qifu.search.text import content_terms

DUPLICATE_THRESHOLD = 0.35  # cosine: at or above, "nearly the same" (tests/test_duplicates.py)
CLUSTER_THRESHOLD = 0.18  # cosine radius of DBSCAN over TF-IDF (tests/test_clusters.py: 0.16-0.20 all pass)
KEY_TERMS = 6
MIN_SAMPLES = 3  # DBSCAN: a core case has at least two close neighbours


def terms(text: str) -> list[str]:
    return content_terms(text)


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True, smooth_idf=True, norm="l2")


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass(frozen=True)
class Match:
    index: int
    score: float


def similar(text: str, candidates: Sequence[str], *, threshold: float = DUPLICATE_THRESHOLD) -> list[Match]:
    """The candidates whose cosine with TEXT reaches THRESHOLD, best first."""
    query = terms(text)
    if not query or not candidates:
        return []
    docs = [query, *(terms(c) for c in candidates)]
    try:
        matrix = _vectorizer().fit_transform(docs)
    except ValueError:  # no term at all
        return []
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel()
    found = [Match(i, float(s)) for i, s in enumerate(scores) if s >= threshold]
    return sorted(found, key=lambda m: (-m.score, m.index))


@dataclass(frozen=True)
class Group:
    members: list[int]  # indexes into the documents given
    terms: list[str]  # the shared key terms, most weighty first


def clusters(
    documents: Sequence[list[str]],
    owners: Sequence[int],
    groups: Sequence[object],
    *,
    threshold: float = CLUSTER_THRESHOLD,
    min_owners: int = 3,
    min_samples: int = MIN_SAMPLES,
) -> list[Group]:
    """Groups of DOCUMENTS (term lists) of one GROUP (the category) linked by chains of neighbours
    at least THRESHOLD close, spanning at least MIN_OWNERS distinct OWNERS (enterprises); biggest
    first. The IDF is learnt from all the documents (every category of the period), so a problem's
    own words stay rare even when it fills its category."""
    if len(documents) < 2:
        return []
    try:
        vectorizer = _vectorizer()
        matrix = vectorizer.fit_transform(documents)
    except ValueError:
        return []
    vocabulary = np.array(vectorizer.get_feature_names_out())
    by_group: dict[object, list[int]] = {}
    for i, group in enumerate(groups):
        by_group.setdefault(group, []).append(i)
    found: list[Group] = []
    for rows in by_group.values():
        if len(rows) < 2 or len({owners[i] for i in rows}) < min_owners:
            continue
        index = np.array(rows)
        sub = matrix[index]
        labels = DBSCAN(eps=1.0 - threshold, min_samples=min_samples, metric="cosine").fit_predict(sub)
        for label in range(int(labels.max()) + 1):
            local = np.flatnonzero(labels == label)
            members = index[local]
            if len(members) < 2 or len({owners[i] for i in members}) < min_owners:
                continue
            weights = np.asarray(sub[local].sum(axis=0)).ravel()
            present = np.asarray((sub[local] > 0).sum(axis=0)).ravel()
            # a key term is one at least two members share, by its summed weight
            order = [i for i in np.argsort(-weights) if present[i] >= 2][:KEY_TERMS]
            found.append(Group(members=[int(i) for i in members], terms=[str(vocabulary[i]) for i in order]))
    return sorted(found, key=lambda g: (-len(g.members), g.members[0]))
