"""Writes of triage: training a model version from the zone's own history.

`triage_train` reads the newest `limit` settled cases (resolved or closed: their final category
and final lead department), cuts them once (jieba), and
  1. fits on the older 80% and measures the newest 20% (top-1 / top-3 category, department
     top-1, the confusion table): the figures stored with the version, and
  2. fits again on all of them: the parameters stored and used from then on.
Fewer than MIN_SAMPLES settled cases: no model (422 `triage_no_history`); the keywords answer.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.errors import RuleViolation
from qifu.triage import engine
from qifu.triage.errors import TriageErrorCode
from qifu.triage.models import TriageModel
from qifu.triage.selectors import MIN_PER_CATEGORY, MIN_SAMPLES, Sample, history, time_split

CITY_LIMIT = 200_000  # the newest settled cases a training reads at most
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Evaluation:
    n_train: int
    n_test: int
    split_at: datetime | None  # filing time of the first held-out case
    scores: engine.Scores
    train_terms: list[list[str]]
    train: list[Sample]


def _say(progress: Progress | None, message: str) -> None:
    if progress:
        progress(message)


def cut(samples: list[Sample], progress: Progress | None = None) -> list[list[str]]:
    out: list[list[str]] = []
    for i, s in enumerate(samples, 1):
        out.append(engine.features(s.text))
        if i % 20000 == 0:
            _say(progress, f"cut {i:,} / {len(samples):,} texts")
    return out


def triage_evaluate(
    *, samples: list[Sample], terms: list[list[str]] | None = None, progress: Progress | None = None
) -> Evaluation:
    """Fit on the older 80% of `samples` (time order) and measure on the newest 20%."""
    ordered = sorted(range(len(samples)), key=lambda i: samples[i].at)
    samples = [samples[i] for i in ordered]
    terms = [terms[i] for i in ordered] if terms is not None else cut(samples, progress)
    train, test = time_split(samples)
    k = len(train)
    _say(progress, f"fitting on the older {k:,}, testing on the newest {len(test):,}")
    model = engine.fit(terms[:k], [s.category for s in train], [s.department for s in train])
    scores = engine.evaluate(model, terms[k:], [s.category for s in test], [s.department for s in test])
    return Evaluation(k, len(test), test[0].at if test else None, scores, terms[:k], train)


def triage_train(*, actor: Actor | None, limit: int = CITY_LIMIT, progress: Progress | None = None) -> TriageModel:
    started = time.perf_counter()
    _say(progress, f"reading the newest {limit:,} settled cases")
    samples = history(limit)
    if len(samples) < MIN_SAMPLES:
        raise RuleViolation(
            f"{len(samples)} settled cases with a category and lead department; a model needs {MIN_SAMPLES}",
            code=TriageErrorCode.NO_HISTORY,
            data={"samples": len(samples), "needed": MIN_SAMPLES},
        )
    terms = cut(samples, progress)
    ev = triage_evaluate(samples=samples, terms=terms, progress=progress)
    _say(
        progress,
        f"held out: top-1 {ev.scores.top1:.3f}, top-3 {ev.scores.top3:.3f}, department {ev.scores.dept_top1:.3f}",
    )
    # A category with too few cases is left to the keywords (selectors.suggest) rather than learnt badly.
    counts = Counter(s.category for s in samples)
    keep = [i for i, s in enumerate(samples) if counts[s.category] >= MIN_PER_CATEGORY]
    _say(progress, f"fitting the model in use on all {len(keep):,}")
    fitted = engine.fit(
        [terms[i] for i in keep], [samples[i].category for i in keep], [samples[i].department for i in keep]
    )
    blob, meta = fitted.dump()
    with transaction.atomic():
        row = TriageModel(
            trained_at=timezone.now(),
            n_samples=len(samples),
            n_train=ev.n_train,
            n_test=ev.n_test,
            split_at=ev.split_at,
            top1=ev.scores.top1,
            top3=ev.scores.top3,
            dept_top1=ev.scores.dept_top1,
            confusion=ev.scores.confusion,
            meta=meta,
            blob=blob,
            digest=engine.digest(blob, meta),
            seconds=round(time.perf_counter() - started, 2),
        )
        row.full_clean(exclude=["blob"])
        row.save()
        audit_record(
            actor=actor,
            action="triage_train",
            object_type="triage_model",
            object_id=row.pk,
            changes={
                "n_samples": row.n_samples, "top1": round(ev.scores.top1, 4), "top3": round(ev.scores.top3, 4),
                "dept_top1": round(ev.scores.dept_top1, 4),
            },
        )  # fmt: skip
    return row
