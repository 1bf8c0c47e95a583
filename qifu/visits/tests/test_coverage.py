"""Coverage arithmetic: visited linked enterprises ÷ linked enterprises per liaison, department and
month; a visit counts for whoever was the liaison on the visit date; the rollups kept on write
equal a rebuild from scratch; the liaison's plan (done / due / overdue)."""

from datetime import date
from typing import Any

import pytest

from qifu.access.actor import Actor
from qifu.conftest import Cast
from qifu.core.errors import NotFound
from qifu.linkage.models import Linkage
from qifu.visits import models as m
from qifu.visits.coverage import coverage_rebuild
from qifu.visits.selectors import coverage_by_department, coverage_by_liaison, coverage_total, visit_plan
from qifu.visits.tests.domain_helpers import at, backdate_links, log

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)
OCT = date(2026, 10, 1)


@pytest.fixture
def world(cast: Cast) -> Cast:
    backdate_links()
    return cast


def _totals(month: date) -> dict[int, tuple[int, int]]:
    return {t.liaison_id: (t.linked, t.visited) for t in m.CoverageTotal.objects.filter(month=month)}


def _cells(month: date) -> set[tuple[int, int, date | None, int]]:
    return {(c.liaison_id, c.enterprise_id, c.visited_on, c.visits) for c in m.CoverageCell.objects.filter(month=month)}


def _hand_over(cast: Cast, day: date) -> None:
    """Enterprise a passes from liaison_a to liaison_b on `day` (the old link ends that day)."""
    Linkage.objects.filter(enterprise=cast.a, liaison=cast.liaison_a).update(ended_on=day)
    Linkage.objects.create(
        liaison=cast.liaison_b, enterprise=cast.a, role="primary", started_on=day, assigned_by=cast.desk
    )


def test_liaison_change_mid_month_both_in_denominator_credit_to_the_one_on_the_visit_date(world: Cast) -> None:
    cast = world
    _hand_over(cast, date(2026, 11, 15))
    log(cast, who="liaison_b", visited_at=at(2026, 11, 16))  # after the hand-over: liaison_b's credit
    assert _totals(NOV)[cast.liaison_a.pk] == (1, 0)  # a stays in a's denominator, not visited by a
    assert _totals(NOV)[cast.liaison_b.pk] == (2, 1)  # a and b, a visited
    # a visit before the hand-over counts for liaison_a only
    log(cast, who="liaison_a", visited_at=at(2026, 11, 14))
    assert _totals(NOV)[cast.liaison_a.pk] == (1, 1)
    assert _totals(NOV)[cast.liaison_b.pk] == (2, 1)
    rows = {r.key: r for r in coverage_by_liaison(actor=Actor.of(cast.desk), month=NOV)}
    assert rows[cast.liaison_b.pk].rate == 0.5
    assert rows[cast.deputy.pk].rate == 0.0


def test_the_hand_over_day_belongs_to_the_new_liaison(world: Cast) -> None:
    cast = world
    _hand_over(cast, date(2026, 11, 15))
    from qifu.core.errors import RuleViolation

    with pytest.raises(RuleViolation):
        log(cast, who="liaison_a", visited_at=at(2026, 11, 15))
    log(cast, who="liaison_b", visited_at=at(2026, 11, 15))
    assert _totals(NOV)[cast.liaison_b.pk] == (2, 1)
    assert _totals(NOV)[cast.liaison_a.pk] == (1, 0)


def test_rollups_kept_on_write_equal_a_rebuild(world: Cast) -> None:
    cast = world
    _hand_over(cast, date(2026, 11, 15))
    log(cast, who="liaison_a", visited_at=at(2026, 11, 3))
    log(cast, who="liaison_b", visited_at=at(2026, 11, 16))
    log(cast, who="liaison_b", enterprise=cast.b, visited_at=at(2026, 11, 5))
    log(cast, who="liaison_b", enterprise=cast.b, visited_at=at(2026, 11, 6), requested=True)
    log(cast, who="deputy", enterprise=cast.c, visited_at=at(2026, 10, 30))
    written = (_cells(NOV), _totals(NOV), _cells(OCT), _totals(OCT))
    coverage_rebuild(NOV)
    coverage_rebuild(OCT)
    assert (_cells(NOV), _totals(NOV), _cells(OCT), _totals(OCT)) == written
    assert _totals(NOV)[cast.liaison_b.pk] == (2, 2)


