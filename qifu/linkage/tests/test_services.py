"""Linkage rules (PRODUCT.md §2.1): one open primary, history kept, only the desk manages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qifu.audit.models import AuditEntry
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.linkage.models import Linkage
from qifu.linkage.selectors import liaison_workload, my_enterprises
from qifu.linkage.services import (
    linkage_assign,
    linkage_bulk_assign,
    linkage_bulk_reassign,
    linkage_end,
    linkage_reassign,
    taskforce_add_member,
)


def _unchanged(before_links: int, before_audit: int) -> None:
    assert Linkage.objects.count() == before_links
    assert AuditEntry.objects.count() == before_audit


def test_assign_second_primary_is_refused_and_changes_nothing(cast):
    # given A already has a primary liaison
    links, audits = Linkage.objects.count(), AuditEntry.objects.count()
    # when the desk assigns another primary
    with pytest.raises(Conflict) as exc:
        linkage_assign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.liaison_b)
    # then
    assert exc.value.code == "linkage_primary_exists"
    _unchanged(links, audits)


def test_backup_liaison_can_be_added_and_sees_the_enterprise(cast):
    linkage_assign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.liaison_b, role="backup")
    assert cast.a in my_enterprises(actor=cast.actor(cast.liaison_b))
    cast.a.refresh_from_db()
    assert cast.a.primary_liaison == cast.liaison_a


@pytest.mark.parametrize("who", ["liaison_a", "leader", "jfj_head", "ent_a", "sysadmin"])
def test_only_the_desk_manages_linkage_case(cast, who):
    links, audits = Linkage.objects.count(), AuditEntry.objects.count()
    with pytest.raises(PermissionDenied) as exc:
        linkage_reassign(actor=cast.actor(getattr(cast, who)), enterprise=cast.a, liaison=cast.liaison_b, reason="调整")
    assert exc.value.code == "linkage_forbidden"
    _unchanged(links, audits)


@pytest.mark.parametrize("who", ["jfj_handler", "leader", "ent_a", "desk"])
def test_only_cadres_and_deputies_can_be_liaisons_case(cast, who):
    links, audits = Linkage.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as exc:
        linkage_reassign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=getattr(cast, who), reason="调整")
    assert exc.value.code == "linkage_not_a_liaison"
    _unchanged(links, audits)


def test_reassign_keeps_history_and_moves_visibility(cast):
    # when A is handed from liaison_a to liaison_b
    linkage_reassign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.liaison_b, reason="岗位调整")
    # then the old link is ended, not deleted, and the enterprise row follows
    old = Linkage.objects.get(enterprise=cast.a, liaison=cast.liaison_a, project__isnull=True)
    assert old.ended_on == timezone.localdate()
    assert old.reason == "岗位调整"
    cast.a.refresh_from_db()
    assert cast.a.primary_liaison == cast.liaison_b
    assert cast.a not in my_enterprises(actor=cast.actor(cast.liaison_a))
    assert cast.a in my_enterprises(actor=cast.actor(cast.liaison_b))
    assert AuditEntry.objects.filter(action="linkage_end", object_id=cast.a.uscc).exists()


def test_reassign_needs_a_reason(cast):
    links, audits = Linkage.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as exc:
        linkage_reassign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.liaison_b, reason="  ")
    assert exc.value.code == "linkage_reason_required"
    _unchanged(links, audits)


def test_reassign_to_the_same_liaison_is_refused(cast):
    with pytest.raises(Conflict) as exc:
        linkage_reassign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.liaison_a, reason="x")
    assert exc.value.code == "linkage_same_liaison"


def test_bulk_reassign_moves_all_primary_links(cast):
    # given liaison_a also has C
    desk = cast.actor(cast.desk)
    linkage_reassign(actor=desk, enterprise=cast.c, liaison=cast.liaison_a, reason="调整")
    # when everything of liaison_a goes to liaison_b
    moved = linkage_bulk_reassign(actor=desk, from_liaison=cast.liaison_a, to_liaison=cast.liaison_b, reason="退休")
    # then
    assert moved == 2
    assert set(my_enterprises(actor=cast.actor(cast.liaison_b))) == {cast.a, cast.b, cast.c}
    assert list(my_enterprises(actor=cast.actor(cast.liaison_a))) == []
    workload = {u.username: u.enterprise_count for u in liaison_workload(actor=desk)}
    assert workload["liaison_b"] == 3
    assert workload["liaison_a"] == 0


def test_bulk_assign_skips_linked_enterprises(cast):
    desk = cast.actor(cast.desk)
    link = Linkage.objects.get(enterprise=cast.c, role="primary", ended_on__isnull=True, project__isnull=True)
    linkage_end(actor=desk, linkage=link, reason="离任", ended_on=timezone.localdate() - timedelta(days=1))
    cast.c.refresh_from_db()
    assert cast.c.primary_liaison is None
    count = linkage_bulk_assign(actor=desk, liaison=cast.deputy, enterprises=[cast.a, cast.c])
    assert count == 1
    cast.c.refresh_from_db()
    assert cast.c.primary_liaison == cast.deputy


def test_ending_twice_is_refused(cast):
    desk = cast.actor(cast.desk)
    link = Linkage.objects.get(enterprise=cast.b, role="primary", ended_on__isnull=True)
    linkage_end(actor=desk, linkage=link)
    with pytest.raises(Conflict) as exc:
        linkage_end(actor=desk, linkage=link)
    assert exc.value.code == "linkage_not_open"


def test_task_force_members_must_be_staff_and_unique(cast):
    desk = cast.actor(cast.desk)
    with pytest.raises(RuleViolation):
        taskforce_add_member(actor=desk, task_force=cast.task_force_a, user=cast.ent_b)
    with pytest.raises(Conflict):
        taskforce_add_member(actor=desk, task_force=cast.task_force_a, user=cast.kjj_handler)
