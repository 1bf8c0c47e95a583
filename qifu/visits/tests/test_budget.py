"""无事不扰: every contact counted per calendar month, joint visits once, requested ones not at all;
the enterprise's own budget; contacts from meetings; quiet periods; the desk's most contacted list
and the merge of planned visits."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.conftest import Cast
from qifu.core.errors import NotFound, PermissionDenied, RuleViolation
from qifu.visits import models as m
from qifu.visits.contacts import budget_status, contact_months_rebuild, contact_record, contact_remove
from qifu.visits.selectors import enterprise_budget, most_contacted, planned_visit_list
from qifu.visits.services import (
    planned_visit_create,
    planned_visits_merge,
    preference_set,
    quiet_period_add,
    quiet_period_remove,
)
from qifu.visits.tests.domain_helpers import at, backdate_links, log

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


@pytest.fixture
def world(cast: Cast) -> Cast:
    backdate_links()
    return cast


def test_a_joint_visit_counts_once_and_requested_ones_not_at_all(world: Cast) -> None:
    cast = world
    log(cast, participant_ids=[cast.kjj_handler.pk, cast.jfj_handler.pk, cast.deputy.pk], kind="joint")
    log(cast, visited_at=at(2026, 11, 12), requested=True)
    log(cast, visited_at=at(2026, 11, 13), requested=True)
    status = budget_status(cast.a, date(2026, 11, 20))
    assert (status.used, status.budget, status.over) == (1, 2, False)
    assert m.Contact.objects.filter(enterprise=cast.a).count() == 3
    row = m.ContactMonth.objects.get(enterprise=cast.a, month=NOV)
    assert (row.total, row.counted) == (3, 1)
    assert contact_months_rebuild(NOV) == 1
    row = m.ContactMonth.objects.get(enterprise=cast.a, month=NOV)
    assert (row.total, row.counted) == (3, 1)
    # the next month starts afresh
    assert budget_status(cast.a, date(2026, 12, 1)).used == 0


def test_meeting_contacts_count_and_record_is_idempotent(world: Cast) -> None:
    cast = world
    first = contact_record(enterprise=cast.a, on=date(2026, 11, 3), kind="meeting", source="meeting", source_id=7)
    again = contact_record(enterprise=cast.a, on=date(2026, 11, 3), kind="meeting", source="meeting", source_id=7)
    assert first.pk == again.pk
    contact_record(enterprise=cast.a, on=date(2026, 11, 4), kind="event", source="event", source_id=7)
    assert budget_status(cast.a, date(2026, 11, 5)).used == 2
    with pytest.raises(RuleViolation) as exc:
        log(cast)
    assert exc.value.code == "over_budget_reason_required"
    assert contact_remove(source="event", source_id=7, enterprise=cast.a)
    assert not contact_remove(source="event", source_id=7, enterprise=cast.a)
    assert budget_status(cast.a, date(2026, 11, 5)).used == 1
    assert log(cast).pk


def test_the_enterprise_sets_its_budget_and_channel(world: Cast) -> None:
    cast = world
    preference_set(actor=Actor.of(cast.ent_a), enterprise=cast.a, monthly_budget=0, preferred_channel="phone")
    assert budget_status(cast.a, date(2026, 11, 5)).over  # 0: every visit needs a reason
    with pytest.raises(RuleViolation) as exc:
        log(cast)
    assert exc.value.code == "over_budget_reason_required"
    with pytest.raises(NotFound):
        preference_set(actor=Actor.of(cast.ent_b), enterprise=cast.a, monthly_budget=5)
    with pytest.raises(PermissionDenied):
        preference_set(actor=Actor.of(cast.liaison_a), enterprise=cast.a, monthly_budget=5)
    with pytest.raises(RuleViolation):
        preference_set(actor=Actor.of(cast.ent_a), enterprise=cast.a, preferred_channel="pigeon")
    preference_set(actor=Actor.of(cast.desk), enterprise=cast.a, clear_budget=True)
    info = enterprise_budget(actor=Actor.of(cast.ent_a), uscc=cast.a.uscc, on=date(2026, 11, 5))
    assert (info.own_budget, info.status.budget, info.preferred_channel) == (None, 2, "phone")
    with pytest.raises(NotFound):
        enterprise_budget(actor=Actor.of(cast.ent_b), uscc=cast.a.uscc)


def test_quiet_periods_rules(world: Cast) -> None:
    cast = world
    today = timezone.localdate()
    ent = Actor.of(cast.ent_a)
    with pytest.raises(RuleViolation) as exc:
        quiet_period_add(actor=ent, enterprise=cast.a, starts_on=today, ends_on=today - timedelta(days=1))
    assert exc.value.code == "invalid_period"
    with pytest.raises(RuleViolation) as exc:
        quiet_period_add(actor=ent, enterprise=cast.a, starts_on=today, ends_on=today + timedelta(days=200))
    assert exc.value.code == "period_too_long"
    with pytest.raises(NotFound):
        quiet_period_add(actor=Actor.of(cast.ent_b), enterprise=cast.a, starts_on=today, ends_on=today)
    period = quiet_period_add(actor=ent, enterprise=cast.a, starts_on=today, ends_on=today + timedelta(days=3))
    assert budget_status(cast.a, today).quiet == period
    quiet_period_remove(actor=Actor.of(cast.desk), period=period)
    assert budget_status(cast.a, today).quiet is None


def test_most_contacted_for_the_desk(world: Cast) -> None:
    cast = world
    log(cast, visited_at=at(2026, 11, 2))
    log(cast, visited_at=at(2026, 11, 3))
    log(cast, who="liaison_b", enterprise=cast.b, visited_at=at(2026, 11, 3))
    log(cast, who="deputy", enterprise=cast.c, visited_at=at(2026, 11, 3), requested=True)
    rows = most_contacted(actor=Actor.of(cast.desk), month=NOV)
    assert [(r.enterprise.pk, r.counted, r.budget) for r in rows] == [(cast.a.pk, 2, 2), (cast.b.pk, 1, 2)]
    assert most_contacted(actor=Actor.of(cast.liaison_a), month=NOV) == []
    # the page also lists the enterprises contacted only at their request, last
    rows = most_contacted(actor=Actor.of(cast.desk), month=NOV, uncounted=True)
    assert [(r.enterprise.pk, r.counted, r.total) for r in rows][-1] == (cast.c.pk, 0, 1)
    assert rows[0].full and not rows[0].over and rows[0].quiet is None


def test_the_desk_merges_planned_visits_into_one_joint_visit(world: Cast) -> None:
    cast = world
    day = timezone.localdate() + timedelta(days=3)
    p1 = planned_visit_create(actor=Actor.of(cast.liaison_a), enterprise=cast.a, planned_on=day, purpose="了解订单")
    p2 = planned_visit_create(actor=Actor.of(cast.kjj_handler), enterprise=cast.a, planned_on=day, purpose="科技申报")
    other = planned_visit_create(actor=Actor.of(cast.liaison_b), enterprise=cast.b, planned_on=day)
    with pytest.raises(PermissionDenied):
        planned_visits_merge(actor=Actor.of(cast.liaison_a), ids=[p1.pk, p2.pk])
    with pytest.raises(RuleViolation) as exc:
        planned_visits_merge(actor=Actor.of(cast.desk), ids=[p1.pk, other.pk])
    assert exc.value.code == "different_enterprises"
    with pytest.raises(RuleViolation):
        planned_visits_merge(actor=Actor.of(cast.desk), ids=[p1.pk])
    joint = planned_visits_merge(actor=Actor.of(cast.desk), ids=[p1.pk, p2.pk])
    assert joint.joint and joint.state == m.PlanState.PLANNED
    assert "了解订单" in joint.purpose and "科技申报" in joint.purpose
    for p in (p1, p2):
        p.refresh_from_db()
        assert (p.state, p.merged_into_id) == (m.PlanState.MERGED, joint.pk)
    planned = planned_visit_list(actor=Actor.of(cast.desk))
    assert set(planned) == {joint, other}
    with pytest.raises(RuleViolation) as exc:
        planned_visits_merge(actor=Actor.of(cast.desk), ids=[p1.pk, p2.pk])
    assert exc.value.code == "invalid_state"
    # logging the joint visit marks it (and the merged ones) done
    visit = log(cast, planned=joint, participant_ids=[cast.kjj_handler.pk])
    joint.refresh_from_db()
    p2.refresh_from_db()
    assert (joint.state, joint.visit_id, p2.visit_id) == (m.PlanState.DONE, visit.pk, visit.pk)
