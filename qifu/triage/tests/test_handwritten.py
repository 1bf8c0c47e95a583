"""The must-show figure of issue 7: a model trained on the seed generator's output only, measured
on requests written by hand, 5 per category, not in the seed (docs/TRIAGE.md):

- tests/data/handwritten.jsonl: 110 requests by the generator's author, written before it;
- tests/data/handwritten_independent.jsonl (set B): 110 requests by a second writer who had read only
  the taxonomy, PRODUCT.md and the seed article — never the generator, the first set or the keywords;
- tests/data/handwritten_fresh.jsonl (set C): 110 requests by a third writer under the same rules,
  written while a fourth, who saw none of the sets, widened the generator; measured only afterwards.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from qifu.ops.seeding.case_text import samples
from qifu.triage import engine

DATA = Path(__file__).resolve().parent / "data"


@cache
def _model() -> engine.Fitted:
    train = list(samples(3000, seed=7))
    return engine.fit([engine.features(t) for t, _, _ in train], [c for _, c, _ in train], [d for _, _, d in train])


def _scores(name: str) -> engine.Scores:
    hand = [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]
    assert len(hand) >= 110 and len({h["category"] for h in hand}) == 22
    scores = engine.evaluate(
        _model(), [engine.features(h["text"]) for h in hand], [h["category"] for h in hand], ["-"] * len(hand)
    )
    print(f"\n{name}: n={scores.n} top-1 {scores.top1:.3f} top-3 {scores.top3:.3f}")
    return scores


def test_trained_on_generated_text_it_classifies_handwritten_requests():
    scores = _scores("handwritten.jsonl")
    assert scores.top1 >= 0.80
    assert scores.top3 >= 0.95


@pytest.mark.parametrize("name", ["handwritten_independent.jsonl", "handwritten_fresh.jsonl"])
def test_sets_by_other_writers_reach_the_targets(name: str):
    scores = _scores(name)
    assert scores.top1 >= 0.80  # B 0.964, C 0.900 (before the generator was widened: 0.864, 0.755)
    assert scores.top3 >= 0.95  # B 0.991, C 0.982 (before: 0.945, 0.936)


def test_generator_held_out_figures_are_not_perfect():
    """The generator's own held-out split: high, but not 100% (re-routed and two-topic requests)."""
    data = list(samples(3000, seed=3))
    terms = [engine.features(t) for t, _, _ in data]
    model = engine.fit(terms[:2400], [c for _, c, _ in data[:2400]], [d for _, _, d in data[:2400]])
    s = engine.evaluate(model, terms[2400:], [c for _, c, _ in data[2400:]], [d for _, _, d in data[2400:]])
    print(f"\ngenerator held-out: top-1 {s.top1:.3f} top-3 {s.top3:.3f} department {s.dept_top1:.3f}")
    assert 0.8 <= s.top1 < 1.0 and s.top3 >= 0.95 and s.dept_top1 >= 0.8
