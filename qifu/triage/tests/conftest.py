"""Fixtures of the triage tests: settled cases written straight from the seed's text generator
(bulk rows, like the seed's writer: fast), the cast of qifu/conftest.py for roles."""

from datetime import UTC, date, datetime, timedelta

import pytest

from qifu.cases.models import Case, CaseState
from qifu.conftest import Cast
from qifu.ops.seeding.case_text import samples
from qifu.reference.models import Category, Department
from qifu.triage.selectors import cache_clear

START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def settled(cast: Cast, n: int, *, seed: int = 0, start: datetime = START, prefix: str = "T") -> list[Case]:
    """`n` resolved cases, one an hour from `start`, texts and labels from the generator."""
    cats = {c.code: c for c in Category.objects.all()}
    depts = {d.code: d for d in Department.objects.all()}
    rows = []
    for i, (text, cat, dept) in enumerate(samples(n, seed)):
        at = start + timedelta(hours=i)
        title, _, body = text.partition(" ")
        rows.append(
            Case(
                number=f"{prefix}-{seed}-{i:06d}",
                enterprise=cast.a,
                filed_by=cast.desk,
                title=title[:120],
                text=body,
                state=CaseState.RESOLVED,
                category=cats[cat],
                lead_department=depts[dept],
                submitted_at=at,
                last_event_at=at + timedelta(days=3),
                dispatched_at=at + timedelta(hours=1),
                resolved_at=at + timedelta(days=3),
                respond_by=date(2025, 1, 10),
            )
        )
    return Case.objects.bulk_create(rows, batch_size=500)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache_clear()
    yield
    cache_clear()


@pytest.fixture
def history(cast: Cast) -> list[Case]:
    return settled(cast, 400)
