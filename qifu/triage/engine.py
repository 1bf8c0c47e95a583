"""The classifier itself, without the database: features, fitting, prediction and the file format.

Features: the words of `qifu.search.text.content_terms` (jieba with the zone's dictionary, without
stopwords) plus the character bigrams of the Chinese text (they survive typos, homophones and
words jieba cuts differently), weighted by TF-IDF (sublinear tf, smoothed idf, l2 norm).
Two linear classifiers over the same features: the final category and the final lead department
(scikit-learn's SGDClassifier with the logistic loss, one-vs-rest, probabilities normalised).

Persistence never unpickles: the fitted parameters are numpy arrays written with `np.savez` and
read with `allow_pickle=False`; the vocabulary and the class codes are JSON. `digest()` is the
SHA-256 of both; `Fitted.load` refuses bytes whose digest differs from the recorded one.
Prediction is numpy only (no scikit-learn object at run time): well under a millisecond plus
jieba's cut of the text.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qifu.search.text import content_terms, normalize

_CJK = re.compile(r"[\u3400-\u9fff]+")


class TamperedModel(Exception):
    """The stored parameters do not match their recorded digest: they are not loaded."""


def features(text: str) -> list[str]:
    """Words, then character bigrams (prefixed with '#') of the Chinese runs."""
    out = content_terms(text)
    for run in _CJK.findall(normalize(text)):
        out.extend("#" + run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class Guess:
    code: str
    confidence: float


@dataclass
class Fitted:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    categories: list[str]
    cat_coef: np.ndarray  # (n_features, n_categories)
    cat_bias: np.ndarray  # (n_categories,)
    departments: list[str]
    dept_coef: np.ndarray  # (n_features, n_departments)
    dept_bias: np.ndarray

    # --- prediction -----------------------------------------------------------------------------
    def _vector(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(t for t in terms if t in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        w = (1.0 + np.log(tf)) * self.idf[idx]
        return idx, w / np.linalg.norm(w)

    @staticmethod
    def _ranked(idx: np.ndarray, w: np.ndarray, coef: np.ndarray, bias: np.ndarray, codes: list[str]) -> list[Guess]:
        scores = bias + (w @ coef[idx] if len(idx) else 0.0)
        p = 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))
        p = p / p.sum()
        order = np.argsort(-p)
        return [Guess(codes[i], float(p[i])) for i in order]

    def predict_terms(self, terms: Sequence[str]) -> tuple[list[Guess], list[Guess]]:
        """Categories and departments, most likely first, with normalised probabilities."""
        idx, w = self._vector(terms)
        return (
            self._ranked(idx, w, self.cat_coef, self.cat_bias, self.categories),
            self._ranked(idx, w, self.dept_coef, self.dept_bias, self.departments),
        )

    def predict(self, text: str) -> tuple[list[Guess], list[Guess]]:
        return self.predict_terms(features(text))

    def known(self, terms: Sequence[str]) -> int:
        return sum(1 for t in terms if t in self.vocabulary)

    # --- persistence ----------------------------------------------------------------------------
    def dump(self) -> tuple[bytes, dict[str, Any]]:
        """(npz bytes of the arrays, JSON-able vocabulary and classes)."""
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            idf=self.idf.astype(np.float32),
            cat_coef=self.cat_coef.astype(np.float32),
            cat_bias=self.cat_bias.astype(np.float32),
            dept_coef=self.dept_coef.astype(np.float32),
            dept_bias=self.dept_bias.astype(np.float32),
        )
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return buf.getvalue(), {"terms": terms, "categories": self.categories, "departments": self.departments}

    @classmethod
    def load(cls, blob: bytes, meta: dict[str, Any], expected_digest: str) -> Fitted:
        if digest(blob, meta) != expected_digest:
            raise TamperedModel("triage model digest mismatch")
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            arrays = {k: z[k].astype(np.float64) for k in ("idf", "cat_coef", "cat_bias", "dept_coef", "dept_bias")}
        return cls(
            vocabulary={t: i for i, t in enumerate(meta["terms"])},
            categories=list(meta["categories"]),
            departments=list(meta["departments"]),
            **arrays,
        )


def digest(blob: bytes, meta: dict[str, Any]) -> str:
    h = hashlib.sha256(blob)
    h.update(json.dumps(meta, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    return h.hexdigest()


def fit(docs: Sequence[list[str]], categories: Sequence[str], departments: Sequence[str], seed: int = 0) -> Fitted:
    """Fit TF-IDF and the two classifiers on feature lists (already cut, see `features`); a sample
    whose department is "" trains the category model only."""
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import SGDClassifier  # type: ignore[import-untyped]

    def same(terms: list[str]) -> list[str]:
        return terms

    vec = TfidfVectorizer(analyzer=same, sublinear_tf=True, min_df=2 if len(docs) >= 2000 else 1, dtype=np.float64)
    x = vec.fit_transform(docs)

    def one(labels: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        keep = [i for i, label in enumerate(labels) if label]  # "" = no label (e.g. never dispatched)
        xs, labels = x[keep], [labels[i] for i in keep]
        classes = sorted(set(labels))
        if len(classes) <= 1:  # a single class is certain whatever the text; none: no suggestion
            return classes, np.zeros((x.shape[1], len(classes))), np.zeros(len(classes))
        clf = SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=20, tol=1e-3, random_state=seed)
        with warnings.catch_warnings():  # the epochs are capped on purpose (accuracy flat beyond ~7)
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(xs, labels)
        coef, bias = clf.coef_, clf.intercept_
        if len(classes) == 2:  # binary: sklearn keeps one row; expand to one per class
            coef, bias = np.vstack([-coef, coef]), np.concatenate([-bias, bias])
        return [str(c) for c in clf.classes_], coef.T.copy(), bias.copy()

    cats, cat_coef, cat_bias = one(categories)
    depts, dept_coef, dept_bias = one(departments)
    return Fitted(
        vocabulary={str(t): int(i) for t, i in vec.vocabulary_.items()},
        idf=vec.idf_.copy(),
        categories=cats,
        cat_coef=cat_coef,
        cat_bias=cat_bias,
        departments=depts,
        dept_coef=dept_coef,
        dept_bias=dept_bias,
    )


@dataclass(frozen=True)
class Scores:
    n: int
    top1: float
    top3: float
    dept_top1: float
    confusion: dict[str, dict[str, int]]  # actual category -> predicted category -> count


def evaluate(model: Fitted, docs: Iterable[list[str]], categories: Sequence[str], departments: Sequence[str]) -> Scores:
    hit1 = hit3 = dept = n = n_dept = 0
    confusion: dict[str, dict[str, int]] = {}
    for terms, cat, dep in zip(docs, categories, departments, strict=True):
        cats, depts = model.predict_terms(terms)
        n += 1
        top = [g.code for g in cats[:3]]
        hit1 += top[0] == cat
        hit3 += cat in top
        if dep:  # only cases with a lead department to compare (dispatched ones)
            n_dept += 1
            dept += depts[0].code == dep
        row = confusion.setdefault(cat, {})
        row[top[0]] = row.get(top[0], 0) + 1
    return Scores(
        n=n,
        top1=hit1 / n if n else 0.0,
        top3=hit3 / n if n else 0.0,
        dept_top1=dept / n_dept if n_dept else 0.0,
        confusion=confusion,
    )
