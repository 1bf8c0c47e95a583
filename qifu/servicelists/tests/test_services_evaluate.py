"""The monthly evaluation: consecutive months, manual overrides, idempotence, bad rules."""

from collections.abc import Callable
from datetime import date

import pytest

from qifu.audit.models import AuditEntry
from qifu.conftest import Cast
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.reference.models import ServiceList
from qifu.servicelists.models import ListOverride, ListRule, Membership, MembershipSource
from qifu.servicelists.services import (
    RuleInput,
    evaluate_month,
    list_override_add,
    list_override_withdraw,
    list_rule_set,
)
from qifu.servicelists.tests.conftest import DECLINING, M1, M, set_rule

pytestmark = pytest.mark.django_db


def members(month: date, code: str = "declining") -> dict[str, tuple[str, str]]:
    rows = Membership.objects.filter(month=month, service_list__code=code).select_related("enterprise")
    return {m.enterprise.name: (m.source, m.reason) for m in rows}


def test_two_consecutive_months_true_in_m_but_not_before_is_not_a_member(declining_world: Callable[[int], Cast]):
    # given: A is down 50% in M but flat in M−1; B down in both
    cast = declining_world(2)
    # when
    result = evaluate_month(month=M)
    # then
    assert set(members(M)) == {cast.b.name}
    assert result.lists["declining"].members == 1
    reason = members(M)[cast.b.name][1]
    assert reason.startswith("连续2个月满足规则") and "-40%" in reason and "✓" in reason


def test_one_month_rule_takes_everyone_true_in_m(declining_world: Callable[[int], Cast]):
    cast = declining_world(1)
    evaluate_month(month=M)
    assert set(members(M)) == {cast.a.name, cast.b.name}


def test_unknown_data_is_not_membership(declining_world: Callable[[int], Cast]):
    # given: the rule reads electricity, which nobody reported
    cast = declining_world(1)
    set_rule(cast, "declining", {"field": "electricity_yoy", "op": "le", "value": -0.3})
    evaluate_month(month=M)
    assert members(M) == {}


def test_a_second_run_writes_nothing_and_keeps_the_rows(declining_world: Callable[[int], Cast]):
    declining_world(2)
    evaluate_month(month=M)
    before = list(Membership.objects.filter(month=M).values_list("pk", "service_list_id", "enterprise_id", "reason"))
    # when
    again = evaluate_month(month=M)
    # then
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert AuditEntry.objects.filter(action="list_evaluate", object_id="2026-09").count() == 2
    assert list(Membership.objects.filter(month=M).values_list("pk", "service_list_id", "enterprise_id", "reason")) == (
        before
    )


def test_history_is_kept_and_movements_are_counted(declining_world: Callable[[int], Cast]):
    cast = declining_world(1)
    evaluate_month(month=M1)  # B alone (A and C flat in M−1)
    result = evaluate_month(month=M)  # A enters, B stays
    assert set(members(M1)) == {cast.b.name}
    assert set(members(M)) == {cast.a.name, cast.b.name}
    assert result.previous == M1
    assert (result.lists["declining"].entered, result.lists["declining"].left) == (1, 0)


def test_manual_add_and_remove_survive_re_evaluation_until_withdrawn(declining_world: Callable[[int], Cast]):
    # given: B is on by the rule, C is not
    cast = declining_world(2)
    desk = cast.actor(cast.desk)
    declining = ServiceList.objects.get(code="declining")
    evaluate_month(month=M)
    # when: the desk adds C and removes B
    add = list_override_add(
        actor=desk, service_list=declining, enterprise=cast.c, action="add", reason="订单骤减，企业主动求助"
    )
    remove = list_override_add(
        actor=desk, service_list=declining, enterprise=cast.b, action="remove", reason="已转产，数据口径变化"
    )
    # then: the current snapshot changed at once, and again after a re-evaluation
    assert members(M) == {cast.c.name: (MembershipSource.MANUAL, "订单骤减，企业主动求助")}
    evaluate_month(month=M)
    assert members(M) == {cast.c.name: (MembershipSource.MANUAL, "订单骤减，企业主动求助")}
    # when: both are withdrawn, the rule decides again
    list_override_withdraw(actor=desk, override=add)
    list_override_withdraw(actor=desk, override=remove)
    evaluate_month(month=M)
    assert set(members(M)) == {cast.b.name}
    assert members(M)[cast.b.name][0] == MembershipSource.RULE
    assert AuditEntry.objects.filter(action__in=["list_override_add", "list_override_remove"]).count() == 2
    assert AuditEntry.objects.filter(action="list_override_withdraw").count() == 2


