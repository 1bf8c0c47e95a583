"""Closing an alert: the state machine as data, refusals with their codes and nothing changed."""

import pytest

from qifu.alerts.errors import AlertErrorCode
from qifu.alerts.models import Alert, AlertState
from qifu.alerts.services import alert_act, alerts_scan
from qifu.alerts.states import ACTIONS, TRANSITIONS
from qifu.alerts.tests.conftest import TODAY
from qifu.audit.models import AuditEntry
from qifu.core.errors import QifuError


@pytest.fixture
def alert(cast) -> Alert:
    alerts_scan(today=TODAY)  # the cast's late 开工 milestone of project_a (liaison_a)
    return Alert.objects.get()


def _snapshot(alert: Alert) -> tuple[object, ...]:
    alert.refresh_from_db()
    return (alert.state, alert.closed_at, alert.closed_by_id, alert.close_note, AuditEntry.objects.count())


@pytest.mark.parametrize("state", list(AlertState.values))
@pytest.mark.parametrize("action", ACTIONS)
def test_transition_table_is_exactly_open_to_closed(state, action):
    expected = {"done": AlertState.DONE, "dismiss": AlertState.DISMISSED}[action] if state == "open" else None
    assert TRANSITIONS.get((state, action)) == expected


def test_liaison_marks_done_with_a_note(cast, alert):
    # when
    done = alert_act(actor=cast.actor(cast.liaison_a), alert=alert, action="done", note=" 已走访 ")

    # then
    assert done.state == AlertState.DONE and done.close_note == "已走访"
    assert done.closed_by_id == cast.liaison_a.pk and done.closed_at is not None
    assert AuditEntry.objects.filter(action="alert_done").count() == 1


def test_desk_dismisses_with_a_reason(cast, alert):
    dismissed = alert_act(actor=cast.actor(cast.desk), alert=alert, action="dismiss", note="企业已停产清算")
    assert dismissed.state == AlertState.DISMISSED


@pytest.mark.parametrize(
    ("who", "action", "note", "code"),
    [
        ("liaison_a", "dismiss", "  ", AlertErrorCode.NOTE_REQUIRED),
        ("leader", "done", "看过了", AlertErrorCode.ACTION_FORBIDDEN),
        ("liaison_a", "reopen", "", AlertErrorCode.BAD_ACTION),
        ("liaison_b", "done", "", "not_found"),
    ],
    ids=["dismiss_without_reason_case", "leader_case", "unknown_action_case", "other_liaison_case"],
)
def test_refusals_change_nothing(cast, alert, who, action, note, code):
    # given
    before = _snapshot(alert)

    # when
    with pytest.raises(QifuError) as exc:
        alert_act(actor=cast.actor(getattr(cast, who)), alert=alert, action=action, note=note)

    # then
    assert exc.value.code == code
    assert _snapshot(alert) == before


@pytest.mark.parametrize("first", ["done", "dismiss"])
@pytest.mark.parametrize("second", ["done", "dismiss"])
def test_closed_alert_refuses_every_action_409(cast, alert, first, second):
    # given
    alert_act(actor=cast.actor(cast.liaison_a), alert=alert, action=first, note="已处理")
    before = _snapshot(alert)

    # when
    with pytest.raises(QifuError) as exc:
        alert_act(actor=cast.actor(cast.desk), alert=alert, action=second, note="再次")

    # then
    assert exc.value.code == AlertErrorCode.ILLEGAL_TRANSITION and exc.value.http_status == 409
    assert _snapshot(alert) == before
