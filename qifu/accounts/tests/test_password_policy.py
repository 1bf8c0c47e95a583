"""IA-3: last-5 history, 90-day expiry (pages redirect, API answers 403 password_expired), forced change."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from qifu.accounts.middleware import password_expired
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.services import token_create, user_reset_password, user_set_password
from qifu.accounts.tests.support import STRONG, login, make_user
from qifu.api import BearerToken, api
from qifu.audit.models import AuditEntry
from qifu.core.errors import QifuError, RuleViolation

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
HISTORY = [f"Hist0ry!{n}-pass" for n in range(1, 7)]


def _max_age(settings) -> timedelta:
    return timedelta(days=settings.QIFU_SECURITY["PASSWORD_MAX_AGE_DAYS"])


@pytest.mark.django_db
def test_the_last_five_passwords_are_refused(settings) -> None:
    # given a user who went through six passwords: H1 .. H6 (H6 current)
    assert settings.QIFU_SECURITY["PASSWORD_HISTORY"] == 5
    user = make_user("zhang", password=HISTORY[0])
    for password in HISTORY[1:]:
        user_set_password(actor=user, user=user, password=password)
    audits = AuditEntry.objects.filter(action="password_change").count()
    # when any of the last five (H2 .. H6) is set again
    # then it is refused with code password_reused, and nothing is written
    for password in HISTORY[1:]:
        with pytest.raises(RuleViolation) as refused:
            user_set_password(actor=user, user=user, password=password)
        assert refused.value.code == "password_reused"
    assert AuditEntry.objects.filter(action="password_change").count() == audits
    # and the sixth-last (H1) is allowed again
    user_set_password(actor=user, user=user, password=HISTORY[0])
    user.refresh_from_db()
    assert user.check_password(HISTORY[0])


@pytest.mark.django_db
def test_password_change_page_refuses_a_recent_password(client_for) -> None:
    # given a user who changed from STRONG to H1
    user = make_user("zhang")
    user_set_password(actor=user, user=user, password=HISTORY[0])
    client = client_for(user)
    # when the change form is posted with the previous password STRONG
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": HISTORY[0], "new_password1": STRONG, "new_password2": STRONG},
    )
    # then the form is shown again with the reuse error, and the password is unchanged
    assert response.status_code == 200
    assert "password_reused" in [e.code for e in response.context["form"].errors.as_data()["new_password1"]]
    user.refresh_from_db()
    assert user.check_password(HISTORY[0])


@pytest.mark.django_db
def test_password_expired_unit(settings) -> None:
    # given a user whose password was set at T0
    with time_machine.travel(T0, tick=False) as traveller:
        user = make_user("exp")
        # when the clock reaches the limit, then one second more
        traveller.shift(_max_age(settings))
        at_limit = password_expired(user)
        traveller.shift(timedelta(seconds=1))
        beyond = password_expired(user)
    # then it is expired only beyond the limit; must_change_password forces it regardless
    assert (at_limit, beyond) == (False, True)
    assert password_expired(User(password_changed_at=datetime.now(tz=UTC), must_change_password=True))
    assert not password_expired(User(password_changed_at=datetime.now(tz=UTC)))


@pytest.mark.django_db
def test_pages_redirect_to_the_change_form_after_91_days(settings, client_for) -> None:
    # given a system admin who logs in at T0 + 91 days, 91 days after setting the password
    with time_machine.travel(T0, tick=False) as traveller:
        user = make_user("sys", Role.SYSADMIN)
        traveller.shift(timedelta(days=91))
        client = client_for(user)
        # when any page is opened (twice)
        first = client.get("/")
        second = client.get("/admin/")
        change_page = client.get(reverse("accounts:password_change"))
    # then both redirect to the change form, which opens and says why; the expiry is audited once
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("accounts:password_change")
    assert change_page.status_code == 200
    assert change_page.context["forced"] is True
    assert AuditEntry.objects.filter(action="password_expired", actor_id=user.pk).count() == 1


@pytest.mark.django_db
def test_changing_the_expired_password_lifts_the_redirect(settings, client_for) -> None:
    # given a system admin 91 days after the last change
    with time_machine.travel(T0, tick=False) as traveller:
        user = make_user("sys", Role.SYSADMIN)
        traveller.shift(timedelta(days=91))
        client = client_for(user)
        # when the password is changed through the form
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": STRONG, "new_password1": HISTORY[0], "new_password2": HISTORY[0]},
        )
        after = client.get("/admin/")
    # then the session survives, the admin opens, and the change is audited
    assert response.status_code == 302
    assert after.status_code == 200
    assert AuditEntry.objects.filter(action="password_change", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_bearer_token_with_expired_password_gets_403_password_expired(settings) -> None:
    # given a token whose owner's password is 91 days old
    with time_machine.travel(T0, tick=False) as traveller:
        user = make_user("apiuser", Role.DESK)
        token = token_create(user=user)
        traveller.shift(timedelta(days=91))
        request = HttpRequest()
        request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        # when the API's bearer auth runs, and its error is rendered by the API
        with pytest.raises(QifuError) as raised:
            BearerToken()(request)
        response = api.on_exception(request, raised.value)
    # then the answer is 403 with code password_expired
    assert raised.value.code == "password_expired"
    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "password_expired"


@pytest.mark.django_db
def test_api_route_answers_403_password_expired(settings) -> None:
    # given a desk token: valid now, expired 91 days later
    with time_machine.travel(T0, tick=False) as traveller:
        user = make_user("apiuser", Role.DESK)
        token = token_create(user=user)
        client = Client()
        fresh = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {token}")
        traveller.shift(timedelta(days=91))
        # when a protected API route is called
        stale = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {token}")
    # then it answers 403 password_expired (and worked before)
    assert fresh.status_code == 200
    assert stale.status_code == 403
    assert stale.json()["code"] == "password_expired"


@pytest.mark.django_db
def test_reset_password_forces_a_change_at_first_login(client, admins) -> None:
    # given a user whose password the system admin resets
    user = make_user("reset")
    temporary = user_reset_password(actor=admins[Role.SYSADMIN], user=user)
    # when the user logs in with the temporary password and opens a page
    response = login(client, "reset", temporary)
    page = client.get("/")
    # then the login works but every page leads to the change form; the reset is audited without the password
    assert response.status_code == 302
    assert page.status_code == 302
    assert page["Location"] == reverse("accounts:password_change")
    entry = AuditEntry.objects.get(action="password_reset")
    assert entry.actor_id == admins[Role.SYSADMIN].pk
    assert temporary not in json.dumps(entry.changes)
    assert not User.objects.get(pk=user.pk).check_password(STRONG)