def test_an_override_needs_a_reason_the_right_and_no_open_twin(cast: Cast):
    declining = ServiceList.objects.get(code="declining")
    desk = cast.actor(cast.desk)
    audits = AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as no_reason:
        list_override_add(actor=desk, service_list=declining, enterprise=cast.a, action="add", reason="  ")
    with pytest.raises(PermissionDenied) as liaison:
        list_override_add(
            actor=cast.actor(cast.liaison_a), service_list=declining, enterprise=cast.a, action="add", reason="x"
        )
    assert no_reason.value.code == "list_reason_required"
    assert liaison.value.code == "list_override_forbidden"
    assert not ListOverride.objects.exists() and AuditEntry.objects.count() == audits
    # the economic department may; a second open override on the same pair is a conflict
    list_override_add(
        actor=cast.actor(cast.jfj_handler), service_list=declining, enterprise=cast.a, action="add", reason="走访发现"
    )
    with pytest.raises(Conflict) as twin:
        list_override_add(actor=desk, service_list=declining, enterprise=cast.a, action="remove", reason="y")
    assert twin.value.code == "list_override_open"
    assert ListOverride.objects.count() == 1


BAD = {"all": [{"field": "revenue_yoy", "op": "above", "value": -0.2}, {"field": "nonsense", "op": "eq", "value": 1}]}


def test_a_bad_rule_is_refused_with_every_path_and_nothing_changes(cast: Cast):
    declining = ServiceList.objects.get(code="declining")
    rule = ListRule.objects.get(service_list=declining)
    before = (rule.conditions, rule.months, rule.updated_at)
    audits = AuditEntry.objects.count()
    # when
    with pytest.raises(RuleViolation) as refused:
        list_rule_set(
            actor=cast.actor(cast.desk),
            service_list=declining,
            data=RuleInput(BAD, 0, True, 15, True, False, False, ""),
        )
    # then
    assert refused.value.code == "list_rule_invalid"
    paths = [f["path"] for f in refused.value.data["faults"]]
    assert paths == ["conditions.all[0].op", "conditions.all[1].field", "months"]
    rule.refresh_from_db()
    assert (rule.conditions, rule.months, rule.updated_at) == before
    assert AuditEntry.objects.count() == audits


def test_only_the_desk_edits_rules_and_a_change_is_audited(cast: Cast):
    declining = ServiceList.objects.get(code="declining")
    data = RuleInput(DECLINING, 3, True, 10, True, True, True, "专人跟进")
    for user in (cast.leader, cast.jfj_head, cast.liaison_a, cast.ent_a):
        with pytest.raises(PermissionDenied) as denied:
            list_rule_set(actor=cast.actor(user), service_list=declining, data=data)
        assert denied.value.code == "list_rule_edit_forbidden"
    list_rule_set(actor=cast.actor(cast.desk), service_list=declining, data=data)
    rule = ListRule.objects.get(service_list=declining)
    assert (rule.conditions, rule.months, rule.visit_interval_days) == (DECLINING, 3, 10)
    entry = AuditEntry.objects.filter(action="list_rule_set").latest("id")
    assert entry.changes["after"]["months"] == 3 and entry.changes["before"]["months"] == 2


def test_an_inactive_rule_fills_its_list_with_manual_members_only(declining_world: Callable[[int], Cast]):
    cast = declining_world(1)
    set_rule(cast, "declining", DECLINING, active=False)
    evaluate_month(month=M)
    assert members(M) == {}


def test_a_future_month_is_refused_and_the_shipped_rules_parse(cast: Cast):
    with pytest.raises(RuleViolation) as future:
        evaluate_month(month=date(2999, 1, 1))
    assert future.value.code == "list_bad_month"
    assert set(ListRule.objects.values_list("service_list__code", flat=True)) == {
        "key_core",
        "fast_growing",
        "new_growth",
        "declining",
    }
    result = evaluate_month(month=M)  # every shipped rule parses and runs
    assert set(result.lists) == {"key_core", "fast_growing", "new_growth", "declining"}
