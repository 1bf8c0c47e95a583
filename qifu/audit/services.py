"""audit_record: the only way an audit row is written (PRODUCT.md §1 三员, security AU-1..AU-3)."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qifu.audit.models import AuditEntry, AuditHead, Outcome
from qifu.core import context
from qifu.core.crypto import hmac_sm3
from qifu.core.rows import insert_row

GENESIS = "0" * 64


def _clean(value: str) -> str:
    """Control characters (CRLF, ANSI escapes) are stored escaped, never raw (AU-2)."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value)


def canonical(entry: AuditEntry) -> bytes:
    body = {
        "id": entry.pk,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "outcome": entry.outcome,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "changes": entry.changes,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hmac_sm3(settings.AUDIT_KEY, prev_hash.encode() + b"|" + canonical(entry)).hex()


def _execute(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _head_table() -> str:
    return connection.ops.quote_name(AuditHead._meta.db_table)


def _take_next_id() -> tuple[int, str]:
    """Move the head on by one and answer (the new record's id, the previous record's hash). One
    statement, which locks the head row until the caller's transaction ends (on PostgreSQL; on
    SQLite the transaction holds the write lock already), so the chain stays linear. The first
    record ever creates the head row."""
    head = _head_table()
    rows = _execute(
        f"UPDATE {head} SET last_id = last_id + 1, count = count + 1 WHERE id = 1 RETURNING last_id, last_hash",  # noqa: S608
        [],
    )
    if not rows:
        _execute(
            f"INSERT INTO {head} (id, last_id, last_hash, count) VALUES (1, 0, %s, 0) ON CONFLICT (id) DO NOTHING",  # noqa: S608
            [GENESIS],
        )
        return _take_next_id()
    last_id, prev_hash = rows[0]
    return int(last_id), str(prev_hash)


@dataclass(frozen=True)
class AuditActor:
    id: int | None
    username: str
    role: str


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    outcome: str = Outcome.SUCCESS,
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one chained record in the caller's transaction (fail closed: no record, no change)."""
    user = getattr(actor, "user", actor)
    ctx = context.current()
    # No savepoint inside the caller's transaction: a failed append fails the whole change anyway
    # (fail closed), and the savepoint pair cost a tenth of a case filing's time under the write lock.
    with transaction.atomic(savepoint=False):
        entry_id, prev_hash = _take_next_id()
        entry = AuditEntry(
            id=entry_id,
            at=at or timezone.now(),
            actor_id=getattr(user, "pk", None),
            actor_username=_clean(str(getattr(user, "username", "") or ""))[:160],
            actor_role=str(getattr(user, "role", "") or ""),
            action=action,
            object_type=object_type,
            object_id=_clean(str(object_id))[:64],
            outcome=outcome,
            ip=ctx.ip,
            request_id=ctx.request_id,
            changes=json.loads(json.dumps(changes or {}, ensure_ascii=False, default=str)),
            prev_hash=prev_hash,
        )
        entry.hash = chain_hash(prev_hash, entry)
        insert_row(entry)
        _execute(f"UPDATE {_head_table()} SET last_hash = %s WHERE id = 1", [entry.hash])  # noqa: S608
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str


def audit_verify(*, batch: int = 5000) -> VerifyResult:
    """Walk the chain; report the first row that was edited, deleted or cut off the tail."""
    head = AuditHead.objects.filter(id=1).first()
    prev = GENESIS
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.pk != expected_id:
                return VerifyResult(False, checked, expected_id, "missing row (deleted)")
            if entry.prev_hash != prev or chain_hash(prev, entry) != entry.hash:
                return VerifyResult(False, checked, entry.pk, "row edited or chain broken")
            prev = entry.hash
            expected_id += 1
            checked += 1
            last_id = entry.pk
    if head is not None and (head.last_id != last_id or head.last_hash != prev):
        return VerifyResult(False, checked, last_id + 1, "tail truncated (head does not match)")
    return VerifyResult(True, checked, None, "ok")
