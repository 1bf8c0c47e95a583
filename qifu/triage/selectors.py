"""Reads of triage: the training history, the model in use, and a suggestion for a text.

The model in use is the newest `TriageModel` row. Each process keeps the loaded parameters and,
before every suggestion, asks for the newest id (one indexed query); a newer version is loaded, a
row whose digest does not match is refused (logged, and the keyword fallback answers).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from qifu.access.actor import Actor
from qifu.accounts.roles import Role
from qifu.cases.models import Case, CaseState
from qifu.cases.selectors import case_get
from qifu.core.errors import PermissionDenied, RuleViolation
from qifu.reference.models import Category, Department
from qifu.triage import keywords
from qifu.triage.engine import Fitted, Guess, TamperedModel, features
from qifu.triage.errors import TriageErrorCode
from qifu.triage.models import TriageModel

log = logging.getLogger(__name__)

MIN_SAMPLES = 200  # fewer closed cases than this: no model, the keywords answer
MIN_PER_CATEGORY = 5  # a category with fewer training cases is "thin": the keywords may propose it
TRAIN_SHARE = 0.8  # the older 80% trains, the newest 20% is held out
USERS = frozenset({Role.DESK, Role.DEPT_HEAD, Role.HANDLER, Role.LEADER})


def may_use_triage(actor: Actor) -> bool:
    """The desk (which dispatches), department staff (who may return a case to be re-routed) and leaders."""
    return actor.role in USERS


# --- history ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    at: datetime
    text: str
    category: str
    department: str  # the final lead department; "" when the case was never dispatched


def history_rows(limit: int | None = None) -> QuerySet[Case]:
    """Settled cases (resolved or closed) with a final category and lead department, newest first."""
    rows = (
        Case.objects.filter(state__in=(CaseState.RESOLVED, CaseState.CLOSED))
        .exclude(category=None)
        .exclude(lead_department=None)
        .order_by("-submitted_at", "-id")
    )
    return rows[:limit] if limit else rows


def history(limit: int | None = None) -> list[Sample]:
    """The newest `limit` settled cases, oldest first (the time order of the split)."""
    rows = history_rows(limit).values_list(
        "submitted_at", "title", "text", "category__code", "lead_department__code", "dispatched_at"
    )
    # A case the desk answered itself was never dispatched: its category teaches, its "lead
    # department" (the desk's own) does not say where to dispatch.
    out = [
        Sample(at, f"{title} {text}", cat, dept if sent else "")
        for at, title, text, cat, dept, sent in rows.iterator(chunk_size=5000)
    ]
    out.reverse()
    return out


def time_split(samples: list[Sample], share: float = TRAIN_SHARE) -> tuple[list[Sample], list[Sample]]:
    """(older `share`, newest rest) of samples in time order: no held-out case is older than a trained one."""
    ordered = sorted(samples, key=lambda s: s.at)
    cut = int(len(ordered) * share)
    return ordered[:cut], ordered[cut:]


def model_current() -> TriageModel | None:
    """The model in use (without its parameters), or None."""
    return TriageModel.objects.defer("blob", "meta").order_by("-id").first()


def model_list(limit: int = 10) -> list[TriageModel]:
    return list(TriageModel.objects.defer("blob", "meta").order_by("-id")[:limit])


# --- the per-process cache ----------------------------------------------------------------------
@dataclass
class _Loaded:
    version: int = 0
    fitted: Fitted | None = None
    refused: set[int] = field(default_factory=set)


_lock = threading.Lock()
_loaded = _Loaded()


def loaded_model() -> tuple[int, Fitted | None]:
    """(version, parameters) of the newest model; (0, None) with no model or a tampered one."""
    latest = TriageModel.objects.order_by("-id").values_list("id", flat=True).first()
    if latest is None:
        return 0, None
    if latest == _loaded.version:
        return latest, _loaded.fitted
    if latest in _loaded.refused:
        return 0, None
    with _lock:
        if latest != _loaded.version:
            row = TriageModel.objects.only("blob", "meta", "digest").get(pk=latest)
            try:
                fitted = Fitted.load(bytes(row.blob), row.meta, row.digest)
            except TamperedModel:
                log.error("triage model %s: digest mismatch, not loaded; the keyword fallback answers", latest)
                _loaded.refused.add(latest)
                return 0, None
            _loaded.version, _loaded.fitted = latest, fitted
    return _loaded.version, _loaded.fitted


def cache_clear() -> None:
    global _loaded
    with _lock:
        _loaded = _Loaded()


# --- suggestions ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    confidence: float


@dataclass(frozen=True)
class Suggestion:
    source: str  # "model" or "keywords"
    version: int  # the model's version, 0 for the keywords
    category: Choice
    department: Choice
    alternatives: list[Choice]  # two more categories
    department_alternatives: list[Choice]  # two more departments

    def as_json(self) -> dict[str, Any]:
        def one(c: Choice) -> dict[str, Any]:
            return {"code": c.code, "name": c.name, "confidence": c.confidence}

        return {
            "source": self.source,
            "model_version": self.version or None,
            "category": one(self.category),
            "department": one(self.department),
            "alternatives": [one(c) for c in self.alternatives],
            "department_alternatives": [one(c) for c in self.department_alternatives],
        }


@dataclass(frozen=True)
class _Labels:
    categories: dict[str, tuple[str, str]]  # active category code -> (name, default department code)
    departments: dict[str, str]  # active department code -> name


def _labels() -> _Labels:
    cats = {
        code: (name, dept)
        for code, name, dept in Category.objects.filter(active=True).values_list("code", "name", "department__code")
    }
    depts = dict(Department.objects.filter(active=True).values_list("code", "name"))
    return _Labels(cats, depts)


def _choices(guesses: list[Guess], names: dict[str, Any], n: int = 3) -> list[Choice]:
    out: list[Choice] = []
    for g in guesses:
        if g.code in names:
            label = names[g.code]
            out.append(Choice(g.code, label[0] if isinstance(label, tuple) else label, round(g.confidence, 4)))
            if len(out) == n:
                break
    return out


def suggest(text: str) -> Suggestion:
    """The likely category and lead department of a request's text (title and text), with two
    alternatives each: from the model when there is one, else from the keywords."""
    labels = _labels()
    version, fitted = loaded_model()
    if fitted is not None:
        terms = features(text)
        if fitted.known(terms):
            cats, depts = fitted.predict_terms(terms)
            cat = _choices(cats, labels.categories)
            dep = _choices(depts, labels.departments)
            thin = [c for c in labels.categories if c not in fitted.categories]
            if thin and cat:  # a category the model barely knows: the keywords may propose it
                best, conf = keywords.ranked(text, thin)[0]
                if conf >= 0.3:
                    cat = [cat[0], Choice(best, labels.categories[best][0], conf), *cat[1:]][:3]
            if cat and dep:
                return Suggestion("model", version, cat[0], dep[0], cat[1:3], dep[1:3])
    ranked = keywords.ranked(text, list(labels.categories))
    cat = [Choice(c, labels.categories[c][0], p) for c, p in ranked[:3]]
    dep = []
    for c in cat:  # each category's default lead department, in the same order, once each
        code = labels.categories[c.code][1]
        if code in labels.departments and code not in {d.code for d in dep}:
            dep.append(Choice(code, labels.departments[code], c.confidence))
    return Suggestion("keywords", 0, cat[0], dep[0], cat[1:3], dep[1:3])


def triage_suggest(*, actor: Actor, text: str) -> Suggestion:
    if not may_use_triage(actor):
        raise PermissionDenied("triage is for the desk, departments and leaders", code=TriageErrorCode.FORBIDDEN)
    if not text.strip():
        raise RuleViolation("nothing to classify", code=TriageErrorCode.EMPTY_TEXT)
    return suggest(text[:10000])


def case_suggestion(*, actor: Actor, case_id: int) -> tuple[Case, Suggestion]:
    """The suggestion for a case the actor sees (NotFound otherwise)."""
    case = case_get(actor=actor, case_id=case_id)
    return case, triage_suggest(actor=actor, text=f"{case.title} {case.text}")


# --- the admin page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelPage:
    current: TriageModel | None
    versions: list[TriageModel]
    labels: list[tuple[str, str]]  # (code, name) of the table's categories, in the zone's order
    matrix: list[tuple[str, list[int], int, int]]  # (name, counts per predicted label, correct, total)
    settled: int  # settled cases with a category and lead department (what training can read)
    thin: list[str]  # names of active categories the model has no (or too few) cases of
    source: str  # which source answers now: model or keywords
    min_samples: int
    keyword_count: int


def model_page() -> ModelPage:
    current = model_current()
    cats = list(Category.objects.order_by("sort", "code").values_list("code", "name", "active"))
    names = {code: name for code, name, _ in cats}
    confusion: dict[str, dict[str, int]] = current.confusion if current else {}
    seen = set(confusion) | {p for row in confusion.values() for p in row}
    labels = [(code, name) for code, name, active in cats if code in seen]
    labels += [(code, code) for code in sorted(seen - set(names))]
    matrix = []
    for code, name in labels:
        row = confusion.get(code, {})
        counts = [row.get(p, 0) for p, _ in labels]
        matrix.append((name, counts, row.get(code, 0), sum(row.values())))
    _version, fitted = loaded_model()
    known = set(fitted.categories) if fitted else set()
    thin = [name for code, name, active in cats if active and code not in known] if fitted else []
    return ModelPage(
        current=current,
        versions=model_list(),
        labels=labels,
        matrix=matrix,
        settled=history_rows().count(),
        thin=thin,
        source="model" if fitted else "keywords",
        min_samples=MIN_SAMPLES,
        keyword_count=sum(len(w) for w in keywords.keywords().values()),
    )
