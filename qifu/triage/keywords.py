"""The keyword fallback: words per category (data/keywords.yaml) scored on the text.

Used while the zone's history is too thin for a model (fewer than `MIN_SAMPLES` closed cases), when
the stored model cannot be loaded, and to propose a category the model has too few cases of.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from qifu.search.text import normalize

KEYWORDS_FILE = Path(__file__).resolve().parent / "data" / "keywords.yaml"


@cache
def keywords() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(KEYWORDS_FILE.read_text("utf-8")) or {}
    return {str(code): tuple(normalize(str(w)) for w in words or ()) for code, words in data.items()}


def scores(text: str) -> dict[str, float]:
    """Category code -> score: each keyword found counts once, weighted by its length (≤ 4)."""
    t = normalize(text)
    out: dict[str, float] = {}
    for code, words in keywords().items():
        s = float(sum(min(len(w), 4) for w in words if w and w in t))
        if s:
            out[code] = s
    return out


def ranked(text: str, codes: list[str]) -> list[tuple[str, float]]:
    """Every code in `codes`, best first, with a confidence: the score's share, at most 0.6
    (keywords are a weaker signal than the model); ties and no hit rank 'other' first."""
    s = scores(text)
    total = sum(s.get(c, 0.0) for c in codes)
    order = sorted(codes, key=lambda c: (-s.get(c, 0.0), c != "other", c))
    if not total:
        return [(c, 0.0) for c in order]
    return [(c, round(min(0.6, s.get(c, 0.0) / total), 4)) for c in order]
