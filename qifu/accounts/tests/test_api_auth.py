"""Bearer-token auth on /api/v1/: 401 {code: not_authenticated} without a live token, 403 when the
password has expired (the user must change it first), and never a session cookie instead of a token."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from qifu.accounts.models import ApiToken
from qifu.accounts.services import token_create

URL = "/api/v1/enterprises"


@pytest.fixture
def plain(db) -> Client:
    return Client(enforce_csrf_checks=True)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_valid_token(cast, plain):
    token = token_create(user=cast.leader)
    assert plain.get(URL, headers=_bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Token abc"}, {"Authorization": "Bearer qf_not-a-token"}],
    ids=["missing", "empty", "wrong_scheme", "unknown_token"],
)
def test_no_valid_token_is_401_case(cast, plain, headers):
    response = plain.get(URL, headers=headers)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_revoked_token_is_401(cast, plain):
    token = token_create(user=cast.leader)
    ApiToken.objects.filter(user=cast.leader).update(revoked_at=timezone.now())
    response = plain.get(URL, headers=_bearer(token))
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_token_of_a_deactivated_user_is_401(cast, plain):
    token = token_create(user=cast.liaison_a)
    cast.liaison_a.is_active = False
    cast.liaison_a.save(update_fields=["is_active"])
    assert plain.get(URL, headers=_bearer(token)).status_code == 401


def test_must_change_password_is_403(cast, plain):
    token = token_create(user=cast.desk)
    cast.desk.must_change_password = True
    cast.desk.save(update_fields=["must_change_password"])
    response = plain.get(URL, headers=_bearer(token))
    assert (response.status_code, response.json()["code"]) == (403, "password_expired")


def test_aged_password_is_403(cast, plain):
    token = token_create(user=cast.desk)
    days = int(settings.QIFU_SECURITY["PASSWORD_MAX_AGE_DAYS"])
    with time_machine.travel(timezone.now() + timedelta(days=days + 1)):
        response = plain.get(URL, headers=_bearer(token))
    assert (response.status_code, response.json()["code"]) == (403, "password_expired")


def test_password_expired_blocks_writes_too(cast, plain):
    token = token_create(user=cast.desk)
    cast.desk.must_change_password = True
    cast.desk.save(update_fields=["must_change_password"])
    response = plain.patch(
        f"{URL}/{cast.a.uscc}", {"name": "x"}, content_type="application/json", headers=_bearer(token)
    )
    assert response.status_code == 403
    cast.a.refresh_from_db()
    assert cast.a.name == "昆山甲电子科技有限公司"


def test_a_session_is_not_a_token(cast, plain):
    # a signed-in browser session does not authenticate API calls (no cookie auth, so no CSRF surface)
    plain.force_login(cast.desk)
    response = plain.get(URL)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    post = plain.post(URL, {"uscc": "x", "name": "y"}, content_type="application/json")
    assert post.status_code == 401


def test_bearer_writes_need_no_csrf_token(cast, plain):
    # the client enforces CSRF like a browser would; a bearer-token call is not cookie-borne, so it passes
    token = token_create(user=cast.desk)
    response = plain.patch(
        f"{URL}/{cast.a.uscc}", {"park": "光电产业园二区"}, content_type="application/json", headers=_bearer(token)
    )
    assert response.status_code == 200


def test_token_cache_saves_the_lookup_and_disabling_the_user_ends_it_at_once(cast, django_assert_num_queries):
    from django.test import Client

    from qifu.accounts.services import token_create, user_set_active

    # given a token that has been used once (now remembered by this process)
    token = token_create(user=cast.liaison_a)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/departments").status_code == 200
    # when it is used again, the token costs no query (nor do the departments: reference cache)
    with django_assert_num_queries(0):
        assert client.get("/api/v1/departments").status_code == 200
    # when the system administrator disables the user, the token stops working in this process at once
    user_set_active(actor=cast.sysadmin, user=cast.liaison_a, active=False)
    response = client.get("/api/v1/departments")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_token_cache_forgets_after_its_time(cast, monkeypatch):
    from django.test import Client

    from qifu.accounts import services
    from qifu.accounts.models import ApiToken

    token = services.token_create(user=cast.liaison_b)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/departments").status_code == 200
    # given the token is revoked by another process (the cache here does not know)
    ApiToken.objects.filter(user=cast.liaison_b).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/departments").status_code == 200
    # when the cache time has passed, the revocation is seen
    now = services.time.monotonic()
    monkeypatch.setattr(services.time, "monotonic", lambda: now + services.TOKEN_CACHE_SECONDS + 1)
    assert client.get("/api/v1/departments").status_code == 401
