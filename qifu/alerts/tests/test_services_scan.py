"""The scan (issue 6 item 3): each trigger at its boundary, de-duplication, the assignee, notices."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from qifu.alerts.models import Alert, AlertKind, AlertState
from qifu.alerts.services import _insert, alert_act, alert_due_on, alert_get_or_create, alerts_scan
from qifu.alerts.tests.conftest import TODAY, set_rules
from qifu.audit.models import AuditEntry
from qifu.notify.models import Notification
from qifu.projects.services import milestone_set
from qifu.servicelists.services import evaluate_month
from qifu.servicelists.tests.conftest import set_rule, write_revenue
from qifu.workcal.calendar import zone_calendar

START_PLANNED = date(2026, 3, 1)  # the cast's project_a 开工 milestone, planned and not done


def _alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind).order_by("id"))


# --- milestones ----------------------------------------------------------------------------------


def test_milestone_past_its_plan_raises_one_alert_for_the_liaison(cast):
    # when
    result = alerts_scan(today=START_PLANNED + timedelta(days=1))

    # then
    [alert] = _alerts(AlertKind.MILESTONE)
    assert alert.project_id == cast.project_a.pk and alert.enterprise_id == cast.a.pk
    assert alert.liaison_id == cast.liaison_a.pk
    assert alert.state == AlertState.OPEN and alert.period == "2026-03-01"
    assert alert.due_on == zone_calendar().add_workdays(START_PLANNED + timedelta(days=1), 5)
    assert "甲电子新厂房" in alert.message and "开工" in alert.message
    assert result.created[AlertKind.MILESTONE] == 1


def test_milestone_on_its_planned_day_is_not_late_yet(cast):
    # when the scan runs on the planned day itself
    result = alerts_scan(today=START_PLANNED)

    # then
    assert not Alert.objects.exists()
    assert result.found[AlertKind.MILESTONE] == 0


def test_milestone_done_raises_nothing(cast):
    # given
    milestone_set(
        actor=cast.actor(cast.desk), project=cast.project_a, kind="start", planned_on=START_PLANNED,
        actual_on=date(2026, 3, 20),
    )  # fmt: skip

    # when
    alerts_scan(today=TODAY)

    # then
    assert not Alert.objects.exists()


def test_scan_twice_creates_nothing_new(cast):
    # given
    alerts_scan(today=TODAY)
    audits = AuditEntry.objects.count()

    # when
    again = alerts_scan(today=TODAY + timedelta(days=1))

    # then
    assert Alert.objects.count() == 1
    assert sum(again.created.values()) == 0 and again.still_open == 1
    assert AuditEntry.objects.count() == audits  # a scan that raises nothing leaves no record


def test_closed_alert_is_not_raised_again_for_the_same_plan_date(cast):
    # given the liaison visited and closed the alert, the milestone still not done
    alerts_scan(today=TODAY)
    [alert] = _alerts(AlertKind.MILESTONE)
    alert_act(actor=cast.actor(cast.liaison_a), alert=alert, action="done", note="已走访")

    # when
    again = alerts_scan(today=TODAY + timedelta(days=7))

    # then
    assert Alert.objects.count() == 1
    assert again.closed_before == 1 and sum(again.created.values()) == 0


def test_replanned_milestone_that_slips_again_raises_a_new_alert_once_the_old_is_closed(cast):
    # given an alert for the first plan date, closed; the milestone re-planned
    alerts_scan(today=TODAY)
    [first] = _alerts(AlertKind.MILESTONE)
    alert_act(actor=cast.actor(cast.liaison_a), alert=first, action="dismiss", note="已调整计划")
    milestone_set(actor=cast.actor(cast.desk), project=cast.project_a, kind="start", planned_on=date(2026, 10, 20))

    # when the new plan date passes
    alerts_scan(today=date(2026, 10, 21))

    # then
    second = _alerts(AlertKind.MILESTONE)[-1]
    assert second.pk != first.pk and second.period == "2026-10-20" and second.is_open


def test_replanned_milestone_while_the_alert_is_open_gets_no_duplicate(cast):
    # given an open alert, then a new plan date that also passes
    alerts_scan(today=TODAY)
    milestone_set(actor=cast.actor(cast.desk), project=cast.project_a, kind="start", planned_on=date(2026, 10, 20))

    # when
    result = alerts_scan(today=date(2026, 10, 21))

    # then
    assert Alert.objects.filter(kind=AlertKind.MILESTONE).count() == 1
    assert result.still_open == 1


# --- indicators ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [("lte", {"a", "orphan"}), ("lt", {"orphan"})],
    ids=["lte_at_threshold_case", "lt_at_threshold_case"],
)
def test_indicator_threshold_boundary(cast, revenue_world, orphan, comparison, expected):
    # given revenue yoy: A exactly -30%, C -29.9%, B missing, the orphan -50%
    set_rules(cast, ("revenue_yoy", comparison, "-0.3"))

    # when
    alerts_scan(today=TODAY)

    # then
    names = {cast.a.pk: "a", cast.b.pk: "b", cast.c.pk: "c", orphan.pk: "orphan"}
    raised = {names[a.enterprise_id] for a in _alerts(AlertKind.INDICATOR)}
    assert raised == expected  # B (missing figure) and C (above the threshold) never


def test_indicator_alert_facts_message_and_key(cast, revenue_world):
    # given
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))

    # when
    alerts_scan(today=TODAY)

    # then
    alert = Alert.objects.get(kind=AlertKind.INDICATOR, enterprise=cast.a)
    assert alert.subject == "revenue_yoy" and alert.period == "2026-09"
    assert alert.facts == {
        "month": "2026-09", "field": "revenue_yoy", "value": "-0.300000", "comparison": "lte",
        "threshold": "-0.300000",
    }  # fmt: skip
    assert "-30.0%" in alert.message and "营业收入同比" in alert.message
    assert alert.liaison_id == cast.liaison_a.pk


def test_inactive_rule_and_no_rule_raise_nothing(cast, revenue_world):
    # given
    from qifu.alerts.services import AlarmRuleInput, alarm_rules_set

    alarm_rules_set(actor=cast.actor(cast.desk), rules=[AlarmRuleInput("revenue_yoy", "lte", "-0.3", False)])

    # when
    alerts_scan(today=TODAY)

    # then
    assert not Alert.objects.filter(kind=AlertKind.INDICATOR).exists()


def test_enterprise_without_liaison_goes_to_the_desk_and_tells_nobody(cast, revenue_world, orphan):
    # given
    set_rules(cast, ("revenue_yoy", "lte", "-0.4"))

    # when
    result = alerts_scan(today=TODAY)

    # then
    alert = Alert.objects.get(kind=AlertKind.INDICATOR)
    assert alert.enterprise_id == orphan.pk and alert.liaison_id is None
    assert result.notified == 1  # the milestone's liaison only
    assert not Notification.objects.filter(kind="alert_raised").exclude(recipient=cast.liaison_a).exists()


def test_one_notification_per_liaison_per_scan(cast, revenue_world):
    # given A has an indicator alert and a milestone alert, both for liaison_a
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))

    # when
    alerts_scan(today=TODAY)
    alerts_scan(today=TODAY)

    # then
    [notice] = Notification.objects.filter(kind="alert_raised", recipient=cast.liaison_a)
    assert "2" in notice.title and notice.url == "/alerts/"


def test_no_indicators_at_all_raises_no_indicator_alert(cast):
    # given thresholds but no figures
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))

    # when
    result = alerts_scan(today=TODAY)

    # then
    assert result.indicators is None and result.found[AlertKind.INDICATOR] == 0


# --- entering 显著下滑 ---------------------------------------------------------------------------

SEP, AUG, OCT = date(2026, 9, 1), date(2026, 8, 1), date(2026, 10, 1)


@pytest.fixture
def declining(cast):
    """A down 50% in Sep only (enters in Sep); B down in Aug and Sep (stays); C flat."""
    write_revenue(
        cast,
        [
            *((e, m, 100) for e in (cast.a, cast.b, cast.c) for m in (date(2025, 8, 1), date(2025, 9, 1))),
            (cast.a, AUG, 100), (cast.a, SEP, 50), (cast.b, AUG, 70), (cast.b, SEP, 60),
            (cast.c, AUG, 100), (cast.c, SEP, 100),
        ],
    )  # fmt: skip
    set_rule(cast, "declining", {"field": "revenue_yoy", "op": "le", "value": -0.2})
    evaluate_month(month=AUG)
    evaluate_month(month=SEP)
    return cast


def test_entering_declining_raises_one_alert(cast, declining):
    # when
    alerts_scan(today=TODAY)

    # then only A entered (B was already a member in August)
    [alert] = _alerts(AlertKind.DECLINING)
    assert alert.enterprise_id == cast.a.pk and alert.period == "2026-09"
    assert alert.liaison_id == cast.liaison_a.pk and "显著下滑" in alert.message


def test_still_declining_next_month_raises_nothing_closed_or_not(cast, declining):
    # given A's alert for September, closed
    alerts_scan(today=TODAY)
    [alert] = _alerts(AlertKind.DECLINING)
    alert_act(actor=cast.actor(cast.liaison_a), alert=alert, action="done", note="已走访")
    # A still down in October: a member again, not entering
    write_revenue(cast, [(cast.a, date(2025, 10, 1), 100), (cast.a, OCT, 40)])
    evaluate_month(month=OCT)

    # when
    result = alerts_scan(today=date(2026, 11, 10))

    # then
    assert len(_alerts(AlertKind.DECLINING)) == 1
    assert result.found[AlertKind.DECLINING] == 0


def test_first_snapshot_counts_every_member_as_entering(cast):
    # given only one snapshot
    write_revenue(cast, [(cast.b, date(2025, 9, 1), 100), (cast.b, SEP, 60)])
    set_rule(cast, "declining", {"field": "revenue_yoy", "op": "le", "value": -0.2})
    evaluate_month(month=SEP)

    # when
    alerts_scan(today=TODAY)

    # then
    [alert] = _alerts(AlertKind.DECLINING)
    assert alert.enterprise_id == cast.b.pk and alert.liaison_id == cast.liaison_b.pk


# --- the database's de-dup rules and the race ---------------------------------------------------


def _row(alert: Alert, **changes: object) -> Alert:
    fields = {
        f.name: getattr(alert, f.name)
        for f in Alert._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    }
    return Alert(**{**fields, **changes})


def test_database_refuses_a_second_open_alert_with_the_same_key(cast):
    # given
    alerts_scan(today=TODAY)
    alert = Alert.objects.get()

    # when / then: another period, same key, both open
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(alert, period="2026-04-01").save()


def test_database_refuses_the_same_period_twice_even_when_closed(cast):
    # given
    alerts_scan(today=TODAY)
    alert = Alert.objects.get()
    alert_act(actor=cast.actor(cast.desk), alert=alert, action="done", note="")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(Alert.objects.get(), state=AlertState.OPEN, closed_at=None).save()


def test_concurrent_creation_leaves_one_row(cast):
    # given a scan that committed its alert while another had already decided to insert it
    alerts_scan(today=TODAY)
    winner = Alert.objects.get()
    loser = _row(winner)

    # when the loser inserts (get-or-create inside a savepoint)
    found, created = alert_get_or_create(loser)

    # then
    assert (found.pk, created) == (winner.pk, False)
    assert Alert.objects.count() == 1


def test_batch_insert_that_meets_the_constraint_keeps_the_rest(cast, orphan):
    # given one alert in the database, and a batch holding its twin and a new alert
    alerts_scan(today=TODAY)
    winner = Alert.objects.get()
    fresh = _row(winner, key="milestone|x|y|z", subject="z")

    # when
    created = _insert([_row(winner), fresh])

    # then
    assert [a.key for a in created] == ["milestone|x|y|z"]
    assert Alert.objects.count() == 2


def test_due_on_skips_the_weekend(db):
    # Friday 2026-10-16 + 5 working days = Friday 2026-10-23
    assert alert_due_on(date(2026, 10, 16)) == date(2026, 10, 23)


def test_scan_audits_what_it_raised_unless_told_not_to(cast):
    # when the seed's scan (audit=False) raises the milestone alert
    alerts_scan(today=TODAY, audit=False)

    # then
    assert Alert.objects.count() == 1
    assert not AuditEntry.objects.filter(action="alerts_scan").exists()


def test_scan_audit_record_counts_what_was_raised(cast):
    alerts_scan(today=TODAY)
    entry = AuditEntry.objects.get(action="alerts_scan")
    assert entry.changes["created"]["milestone"] == 1
