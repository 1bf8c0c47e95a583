"""notify(): the inbox item always, one delivery per enabled channel, idempotent per (recipient, dedup_key)."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from qifu.accounts.models import User
from qifu.core.errors import RuleViolation
from qifu.notify.models import Delivery, DeliveryState, Notification
from qifu.notify.services import notify
from qifu.notify.tests.conftest import with_email

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Kunshan


def _notify(recipients, **kwargs):
    defaults = {"kind": "case_dispatched", "title": "诉求已派单", "body": "请及时签收。", "url": "/cases/1/"}
    return notify(recipients=recipients, **{**defaults, **kwargs})


def test_creates_an_inbox_item_and_email_delivery_per_recipient_case(cast):
    # given one recipient with an e-mail address, one without
    with_email(cast.jfj_handler)
    # when
    with time_machine.travel(T0, tick=False):
        created = _notify([cast.jfj_handler, cast.jfj_head], enterprise_id=cast.a.pk)
    # then both get the inbox item; e-mail is pending for one, skipped for the other
    assert {n.recipient for n in created} == {cast.jfj_handler, cast.jfj_head}
    assert all(n.enterprise_id == cast.a.pk and n.read_at is None for n in created)
    rows = {d.notification.recipient.username: d for d in Delivery.objects.select_related("notification__recipient")}
    assert rows["jfj_handler"].state == DeliveryState.PENDING
    assert rows["jfj_handler"].due_at == T0 + timedelta(minutes=60)  # waits for the digest
    assert (rows["jfj_head"].state, rows["jfj_head"].error) == (DeliveryState.SKIPPED, "no_address")


def test_same_dedup_key_twice_creates_one_notification_and_one_delivery_case(cast):
    # given
    with_email(cast.desk)
    first = _notify([cast.desk], dedup_key="case:1:dispatched")
    # when the same event is reported again
    again = _notify([cast.desk], dedup_key="case:1:dispatched")
    # then nothing new
    assert len(first) == 1
    assert again == []
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_dedup_is_per_recipient_case(cast):
    # given A already has it
    _notify([cast.desk], dedup_key="k")
    # when A and B are notified under the same key
    created = _notify([cast.desk, cast.leader], dedup_key="k")
    # then only B's is new
    assert [n.recipient for n in created] == [cast.leader]
    assert Notification.objects.filter(dedup_key="k").count() == 2


def test_without_dedup_key_every_call_creates_case(cast):
    _notify([cast.desk])
    _notify([cast.desk])
    assert Notification.objects.filter(recipient=cast.desk).count() == 2


def test_the_database_refuses_a_duplicate_key_case(cast):
    # the guarantee lives in the schema (conditional unique constraint), not in a Python check
    _notify([cast.desk], dedup_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=cast.desk, kind="x", title="t", dedup_key="k")
    # an empty key is not a key
    Notification.objects.create(recipient=cast.desk, kind="x", title="t")
    Notification.objects.create(recipient=cast.desk, kind="x", title="t")


def test_a_duplicate_inside_the_callers_transaction_keeps_it_usable_case(cast):
    # given the cases service's outer transaction
    _notify([cast.desk], dedup_key="k")
    with transaction.atomic():
        # when a duplicate is reported in the middle of it
        assert _notify([cast.desk, cast.leader], dedup_key="k")[0].recipient == cast.leader
        # then the transaction goes on (the failed insert rolled back to its savepoint only)
        Notification.objects.create(recipient=cast.leader, kind="x", title="after")
    assert Notification.objects.filter(recipient=cast.leader).count() == 2


def test_duplicate_recipients_in_one_call_are_one_case(cast):
    created = _notify([cast.desk, cast.desk], dedup_key="k")
    assert len(created) == 1


def test_no_recipients_is_a_no_op_case(cast):
    assert _notify([]) == []
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "cases/1", "/a b"],
    ids=lambda u: f"{u}_case",
)
def test_only_site_paths_are_links_case(cast, url):
    with pytest.raises(RuleViolation) as exc:
        _notify([cast.desk], url=url)
    assert exc.value.code == "notify_url_invalid"
    assert Notification.objects.count() == 0


def test_field_rules_case(cast):
    with pytest.raises(RuleViolation) as exc:
        _notify([cast.desk], title="")
    assert exc.value.code == "notify_invalid"
    assert Notification.objects.count() == 0


def test_channels_follow_the_setting_and_addresses_case(cast, channels):
    # given every channel on: e-mail for those with an address, SMS to the staff mobile or the
    # enterprise's contact phone, WeCom to staff only
    with_email(cast.liaison_a)
    # when
    _notify([cast.liaison_a, cast.ent_a, cast.sysadmin])
    # then
    states = {
        (d.notification.recipient.username, d.channel): d.state
        for d in Delivery.objects.select_related("notification__recipient")
    }
    assert states == {
        ("liaison_a", "email"): "pending",
        ("liaison_a", "sms"): "pending",
        ("liaison_a", "wecom"): "pending",
        ("ent_a", "email"): "skipped",
        ("ent_a", "sms"): "pending",
        ("ent_a", "wecom"): "skipped",
        ("sysadmin", "email"): "skipped",  # the three administrators get no business messages
        ("sysadmin", "sms"): "skipped",
        ("sysadmin", "wecom"): "skipped",
    }


def test_urgent_is_due_at_once_case(cast):
    with_email(cast.desk)
    with time_machine.travel(T0, tick=False):
        _notify([cast.desk], urgent=True)
    assert Delivery.objects.get().due_at == T0


def test_no_external_channel_still_fills_the_inbox_case(cast, settings):
    settings.NOTIFY_CHANNELS = []
    with_email(cast.desk)
    assert len(_notify([cast.desk])) == 1
    assert Delivery.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_racing_on_one_key_create_one_case():
    """Two connections insert the same (recipient, dedup_key) at once: the unique constraint lets
    exactly one through, and the other returns nothing (on PostgreSQL the second waits for the
    first to commit). PostgreSQL only: the in-memory SQLite test database has no such locking."""
    user = User.objects.create(username="racer", role="desk")
    with_email(user)
    inserted = threading.Event()
    results: dict[str, int] = {}
    waited: list[float] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = len(_notify([user], dedup_key="race"))
                inserted.set()
                time.sleep(0.5)  # still uncommitted while the second one tries
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            inserted.set()
            connection.close()

    def second() -> None:
        try:
            inserted.wait(timeout=10)
            started = time.monotonic()
            with transaction.atomic():
                results["second"] = len(_notify([user], dedup_key="race"))
            waited.append(time.monotonic() - started)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert results == {"first": 1, "second": 0}
    assert waited[0] > 0.3  # the second insert waited on the unique index for the first commit
    assert Notification.objects.filter(dedup_key="race").count() == 1
    assert Delivery.objects.count() == 1


def test_an_address_is_in_hand_only_for_e_mail_from_a_row_that_holds_it(cast) -> None:
    from qifu.notify.addresses import addressable_in_hand

    with_email(cast.liaison_a)
    full = User.objects.get(pk=cast.liaison_a.pk)
    assert addressable_in_hand(full, ["email"])
    assert not addressable_in_hand(full, ["email", "sms"])  # a phone needs the staff profile
    assert not addressable_in_hand(full, ["wecom"])
    assert addressable_in_hand(User.objects.only("id", "is_active", "role", "email").get(pk=full.pk), ["email"])
    for lacking in ("is_active", "role", "email"):
        fields = {"id", "is_active", "role", "email"} - {lacking}
        assert not addressable_in_hand(User.objects.only(*fields).get(pk=full.pk), ["email"]), lacking
