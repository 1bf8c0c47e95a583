"""The must-show clustering test (issue 7): 30 cases from 20 enterprises about 3 shared problems,
among 200 unrelated ones, are grouped into exactly those 3 clusters with purity ≥ 0.9."""

from collections import Counter
from typing import Any

import pytest

from qifu.commons.services import clusters_compute, clusters_snapshot
from qifu.commons.tests.conftest import enterprises, open_cases
from qifu.commons.tests.texts import SHARED, unrelated

# which of the 20 enterprises raise each shared problem (ten each, overlapping)
WHO = {"power": range(0, 10), "graduates": range(5, 15), "trucks": range(10, 20)}


@pytest.fixture
def world(cast):
    shared_firms = enterprises(20)
    other_firms = enterprises(200, start=6000)
    rows: list[tuple[Any, str, str]] = []
    truth: list[str | None] = []
    for problem, (category, texts) in SHARED.items():
        for firm, text in zip(WHO[problem], texts, strict=True):
            rows.append((shared_firms[firm], category, text))
            truth.append(problem)
    for other, (category, text) in zip(other_firms, unrelated(200), strict=True):
        rows.append((other, category, text))
        truth.append(None)
    cases = open_cases(rows, cast.desk)
    return {c.pk: label for c, label in zip(cases, truth, strict=True)}


def test_three_shared_problems_among_200_unrelated(world):
    assert len(world) == 230 and len({v for v in world.values() if v}) == 3
    run = clusters_compute(min_enterprises=3)
    labels = [Counter(world[c["id"]] for c in cluster["cases"]) for cluster in run.clusters]
    dominant = [counts.most_common(1)[0] for counts in labels]
    members = sum(len(cluster["cases"]) for cluster in run.clusters)
    purity = sum(n for _label, n in dominant) / members
    recall = {label: n / 10 for label, n in dominant}
    print(f"\nclusters={len(run.clusters)} purity={purity:.3f} recall={recall}")
    assert len(run.clusters) == 3
    assert {label for label, _n in dominant} == {"power", "graduates", "trucks"}
    assert purity >= 0.9
    assert all(r >= 0.8 for r in recall.values())
    by_label = {label: cluster for (label, _n), cluster in zip(dominant, run.clusters, strict=True)}
    assert "货车" in by_label["trucks"]["terms"] and "停电" in by_label["power"]["terms"]
    power = by_label["power"]
    assert power["category"] == "水电气保障" and len(power["enterprises"]) >= 8
    assert power["parks"] and power["industries"]


def test_min_enterprises_and_period(world):
    assert len(clusters_compute(min_enterprises=11).clusters) == 0
    assert len(clusters_compute(days=1).clusters) == 0  # every case was filed three days ago


def test_snapshot_is_stored_with_progress(world):
    seen = []
    snapshot = clusters_snapshot(progress=lambda n, total: seen.append((n, total)))
    assert snapshot.open_cases == 230 and len(snapshot.clusters) == 3 and seen[-1] == (230, 230)


def test_command_prints_progress_and_clusters(world, capsys):
    import json

    from django.core.management import call_command

    call_command("commons", "cluster", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["open_cases"] == 230 and len(doc["clusters"]) == 3
    call_command("commons", "cluster", "--days", "30")
    captured = capsys.readouterr()
    assert "segmenting 230/230" in captured.err and "3 clusters" in captured.out


def test_recompute_button_queues_the_task(world, cast, client):
    from django.urls import reverse

    client.force_login(cast.desk)
    r = client.post(reverse("commons:recompute"), {"days": "60", "min_enterprises": "3"}, follow=True)
    html = r.content.decode()
    assert "近60天" in html and "230件在办诉求" in html and html.count("data-cluster=") == 3
    client.force_login(cast.leader)
    assert client.post(reverse("commons:recompute"), {"days": "60"}).status_code == 404


def test_api_recompute_queues_the_task_and_refuses_bad_input(world, cast, api_as):
    from qifu.commons.models import ClusterSnapshot

    r = api_as(cast.desk).post("/api/v1/commons/clusters/recompute", {"days": 60, "min_enterprises": 3})
    assert r.status_code == 202, r.content
    assert r.json()["open_cases"] == 230 and len(r.json()["items"]) == 3  # the test queue runs it at once
    count = ClusterSnapshot.objects.count()
    r = api_as(cast.desk).post("/api/v1/commons/clusters/recompute", {"days": 0, "min_enterprises": 3})
    assert r.status_code == 422 and r.json()["code"] == "out_of_range"
    assert api_as(cast.leader).post("/api/v1/commons/clusters/recompute", {}).status_code == 404
    assert ClusterSnapshot.objects.count() == count  # nothing queued, nothing computed