def test_department_coverage_sums_its_liaisons(world: Cast) -> None:
    cast = world
    log(cast, who="liaison_a", visited_at=at(2026, 11, 3))
    rows = {r.key: r for r in coverage_by_department(actor=Actor.of(cast.leader), month=NOV)}
    jfj, kjj = cast.liaison_a.department_id, cast.liaison_b.department_id
    assert (rows[jfj].linked, rows[jfj].visited) == (1, 1)
    assert (rows[kjj].linked, rows[kjj].visited) == (1, 0)
    assert (rows[None].linked, rows[None].visited) == (1, 0)  # the deputy, no department
    total = coverage_total(actor=Actor.of(cast.desk), month=NOV)
    assert (total.linked, total.visited) == (3, 1)


def test_coverage_visibility(world: Cast) -> None:
    cast = world
    log(cast, who="liaison_a", visited_at=at(2026, 11, 3))
    mine = coverage_by_liaison(actor=Actor.of(cast.liaison_a), month=NOV)
    assert [r.key for r in mine] == [cast.liaison_a.pk]
    dept = coverage_by_liaison(actor=Actor.of(cast.kjj_head), month=NOV)
    assert [r.key for r in dept] == [cast.liaison_b.pk]
    for user in (cast.ent_a, cast.sysadmin, cast.auditor):
        assert coverage_by_liaison(actor=Actor.of(user), month=NOV) == []
        assert coverage_by_department(actor=Actor.of(user), month=NOV) == []
    assert len(coverage_by_liaison(actor=Actor.of(cast.desk), month=NOV)) == 3


def test_a_month_without_rollups_is_built_on_first_read(world: Cast) -> None:
    cast = world
    assert not m.CoverageTotal.objects.filter(month=OCT).exists()
    rows = coverage_by_liaison(actor=Actor.of(cast.desk), month=OCT)
    assert {r.key: (r.linked, r.visited) for r in rows} == {
        cast.liaison_a.pk: (1, 0),
        cast.liaison_b.pk: (1, 0),
        cast.deputy.pk: (1, 0),
    }


def test_plan_done_due_overdue(world: Cast) -> None:
    cast = world
    _hand_over(cast, date(2026, 11, 15))
    log(cast, who="liaison_b", enterprise=cast.b, visited_at=at(2026, 11, 5))
    plan = visit_plan(actor=Actor.of(cast.liaison_b), month=NOV, today=date(2026, 11, 20))
    status = {r.enterprise.pk: r.status for r in plan.rows}
    assert status == {cast.a.pk: "due", cast.b.pk: "done"}
    past = visit_plan(actor=Actor.of(cast.liaison_b), month=OCT, today=date(2026, 11, 20))
    assert {r.enterprise.pk: r.status for r in past.rows} == {cast.b.pk: "overdue"}
    handed = visit_plan(actor=Actor.of(cast.liaison_a), month=NOV, today=date(2026, 11, 20))
    (row,) = handed.rows
    assert row.linked_until == date(2026, 11, 15)
    # a visit by the new liaison does not make it done for the old one
    log(cast, who="liaison_b", visited_at=at(2026, 11, 16))
    again = visit_plan(actor=Actor.of(cast.liaison_a), month=NOV, today=date(2026, 11, 20))
    assert again.rows[0].status == "due"
    assert plan.counts == {"done": 1, "due": 1, "overdue": 0}


def test_plan_visibility(world: Cast) -> None:
    cast = world
    assert visit_plan(actor=Actor.of(cast.desk), month=NOV, liaison_id=cast.liaison_a.pk).liaison == cast.liaison_a
    assert visit_plan(actor=Actor.of(cast.jfj_head), month=NOV, liaison_id=cast.liaison_a.pk).rows
    for user in (cast.liaison_b, cast.kjj_head, cast.ent_a, cast.jfj_handler):
        with pytest.raises(NotFound):
            visit_plan(actor=Actor.of(user), month=NOV, liaison_id=cast.liaison_a.pk)
        with pytest.raises(NotFound):
            visit_plan(actor=Actor.of(user), month=NOV, liaison=cast.liaison_a)  # a loaded user: same rule
    assert visit_plan(actor=Actor.of(cast.desk), month=NOV, liaison=cast.liaison_a).rows
    with pytest.raises(NotFound):
        visit_plan(actor=Actor.of(cast.desk), month=NOV, liaison=cast.jfj_handler)  # not a liaison


def test_plan_queries_are_bounded(world: Cast, django_assert_max_num_queries: Any) -> None:
    cast = world
    for day in (3, 4):
        log(cast, visited_at=at(2026, 11, day), requested=True)
    with django_assert_max_num_queries(3):
        visit_plan(actor=Actor.of(cast.liaison_a), month=NOV)
