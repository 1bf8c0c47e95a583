"""Notification writes (PRODUCT.md §2.3; UX.md 无事不扰): queue, read, flush.

Other apps call `notify(...)` inside their own transaction; the inbox row is always written, and a
delivery row per enabled external channel. `notify_flush` (a Huey periodic task, and `qifu
notify_flush`) sends what is due: urgent deliveries alone and at once, the rest as one digest per
recipient and channel per QIFU_NOTIFY_DIGEST_MINUTES.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.core.errors import RuleViolation
from qifu.core.rows import insert_rows
from qifu.notify.addresses import address_for, users_for_addresses
from qifu.notify.compose import compose
from qifu.notify.models import Delivery, DeliveryState, Notification
from qifu.notify.senders import SendError, sender_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
FLUSH_BATCH = 500  # groups (and urgent deliveries) per run; the next minute's run takes the rest
NO_ADDRESS = "no_address"
CHANNEL_OFF = "channel_off"


class NotifyErrorCode(StrEnum):
    INVALID = "notify_invalid"
    URL_INVALID = "notify_url_invalid"


def _check_url(url: str) -> None:
    # The inbox redirects to this URL when an item is opened: only a path on this site is allowed.
    if url and (not url.startswith("/") or url.startswith(("//", "/\\")) or any(c.isspace() for c in url)):
        raise RuleViolation("a notification links to a path on this site (/…)", code=NotifyErrorCode.URL_INVALID)


def _distinct(recipients: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in recipients:
        if user.pk is None:
            raise RuleViolation("a recipient must be a saved user", code=NotifyErrorCode.INVALID)
        seen.setdefault(user.pk, user)
    return list(seen.values())


def digest_interval() -> timedelta:
    return timedelta(minutes=max(int(settings.NOTIFY_DIGEST_MINUTES), 0))


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str,
    url: str = "",
    urgent: bool = False,
    enterprise_id: int | None = None,
    dedup_key: str = "",
    new_key: bool = False,
    addressable: bool = False,
) -> list[Notification]:
    """§2.3: an inbox item per recipient, always; a delivery per enabled external channel with an
    address. Idempotent per (recipient, dedup_key): a repeat (even a concurrent one) creates nothing.
    Returns the notifications this call created.

    Two promises let a hot caller skip reads under the write lock: `new_key` — nobody can hold
    this dedup key yet (it names a row the caller's own uncommitted transaction just created);
    `addressable` — the recipients were loaded with `addressable_users` (what the senders' address
    lookup reads)."""
    _check_url(url)
    users = _distinct(recipients)
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=title,
            body=body,
            url=url,
            urgent=urgent,
            enterprise_id=enterprise_id,
            dedup_key=dedup_key,
            created_at=now,
        )
        for user in users
    ]
    if not rows:
        return []
    try:
        # Field rules once, for all rows alike (lengths, blanks); the recipient is a saved user (checked
        # above) and the unique constraint is the database's job, below.
        rows[0].full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = {"fields": exc.message_dict}
        raise RuleViolation("invalid notification", code=NotifyErrorCode.INVALID, data=fields) from exc
    # Every refusal is above, before any write: the writes need no savepoint of their own inside the
    # caller's transaction (a database error there fails the caller's change as a whole anyway).
    with transaction.atomic(savepoint=False):
        created = list(insert_rows(rows)) if new_key else _insert_new(rows, dedup_key=dedup_key)
        _queue_deliveries(created, now=now, users={u.pk: u for u in users} if addressable else None)
    if urgent and created:
        # robust: a queue outage must not turn the caller's committed action into an error; the
        # per-minute flush sends the delivery anyway.
        transaction.on_commit(_enqueue_flush, robust=True)
    return created


def _insert_new(rows: list[Notification], *, dedup_key: str) -> list[Notification]:
    """Insert the rows and return those that were new. With a dedup key, the recipients that already
    have it are left out, the rest go in one statement inside a savepoint; if that statement meets
    the unique constraint (a concurrent caller won some rows on PostgreSQL), each row is retried in
    its own savepoint and the constraint decides, so two processes can never both win a row."""
    if not dedup_key:
        return Notification.objects.bulk_create(rows)
    have = set(
        Notification.objects.filter(recipient_id__in=[r.recipient_id for r in rows], dedup_key=dedup_key).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [r for r in rows if r.recipient_id not in have]
    if not fresh:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(fresh)
    except IntegrityError:
        for row in fresh:
            row.pk = None
    created = []
    for row in fresh:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            if not Notification.objects.filter(recipient_id=row.recipient_id, dedup_key=dedup_key).exists():
                raise  # not the dedup constraint (e.g. a deleted recipient): a real error
            continue
        created.append(row)
    return created


def _queue_deliveries(created: Sequence[Notification], *, now: datetime, users: dict[int, User] | None) -> None:
    channels = list(settings.NOTIFY_CHANNELS)
    if not created or not channels:
        return
    if users is None:
        users = users_for_addresses((n.recipient_id for n in created), channels)
    digest_due = now + digest_interval()
    rows = []
    for notification in created:
        user = users.get(notification.recipient_id)
        for channel in channels:
            has_address = user is not None and address_for(user, channel) != ""
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    state=DeliveryState.PENDING if has_address else DeliveryState.SKIPPED,
                    due_at=now if notification.urgent else digest_due,
                    error="" if has_address else NO_ADDRESS,
                )
            )
    insert_rows(rows)


def _enqueue_flush() -> None:
    from qifu.notify.tasks import notify_flush_task  # the task module imports this one

    notify_flush_task()


# --- the inbox ------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """§2.3 inbox: the recipient (only; the selector fetched it in their scope) marks one item read;
    reading it again keeps the first time."""
    if notification.recipient_id != actor.id:
        raise RuleViolation("not your notification", code=NotifyErrorCode.INVALID)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor) -> int:
    """§2.3 inbox: 全部标为已读 — every unread item of the actor, in one UPDATE; returns how many."""
    return Notification.objects.filter(recipient_id=actor.id, read_at__isnull=True).update(read_at=timezone.now())


# --- sending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlushResult:
    """sent/failed: deliveries accepted / refused by their channel in this run (a refused one is
    retried until MAX_ATTEMPTS); digests: messages that carried non-urgent deliveries."""

    sent: int = 0
    failed: int = 0
    digests: int = 0

    def __add__(self, other: "FlushResult") -> "FlushResult":
        return FlushResult(self.sent + other.sent, self.failed + other.failed, self.digests + other.digests)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=2**attempts)  # 2, 4 minutes: a gateway hiccup, not an outage, is absorbed


def _deliver(rows: list[Delivery], *, now: datetime) -> FlushResult:
    """Send `rows` (one recipient, one channel) as one message and record the outcome on every row.

    Runs inside the caller's transaction, which holds the rows' locks: the rows are marked sent in
    the same transaction that sent them, so no other worker can send them again.
    """
    channel = rows[0].channel
    user = rows[0].notification.recipient
    # A channel switched off since queueing sends nothing; an address removed since then neither.
    address = address_for(user, channel) if channel in settings.NOTIFY_CHANNELS else ""
    if not address:
        reason = NO_ADDRESS if channel in settings.NOTIFY_CHANNELS else CHANNEL_OFF
        for row in rows:
            row.state, row.error = DeliveryState.SKIPPED, reason
        Delivery.objects.bulk_update(rows, ["state", "error"])
        return FlushResult()
    message = compose(channel, [row.notification for row in rows])
    try:
        sender_for(channel).send(address=address, subject=message.subject, text=message.text)
    except Exception as exc:  # a sender's bug must not stop the other recipients' messages
        error = str(exc) if isinstance(exc, SendError) else f"{type(exc).__name__}: {exc}"
        logger.warning("notify: %s to user %s failed: %s", channel, user.pk, error)
        for row in rows:
            row.attempts += 1
            row.error = error[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = DeliveryState.FAILED
            else:
                row.due_at = now + _retry_delay(row.attempts)
        Delivery.objects.bulk_update(rows, ["attempts", "error", "state", "due_at"])
        return FlushResult(failed=len(rows))
    for row in rows:
        row.attempts += 1
        row.state, row.sent_at, row.error = DeliveryState.SENT, now, ""
    Delivery.objects.bulk_update(rows, ["attempts", "state", "sent_at", "error"])
    return FlushResult(sent=len(rows))


def _locked_pending() -> QuerySet[Delivery]:
    # of=("self",): lock the delivery rows only, not the joined notification/user rows (a user
    # marking an item read must not wait for a send). SQLite ignores FOR UPDATE: its IMMEDIATE
    # transactions already let one writer in at a time.
    return (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=DeliveryState.PENDING)
        .select_related("notification__recipient__staff", "notification__recipient__enterprise")
    )


def _flush_urgent(delivery_id: int, *, now: datetime) -> FlushResult:
    with transaction.atomic():
        row = _locked_pending().filter(pk=delivery_id, due_at__lte=now).first()
        return _deliver([row], now=now) if row is not None else FlushResult()


def _flush_digest(recipient_id: int, channel: str, *, now: datetime) -> FlushResult:
    with transaction.atomic():
        rows = list(
            _locked_pending()
            .filter(notification__recipient_id=recipient_id, channel=channel, notification__urgent=False)
            .order_by("notification__created_at", "pk")
        )
        # Re-checked under the lock: another worker may have sent this digest since we looked.
        if not any(row.due_at <= now for row in rows):
            return FlushResult()
        held = _quiet_hold(rows[0].notification.recipient, now)
        if held is not None:  # 无事不扰: the recipient's enterprise is in a quiet period
            for row in rows:
                row.due_at = held
            Delivery.objects.bulk_update(rows, ["due_at"])
            return FlushResult()
        result = _deliver(rows, now=now)
        return result + FlushResult(digests=1) if result.sent else result


def _quiet_hold(user: User, now: datetime) -> datetime | None:
    """When an enterprise user's non-urgent messages may go out, if their enterprise set a quiet
    period covering today (qifu.visits; imported here because visits imports this module)."""
    from qifu.visits.contacts import quiet_release

    return quiet_release([user], now).get(user.pk)


def notify_flush(now: datetime | None = None) -> FlushResult:
    """无事不扰 (UX.md): urgent deliveries go alone, as soon as they are due; non-urgent ones of one
    recipient and channel go together, once the oldest has waited QIFU_NOTIFY_DIGEST_MINUTES, so a
    recipient gets at most one digest per channel per interval. A failed send is retried up to
    MAX_ATTEMPTS times. Each message is its own transaction, so one slow gateway call holds few locks."""
    now = now or timezone.now()
    due = Delivery.objects.filter(state=DeliveryState.PENDING, due_at__lte=now)
    urgent = due.filter(notification__urgent=True).order_by("due_at")
    urgent_ids = list(urgent.values_list("pk", flat=True)[:FLUSH_BATCH])
    groups = list(
        due.filter(notification__urgent=False)
        .order_by()
        .values_list("notification__recipient_id", "channel")
        .distinct()[:FLUSH_BATCH]
    )
    result = FlushResult()
    for delivery_id in urgent_ids:
        result += _flush_urgent(delivery_id, now=now)
    for recipient_id, channel in groups:
        result += _flush_digest(recipient_id, channel, now=now)
    return result
