"""Helpers shared by the accounts and audit tests (plain functions; fixtures live in conftest.py)."""

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.services import user_create

STRONG = "Tr4ck!ng-Gl4ss"
OTHER_STRONG = "Yq7#mLp2vZ-river"


def make_user(username: str = "alice", role: str = Role.CADRE, password: str = STRONG, **kwargs: Any) -> User:
    """A user through the real service (as the installer would: actor=None)."""
    kwargs.setdefault("must_change_password", False)
    return user_create(actor=None, username=username, role=role, password=password, **kwargs)


def login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    """Probe the session: the policy middleware runs on every non-API path, /healthz included."""
    response = client.get("/healthz")
    return response.status_code == 200 and bool(response.wsgi_request.user.is_authenticated)


def normalised_body(response: Any, username: str) -> bytes:
    """The page without what legitimately differs per request: CSRF tokens and the echoed username."""
    body: bytes = response.content
    body = re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", body)
    return body.replace(username.encode(), b"<username>")
