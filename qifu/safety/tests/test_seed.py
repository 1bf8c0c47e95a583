"""The safety seed: checks for seeded safety visits, deterministic, consistent with the rules."""

from datetime import date

from django.utils import timezone

from qifu.ops.seeding.safety import seed_safety
from qifu.ops.seeding.writer import Table
from qifu.safety.jobs import overdue_run
from qifu.safety.models import Rectification, RectState, SafetyCheck, SafetyResult
from qifu.safety.tests.conftest import at, given_visit
from qifu.visits.models import VisitKind


def test_seeded_checks_follow_the_rules(cast) -> None:
    for month in (3, 5, 7, 9, 11):
        given_visit(cast.a, cast.liaison_a, when=at(2026, month, 3))
        given_visit(cast.b, cast.liaison_b, when=at(2026, month, 4))
    given_visit(cast.c, cast.deputy, kind=VisitKind.ROUTINE)
    now = timezone.now()
    tables: dict[type, Table] = {}

    def insert(model, rows):
        tables.setdefault(model, Table(model, now=now))
        return tables[model].insert(rows)

    counts = seed_safety(insert=insert, seed=7, as_of=date(2026, 11, 27), now=now)
    assert counts["safety_checks"] == SafetyCheck.objects.count() == 10
    assert SafetyResult.objects.count() == 10 * 12
    assert counts["safety_rectifications"] == Rectification.objects.count()
    for rect in Rectification.objects.select_related("result"):
        assert rect.result.outcome == "fail" and rect.enterprise_id == rect.result.enterprise_id
        assert rect.due > rect.check_record.checked_on
        if rect.state == RectState.VERIFIED:
            assert rect.submitted_at and rect.verified_at
    # the seeded overdue ones do not flood the first job run
    assert overdue_run(now=at(2026, 11, 27, 9)).flagged == 0
