"""`qifu token create USERNAME`: a working API token on stdout, errors on stderr (PRODUCT.md §3)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qifu.accounts.models import ApiToken
from qifu.accounts.services import token_authenticate
from qifu.audit.models import AuditEntry
from qifu.ops.management.commands.token import Command as TokenCommand

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_token_that_authenticates(cast):
    # when
    out = StringIO()
    call_command("token", "create", "liaison_a", stdout=out)

    # then: stdout is the token and nothing else
    token = out.getvalue().strip()
    assert "\n" not in token and token.startswith("qf_")
    assert token_authenticate(token) == cast.liaison_a
    assert ApiToken.objects.get(user=cast.liaison_a).digest != token  # only the digest is stored
    assert AuditEntry.objects.filter(action="token_create", object_id=str(cast.liaison_a.pk)).exists()


def test_username_is_matched_like_at_sign_in(cast):
    # when: case and full-width forms name the same account (IA-1)
    out = StringIO()
    call_command("token", "create", "ＬＩＡＩＳＯＮ_Ａ", "--name", "bench", stdout=out)

    # then
    assert token_authenticate(out.getvalue().strip()) == cast.liaison_a
    assert ApiToken.objects.get(user=cast.liaison_a).name == "bench"


def test_unknown_user_exits_non_zero_with_a_message_on_stderr(cast, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends; on PostgreSQL that would end the
    # test's transaction, so keep the connection open (the command itself is unchanged)
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    # when
    with pytest.raises(SystemExit) as exit_info:
        TokenCommand().run_from_argv(["qifu", "token", "create", "nobody"])

    # then
    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nobody" in captured.err
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(cast):
    # given
    cast.deputy.is_active = False
    cast.deputy.save(update_fields=["is_active"])

    # when / then
    with pytest.raises(CommandError, match="inactive"):
        call_command("token", "create", "deputy", stdout=StringIO())
    assert not ApiToken.objects.exists()
