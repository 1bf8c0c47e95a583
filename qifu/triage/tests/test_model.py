"""Training from the zone's history: the time-ordered split, persistence, tamper detection, the
keyword fallback, reloading a newer version, the commands and the retrain task."""

import io
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qifu.core.errors import RuleViolation
from qifu.ops.seeding.case_text import samples
from qifu.triage import engine
from qifu.triage.models import TriageModel
from qifu.triage.selectors import cache_clear, history, suggest, time_split
from qifu.triage.services import triage_evaluate, triage_train
from qifu.triage.tests.conftest import settled


def test_split_is_by_time_and_no_future_case_is_trained_on(cast):
    settled(cast, 250)
    rows = history()
    assert [s.at for s in rows] == sorted(s.at for s in rows)
    ev = triage_evaluate(samples=list(reversed(rows)))  # given in any order, split by filing time
    assert ev.n_train == 200 and ev.n_test == 50
    assert ev.split_at is not None and max(s.at for s in ev.train) < ev.split_at
    assert {s.at for s in ev.train} == {s.at for s in rows[:200]}
    assert sum(ev.scores.confusion[c][p] for c in ev.scores.confusion for p in ev.scores.confusion[c]) == 50


def test_time_split_keeps_the_newest_for_testing():
    from qifu.triage.selectors import Sample

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    items = [Sample(t0 + timedelta(days=(i * 7) % 10), str(i), "tax", "SWJ") for i in range(10)]
    train, test = time_split(items)
    assert len(train) == 8 and max(s.at for s in train) <= min(s.at for s in test)


def test_train_stores_a_version_and_suggestions_come_from_it(history, cast):
    row = triage_train(actor=None, limit=10_000)
    assert row.n_samples == 400 and row.n_train == 320 and row.n_test == 80
    assert row.top1 is not None and row.top3 is not None and row.dept_top1 is not None
    assert 0 < row.top1 <= row.top3 <= 1 and row.dept_top1 > 0.5
    s = suggest("出口退税申报了好几个月还没到账，请帮忙查一下")
    assert s.source == "model" and s.version == row.pk
    assert s.category.code == "tax"
    assert "SWJ" in {s.department.code, *(d.code for d in s.department_alternatives)}  # 400 cases: a small model
    assert len(s.alternatives) == 2 and len(s.department_alternatives) == 2
    assert s.category.confidence >= s.alternatives[0].confidence >= s.alternatives[1].confidence
    # a newer version is picked up by the next suggestion (no restart)
    newer = triage_train(actor=None, limit=300)
    assert suggest("厂里停电了").version == newer.pk


def test_thin_history_trains_nothing_and_the_keywords_answer(cast):
    settled(cast, 50)
    with pytest.raises(RuleViolation) as exc:
        triage_train(actor=None)
    assert exc.value.code == "triage_no_history"
    assert not TriageModel.objects.exists()
    s = suggest("银行把我们的贷款抽走了，续贷需要过桥资金")
    assert s.source == "keywords" and s.version == 0
    assert s.category.code == "financing" and s.department.code == "JRB"
    assert len(s.alternatives) == 2 and s.category.confidence <= 0.6
    assert suggest("？？？").category.code == "other"  # nothing known: the desk's own category


def test_persistence_round_trip_without_pickle():
    data = list(samples(600, seed=2))
    fitted = engine.fit([engine.features(t) for t, _, _ in data], [c for _, c, _ in data], [d for _, _, d in data])
    blob, meta = fitted.dump()
    json.dumps(meta)  # plain JSON
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:  # arrays only
        assert set(z.files) == {"idf", "cat_coef", "cat_bias", "dept_coef", "dept_bias"}
    again = engine.Fitted.load(blob, meta, engine.digest(blob, meta))
    for text, _, _ in data[:50]:
        a, b = fitted.predict(text), again.predict(text)
        assert [g.code for g in a[0][:3]] == [g.code for g in b[0][:3]]
        assert abs(a[0][0].confidence - b[0][0].confidence) < 1e-4


def test_tampered_parameters_are_refused(history):
    row = triage_train(actor=None)
    blob, meta = bytes(row.blob), row.meta
    with pytest.raises(engine.TamperedModel):
        engine.Fitted.load(blob[:-8] + b"\0" * 8, meta, row.digest)
    with pytest.raises(engine.TamperedModel):
        engine.Fitted.load(blob, {**meta, "categories": list(reversed(meta["categories"]))}, row.digest)
    TriageModel.objects.filter(pk=row.pk).update(meta={**meta, "terms": meta["terms"][::-1]})
    cache_clear()
    s = suggest("出口退税还没到账")
    assert s.source == "keywords"  # not loaded; the fallback answers


def test_jsonl_command_prints_only_the_stable_json_lines(history, tmp_path):
    triage_train(actor=None)
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "a1", "text": "新车间要增容用电800千伏安"}, ensure_ascii=False)
        + "\n\n"
        + json.dumps({"id": 2, "text": "孩子转学没有学位"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("triage", "--jsonl", str(path), stdout=out, stderr=err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["a1", 2]
    for line in lines:
        assert set(line) == {"id", "category", "department", "confidence", "alternatives"}
        assert 0 <= line["confidence"] <= 1 and len(line["alternatives"]) == 2
        assert set(line["alternatives"][0]) == {"category", "confidence"}
    assert lines[0]["category"] == "utilities" and lines[1]["category"] == "schooling"
    path.write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("triage", "--jsonl", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""


def test_train_and_evaluate_commands(history):
    out = io.StringIO()
    call_command("triage", "train", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "top-1" in out.getvalue() and TriageModel.objects.count() == 1
    call_command("triage", "train", "--if-missing", stdout=io.StringIO())
    assert TriageModel.objects.count() == 1
    out = io.StringIO()
    call_command("triage", "evaluate", "--json", stdout=out, stderr=io.StringIO())
    doc = json.loads(out.getvalue())
    assert doc["train"] == 320 and doc["test"] == 80 and 0 < doc["top1"] <= doc["top3"] <= 1
    out = io.StringIO()
    call_command("triage", "evaluate", stdout=out, stderr=io.StringIO())
    assert "category top-1" in out.getvalue() and "category top-3" in out.getvalue()


def test_retrain_task_and_the_periodic_schedule(history):
    from qifu.triage.tasks import triage_retrain_periodic, triage_train_task

    result = triage_train_task()
    assert TriageModel.objects.count() == 1
    assert result is not None
    # weekly: Saturday 18:30 UTC (Sunday 02:30 in Beijing), not an hour later nor on another day
    task = triage_retrain_periodic.task_class()
    assert task.validate_datetime(datetime(2026, 11, 28, 18, 30))  # noqa: DTZ001 - huey compares naive UTC
    assert not task.validate_datetime(datetime(2026, 11, 28, 19, 30))  # noqa: DTZ001
    assert not task.validate_datetime(datetime(2026, 11, 27, 18, 30))  # noqa: DTZ001
    assert triage_retrain_periodic.call_local()["trained"] is True
