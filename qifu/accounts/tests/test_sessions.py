"""IA-5: idle timeout (30 min, 15 for the three admins), absolute 12 h, fixation, logout."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client

from qifu.accounts.roles import Role
from qifu.accounts.services import token_authenticate, token_create, user_set_active
from qifu.accounts.tests.support import STRONG, logged_in, login, make_user
from qifu.audit.models import AuditEntry

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _cookie(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "limit_key"),
    [
        pytest.param(Role.CADRE, "SESSION_IDLE_MINUTES", id="staff_case"),
        pytest.param(Role.ENTERPRISE, "SESSION_IDLE_MINUTES", id="enterprise_case"),
        pytest.param(Role.SYSADMIN, "ADMIN_SESSION_IDLE_MINUTES", id="sysadmin_case"),
        pytest.param(Role.SECADMIN, "ADMIN_SESSION_IDLE_MINUTES", id="secadmin_case"),
        pytest.param(Role.AUDITOR, "ADMIN_SESSION_IDLE_MINUTES", id="auditor_case"),
    ],
)
def test_idle_timeout(settings, cast, role: str, limit_key: str) -> None:
    # given a user of the role, logged in at T0
    limit = timedelta(minutes=settings.QIFU_SECURITY[limit_key])
    assert limit == timedelta(minutes=15 if limit_key.startswith("ADMIN") else 30)
    user = next(u for u in cast.all_users.values() if u.role == role)
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        assert login(client, user.username, "Qf!test-Pass42").status_code == 302
        # when active just inside the limit, then idle just inside it again
        traveller.shift(limit - timedelta(minutes=1))
        still_in = logged_in(client)
        traveller.shift(limit - timedelta(minutes=1))
        still_in_after_activity = logged_in(client)
        # and then idle just beyond the limit
        traveller.shift(limit + timedelta(seconds=1))
        response = client.get("/")
    # then activity keeps the session; idleness ends it with a redirect to the login page
    assert still_in and still_in_after_activity
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not logged_in(client)


@pytest.mark.django_db
def test_absolute_limit_of_12_hours(settings) -> None:
    # given a user who stays active every 20 minutes from T0
    assert settings.QIFU_SECURITY["SESSION_ABSOLUTE_HOURS"] == 12
    make_user("alice", Role.CADRE, STRONG)
    with time_machine.travel(T0, tick=False) as traveller:
        client = Client()
        login(client, "alice", STRONG)
        alive = []
        for _ in range(12 * 3):  # up to T0 + 12 h
            traveller.shift(timedelta(minutes=20))
            alive.append(logged_in(client))
        # when one more request comes after the 12 hours
        traveller.shift(timedelta(minutes=1))
        response = client.get("/healthz")
    # then the session lived through the day and ends at the absolute limit, audited as a timeout
    assert all(alive)
    assert response.status_code == 302
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="session_timeout").count() == 1


@pytest.mark.django_db
def test_session_key_changes_at_login() -> None:
    # given an anonymous session that holds a key
    make_user("alice", Role.CADRE, STRONG)
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = str(session.session_key)
    before = session.session_key
    # when the user logs in
    login(client, "alice", STRONG)
    # then the session key is a new one and the old one is gone (fixation)
    assert _cookie(client) != before
    assert not Session.objects.filter(session_key=before).exists()
    assert logged_in(client)


@pytest.mark.django_db
def test_logout_kills_the_session_and_cookie_replay_fails() -> None:
    # given a logged-in user and a copy of the session cookie
    make_user("alice", Role.CADRE, STRONG)
    client = Client()
    login(client, "alice", STRONG)
    stolen = _cookie(client)
    # when the user logs out and the old cookie is replayed
    response = client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    # then the server-side session is gone, the browser is told to clear, and the replay is anonymous
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]
    assert not Session.objects.filter(session_key=stolen).exists()
    assert not logged_in(replay)
    assert replay.get("/").status_code == 302


@pytest.mark.django_db
def test_disabling_a_user_ends_sessions_and_tokens(admins) -> None:
    # given alice with a browser session and an API token
    alice = make_user("alice", Role.CADRE, STRONG)
    client = Client()
    login(client, "alice", STRONG)
    token = token_create(user=alice)
    cookie = _cookie(client)
    # when the system admin disables her
    user_set_active(actor=admins[Role.SYSADMIN], user=alice, active=False)
    # then the session row is deleted, the cookie is dead, the token is refused, and it is audited
    assert not Session.objects.filter(session_key=cookie).exists()
    assert not logged_in(client)
    assert token_authenticate(token) is None
    entry = AuditEntry.objects.get(action="user_deactivate")
    assert entry.changes["sessions_ended"] == 1
    assert entry.changes["tokens_revoked"] == 1
