"""IA-4: 5 failures lock a username for 30 minutes, whatever the client; the answer never tells."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.tests.support import STRONG, logged_in, login, make_user, normalised_body
from qifu.audit.models import AuditEntry, Outcome

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
WRONG = "Wr0ng!password"
CLIENTS = [
    pytest.param({"REMOTE_ADDR": "10.0.0.1", "HTTP_USER_AGENT": "Mozilla/5.0"}, id="same_client_case"),
    pytest.param({"REMOTE_ADDR": "10.9.8.7", "HTTP_USER_AGENT": "curl/8.0"}, id="other_ip_and_agent_case"),
    pytest.param(
        {"REMOTE_ADDR": "192.168.1.20", "HTTP_X_FORWARDED_FOR": "1.2.3.4", "HTTP_X_REAL_IP": "5.6.7.8"},
        id="spoofed_forwarding_headers_case",
    ),
]


def _fail(client: Client, username: str, times: int) -> None:
    for n in range(times):
        response = login(client, username, WRONG, REMOTE_ADDR=f"10.1.0.{n}", HTTP_USER_AGENT=f"agent-{n}")
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("headers", CLIENTS)
def test_five_failures_lock_the_account_for_30_minutes(settings, headers: dict[str, str]) -> None:
    # given alice, and 5 wrong passwords sent from 5 different addresses and agents
    assert settings.AXES_FAILURE_LIMIT == settings.QIFU_SECURITY["LOCKOUT_FAILURES"] == 5
    assert timedelta(minutes=settings.QIFU_SECURITY["LOCKOUT_MINUTES"]) == settings.AXES_COOLOFF_TIME
    make_user("alice", Role.CADRE, STRONG)
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        _fail(client, "alice", 5)
        # when the correct password comes from any client, within the 30 minutes
        traveller.shift(timedelta(minutes=29))
        locked = login(client, "alice", STRONG, **headers)
        locked_in = logged_in(client)
        # and again after the 30 minutes have passed
        traveller.shift(timedelta(minutes=2))
        unlocked = login(client, "alice", STRONG, **headers)
        unlocked_in = logged_in(client)
    # then it is refused while locked (with the generic page) and accepted afterwards
    assert locked.status_code == 200
    assert not locked_in
    assert unlocked.status_code == 302
    assert unlocked_in


@pytest.mark.django_db
def test_tries_during_the_lock_do_not_extend_it() -> None:
    # given alice locked by 5 failures from her own browser at T0
    make_user("alice", Role.CADRE, STRONG)
    same = {"REMOTE_ADDR": "10.0.0.1", "HTTP_USER_AGENT": "Mozilla/5.0"}
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        for _ in range(5):
            login(client, "alice", WRONG, **same)
        # when she keeps trying (right and wrong) from the same browser during the lock
        for minutes in (10, 10, 9):
            traveller.shift(timedelta(minutes=minutes))
            assert login(client, "alice", STRONG, **same).status_code == 200
            assert login(client, "alice", WRONG, **same).status_code == 200
        # then 30 minutes after the fifth failure she is let in
        traveller.shift(timedelta(minutes=1, seconds=1))
        response = login(client, "alice", STRONG, **same)
    assert response.status_code == 302


@pytest.mark.django_db
def test_four_failures_do_not_lock(settings) -> None:
    # given alice and 4 wrong passwords
    make_user("alice", Role.CADRE, STRONG)
    client = Client()
    _fail(client, "alice", 4)
    # when the right one follows
    response = login(client, "alice", STRONG)
    # then she is in, and the counter is reset
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_lock_is_per_normalised_username(settings) -> None:
    # given 5 failures spread over spellings of the same name
    make_user("alice", Role.CADRE, STRONG)
    client = Client()
    for spelling in ("alice", "ALICE", " Alice", "ａｌｉｃｅ", "aLiCe"):
        login(client, spelling, WRONG)
    # when the right password is sent
    response = login(client, "alice", STRONG)
    # then the account is locked: the spellings count as one username
    assert response.status_code == 200
    assert not logged_in(client)


@pytest.mark.django_db
def test_unknown_user_wrong_password_and_locked_answers_are_identical() -> None:
    # given alice exists and ghost does not
    make_user("alice", Role.CADRE, STRONG)
    client = Client()
    # when a wrong password is sent for each, and alice is then locked and tried with the right one
    wrong = login(client, "alice", WRONG)
    unknown = login(client, "ghost", WRONG)
    _fail(client, "alice", 4)
    locked = login(client, "alice", STRONG)
    # then status and body are the same, apart from CSRF tokens and the echoed username
    assert wrong.status_code == unknown.status_code == locked.status_code == 200
    assert normalised_body(wrong, "alice") == normalised_body(unknown, "ghost") == normalised_body(locked, "alice")
    assert "用户名或密码错误".encode() in wrong.content


@pytest.mark.django_db
def test_disabled_account_answer_is_identical_to_a_wrong_password() -> None:
    # given a disabled account with its correct password, and an enabled one with a wrong password
    make_user("alice", Role.CADRE, STRONG)
    bobby = make_user("bobby", Role.CADRE, STRONG)
    User.objects.filter(pk=bobby.pk).update(is_active=False)
    client = Client()
    # when both try to log in
    disabled = login(client, "bobby", STRONG)
    wrong = login(client, "alice", WRONG)
    # then the answers cannot be told apart
    assert disabled.status_code == wrong.status_code == 200
    assert normalised_body(disabled, "bobby") == normalised_body(wrong, "alice")


@pytest.mark.django_db
def test_sign_in_events_are_audited() -> None:
    # given alice
    alice = make_user("alice", Role.CADRE, STRONG)
    client = Client()
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # when she logs in, logs out, then fails 5 times
    login(client, "alice", STRONG, REMOTE_ADDR="10.2.3.4")
    client.post("/accounts/logout/")
    _fail(client, "alice", 5)
    # then login, logout, login_failed and account_locked are recorded with actor, outcome and IP
    entries = AuditEntry.objects.filter(id__gt=start).order_by("id")
    actions = [e.action for e in entries]
    assert actions[:2] == ["login", "logout"]
    assert actions.count("login_failed") == 5
    assert "account_locked" in actions
    first = entries.get(action="login")
    assert (first.actor_id, first.actor_role, first.outcome) == (alice.pk, Role.CADRE, Outcome.SUCCESS)
    assert first.ip == "10.2.3.4"
    failed = entries.filter(action="login_failed").first()
    assert failed is not None
    assert (failed.actor_username, failed.outcome) == ("alice", Outcome.FAILURE)
    assert WRONG not in str(list(entries.values()))
