"""AU-2/AU-3: the audit table is append-only, chained, and `qifu audit verify` finds any tampering."""

import contextlib
import hashlib
import io
import itertools
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from qifu.audit.models import AuditEntry, AuditHead
from qifu.audit.services import AuditActor, audit_record, audit_verify

N = 8


def _records(n: int = N) -> list[AuditEntry]:
    return [
        audit_record(
            actor=AuditActor(id=k, username=f"user{k}", role="desk"),
            action="test_event",
            object_type="thing",
            object_id=k,
            changes={"k": k},
        )
        for k in range(1, n + 1)
    ]


@contextlib.contextmanager
def _as_db_superuser() -> Iterator[None]:
    """What only a DB superuser can do: switch the append-only triggers off (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_update_delete")
    yield


def _verify_command() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


@pytest.mark.django_db
def test_verify_reports_ok_on_an_intact_chain() -> None:
    # given N chained records
    _records()
    # when the chain is verified
    code, output = _verify_command()
    # then ok, with the count
    assert audit_verify().ok
    assert (code, output.strip()) == (0, f"ok, {N} records")


@pytest.mark.django_db
def test_records_are_chained_through_the_head() -> None:
    # given N records
    entries = _records()
    # when the head and the links are read
    head = AuditHead.objects.get(id=1)
    # then each record points at its predecessor and the head at the last one
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert (head.last_id, head.last_hash, head.count) == (entries[-1].pk, entries[-1].hash, N)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", id="update_case"),
        pytest.param("DELETE FROM audit_auditentry WHERE id = %s", id="delete_case"),
        pytest.param("DELETE FROM audit_auditentry WHERE id >= %s", id="truncate_tail_case"),
    ],
)
def test_raw_sql_update_and_delete_are_refused(sql: str) -> None:
    # given records
    entries = _records()
    # when the application's connection runs raw UPDATE or DELETE
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entries[3].pk])
    # then the trigger refuses and the chain is intact
    assert AuditEntry.objects.count() == N
    assert audit_verify().ok


@pytest.mark.django_db
def test_orm_update_and_delete_are_refused() -> None:
    # given records
    entries = _records()
    # when the ORM tries to update or delete one
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        entries[0].delete()
    # then nothing changed
    assert AuditEntry.objects.get(pk=entries[0].pk).action == "test_event"
    assert audit_verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize("k", [1, 4, N], ids=["first_case", "middle_case", "last_case"])
@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE audit_auditentry SET actor_username = 'mallory' WHERE id = %s", id="username_case"),
        pytest.param("UPDATE audit_auditentry SET outcome = 'failure' WHERE id = %s", id="outcome_case"),
        pytest.param("UPDATE audit_auditentry SET changes = '{\"k\": 0}' WHERE id = %s", id="changes_case"),
        pytest.param("UPDATE audit_auditentry SET at = '2020-01-01 00:00:00' WHERE id = %s", id="time_case"),
    ],
)
def test_superuser_edit_of_row_k_is_reported_at_k(k: int, sql: str) -> None:
    # given records, and a DB superuser who turns the triggers off
    entries = _records()
    with _as_db_superuser(), connection.cursor() as cursor:
        # when row k is edited
        cursor.execute(sql, [entries[k - 1].pk])
    # then verify names row k, and the command fails naming it
    result = audit_verify()
    code, message = _verify_command()
    assert (result.ok, result.first_bad_id, result.checked) == (False, entries[k - 1].pk, k - 1)
    assert code == 1
    assert f"id {entries[k - 1].pk}" in message


@pytest.mark.django_db
@pytest.mark.parametrize("k", [1, 4, N - 1], ids=["first_case", "middle_case", "second_last_case"])
def test_superuser_delete_of_row_k_is_reported_at_k(k: int) -> None:
    # given records, and a DB superuser
    entries = _records()
    with _as_db_superuser(), connection.cursor() as cursor:
        # when row k is deleted
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[k - 1].pk])
    # then verify names row k as missing
    result = audit_verify()
    assert (result.ok, result.first_bad_id) == (False, entries[k - 1].pk)
    assert "deleted" in result.reason
    assert _verify_command()[0] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("cut", [1, 3], ids=["last_row_case", "three_rows_case"])
def test_superuser_truncating_the_tail_is_caught_by_the_head(cut: int) -> None:
    # given records, and a DB superuser
    entries = _records()
    first_cut = entries[N - cut]
    with _as_db_superuser(), connection.cursor() as cursor:
        # when the last rows are deleted (what remains is a valid chain by itself)
        cursor.execute("DELETE FROM audit_auditentry WHERE id >= %s", [first_cut.pk])
    # then verify reports the first missing row, because the head still points past it
    result = audit_verify()
    assert (result.ok, result.first_bad_id, result.checked) == (False, first_cut.pk, N - cut)
    assert "truncated" in result.reason
    code, message = _verify_command()
    assert code == 1 and f"id {first_cut.pk}" in message


@pytest.mark.django_db
def test_superuser_rewriting_a_row_with_a_fresh_hash_is_still_caught() -> None:
    # given records, and a DB superuser who knows the algorithm but not the key
    entries = _records()
    victim = entries[2]
    forged = hashlib.new("sm3", b"forged").hexdigest()
    with _as_db_superuser(), connection.cursor() as cursor:
        # when row 3 is edited and given a plausible-looking hash
        cursor.execute(
            "UPDATE audit_auditentry SET action = 'nothing', hash = %s WHERE id = %s",
            [forged, victim.pk],
        )
    # then verify still names row 3
    assert audit_verify().first_bad_id == victim.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        pytest.param("evil\r\nadmin", "evil\\x0d\\x0aadmin", id="crlf_case"),
        pytest.param("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", id="ansi_case"),
        pytest.param("nul\x00byte", "nul\\x00byte", id="nul_case"),
        pytest.param("张三", "张三", id="chinese_untouched_case"),
    ],
)
def test_control_characters_in_usernames_are_stored_escaped(raw: str, stored: str) -> None:
    # given a username with control characters
    # when it is audited
    entry = audit_record(actor=AuditActor(id=None, username=raw, role=""), action="login_failed", object_id=raw)
    entry.refresh_from_db()
    # then it is stored escaped, in both the user and the object column
    assert entry.actor_username == stored
    assert entry.object_id == stored[:64]
    assert not any(ch in entry.actor_username for ch in "\r\n\x1b\x00")


@pytest.mark.django_db
def test_crlf_username_from_the_login_form_is_stored_escaped() -> None:
    # given an attacker typing a username with CRLF and ANSI codes
    username = "bob\r\n2026-01-01 login ok admin\x1b[2K"
    # when the login fails
    Client().post(reverse("accounts:login"), {"username": username, "password": "whatever"})
    # then the login_failed record holds no raw control characters
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor_username.startswith("bob\\x0d\\x0a2026")
    assert not any(ch in entry.actor_username for ch in "\r\n\x1b")


@pytest.mark.django_db
def test_audit_record_rolls_back_with_the_business_change() -> None:
    # given an outer transaction that writes an audit record and then fails
    # when it is rolled back
    with contextlib.suppress(RuntimeError), transaction.atomic():
        _records(1)
        raise RuntimeError("business change failed")
    # then neither the record nor the head moved (no record without its change)
    assert AuditEntry.objects.count() == 0
    assert AuditHead.objects.filter(last_id__gt=0).count() == 0
    assert audit_verify().ok
