"""`qifu seed --scale small`: the demo visits keep the rules of visit_log, and the rollups the seed
writes equal what `coverage_rebuild` and `contact_months_rebuild` compute from the rows."""

import json
from collections import Counter
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from qifu.ops.seeding.scales import SCALES
from qifu.ops.seeding.visits import months_back
from qifu.visits import models as m
from qifu.visits.contacts import contact_months_rebuild
from qifu.visits.coverage import coverage_rebuild, linked_on

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = None
    return tmp_path


def _snapshot() -> tuple[set[tuple[object, ...]], ...]:
    return (
        set(
            m.CoverageCell.objects.values_list(
                "month", "liaison_id", "enterprise_id", "department_id", "visited_on", "visits"
            )
        ),
        set(m.CoverageTotal.objects.values_list("month", "liaison_id", "department_id", "linked", "visited")),
        set(m.ContactMonth.objects.values_list("enterprise_id", "month", "total", "counted")),
    )


def test_seeded_visits_follow_the_rules_and_the_rollups_match() -> None:
    call_command("seed", scale="small", seed=1, as_of=AS_OF, no_progress=True, stdout=StringIO())
    target = SCALES["small"].visits
    visits = list(m.Visit.objects.all())
    assert len(visits) == target  # exactly the scale's figure (PRODUCT.md §4: the city has 2,000,000)
    limit = datetime.combine(AS_OF, time(0), tzinfo=timezone.get_current_timezone())
    assert all(v.visited_at < limit for v in visits)
    assert all(v.author_id in linked_on(v.enterprise_id, timezone.localdate(v.visited_at)) for v in visits)
    assert all(v.over_budget_reason for v in visits if v.over_budget)
    assert Counter(v.joint for v in visits)[True] > 0 and Counter(v.requested for v in visits)[True] > 0
    assert any(v.feedback for v in visits)
    assert m.Contact.objects.filter(source="visit").count() == len(visits)
    assert m.VisitParticipant.objects.count() >= len(visits)
    seeded = _snapshot()
    contact_months_rebuild()
    for month in months_back(AS_OF):
        coverage_rebuild(month)
    assert _snapshot() == seeded
    out = StringIO()
    call_command("stats", json=True, stdout=out)
    assert json.loads(out.getvalue())["visits"] == len(visits)


def _visits_digest() -> list[tuple[object, ...]]:
    return list(
        m.Visit.objects.order_by("visited_at", "enterprise__uscc").values_list(
            "enterprise__uscc",
            "author__username",
            "visited_at",
            "kind",
            "joint",
            "requested",
            "over_budget",
            "feedback",
        )
    )


def test_seeded_visits_are_deterministic() -> None:
    from django.db import transaction

    with transaction.atomic():
        call_command("seed", scale="small", seed=3, as_of=AS_OF, no_progress=True, stdout=StringIO())
        first = _visits_digest()
        transaction.set_rollback(True)
    call_command("seed", scale="small", seed=3, as_of=AS_OF, no_progress=True, stdout=StringIO())
    assert _visits_digest() == first
    assert len(first) == SCALES["small"].visits
