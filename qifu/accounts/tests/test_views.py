"""The login and password-change pages."""

import re

import pytest
from django.urls import reverse

from qifu.accounts.roles import Role
from qifu.accounts.tests.support import STRONG, login, make_user
from qifu.audit.models import AuditEntry

NEW = "Yq7#mLp2vZ-river"


@pytest.mark.django_db
def test_login_page_is_a_chinese_card_that_fits_a_phone(client) -> None:
    # given an anonymous visitor
    # when the login page opens
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    # then it is a Chinese, Bootstrap card with a responsive viewport and only local assets
    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'lang="zh-hans"' in html
    assert "登录企服" in html and "用户名" in html and "密码" in html
    assert 'class="card' in html and "col-12" in html
    assert 'autocomplete="current-password"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.django_db
def test_login_success_redirects_and_failure_is_generic(client) -> None:
    # given alice
    make_user("alice", Role.CADRE, STRONG)
    # when she fails once, then succeeds
    failed = login(client, "alice", "nope")
    ok = login(client, "alice", STRONG)
    # then the failure says only the generic message, and the success redirects home
    assert failed.status_code == 200
    assert "用户名或密码错误" in failed.content.decode()
    assert "nope" not in failed.content.decode()
    assert ok.status_code == 302 and ok["Location"] == reverse("dashboard:home")


@pytest.mark.django_db
def test_login_refuses_an_external_next(client) -> None:
    # given alice
    make_user("alice", Role.CADRE, STRONG)
    # when she logs in with a next pointing elsewhere
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/", {"username": "alice", "password": STRONG}
    )
    # then she stays on this site
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


@pytest.mark.django_db
def test_password_change_page_changes_and_audits(client_for) -> None:
    # given a signed-in system admin
    user = make_user("sysop", Role.SYSADMIN, STRONG)
    client = client_for(user)
    # when the change page opens and is submitted
    page = client.get(reverse("accounts:password_change"))
    response = client.post(
        reverse("accounts:password_change"), {"old_password": STRONG, "new_password1": NEW, "new_password2": NEW}
    )
    # then the password changes, the session survives, and the change is audited
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.must_change_password
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="password_change", actor_id=user.pk).count() == 1


@pytest.mark.django_db
def test_password_change_page_shows_policy_errors(client_for) -> None:
    # given a signed-in user
    user = make_user("sysop", Role.SYSADMIN, STRONG)
    client = client_for(user)
    # when a weak new password is submitted
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    # then the form comes back with the error and the password is unchanged
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(STRONG)


@pytest.mark.django_db
def test_must_change_password_redirects_every_page(client) -> None:
    # given a new account that must change its initial password
    make_user("newbie", Role.SYSADMIN, STRONG, must_change_password=True)
    login(client, "newbie", STRONG)
    # when pages are opened
    home = client.get("/")
    admin = client.get("/admin/")
    form = client.get(reverse("accounts:password_change"))
    # then all lead to the change form, which itself opens
    assert home["Location"] == admin["Location"] == reverse("accounts:password_change")
    assert form.status_code == 200 and form.context["forced"]
