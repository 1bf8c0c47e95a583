import pytest
from django.test import Client

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.tests.support import STRONG, make_user


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice", Role.CADRE, STRONG)


@pytest.fixture
def admins(db: None) -> dict[str, User]:
    return {role: make_user(role, role, STRONG) for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)}


@pytest.fixture
def client_for(db: None):
    """A logged-in client for a user (force_login: no lockout counters, but the login receivers run)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
