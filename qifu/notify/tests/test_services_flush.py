"""notify_flush(): urgent at once, the rest as one digest per recipient and channel per interval (无事不扰),
failures retried up to three attempts, nothing sent twice."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from qifu.notify.models import Delivery, DeliveryState
from qifu.notify.services import MAX_ATTEMPTS, FlushResult, notify, notify_flush
from qifu.notify.tests.conftest import with_email

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _event(user, title, **kwargs):
    return notify(recipients=[user], kind="case_progress", title=title, body=f"{title}的详情", **kwargs)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_two_events_within_the_interval_make_one_email_then_a_new_digest_case(cast, clock, mailoutbox):
    # given two non-urgent events ten minutes apart
    with_email(cast.jfj_handler)
    _event(cast.jfj_handler, "诉求甲已派单")
    clock.shift(timedelta(minutes=10))
    _event(cast.jfj_handler, "诉求乙已派单")
    # when the flush runs before the first has waited an interval
    early = notify_flush()
    # then nothing is sent yet
    assert early == FlushResult()
    assert mailoutbox == []
    # when the interval is up
    clock.move_to(T0 + timedelta(minutes=60))
    result = notify_flush()
    # then one e-mail carries both
    assert result == FlushResult(sent=2, failed=0, digests=1)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["jfj_handler@example.gov.cn"]
    assert mail.subject == "您有2条新通知"
    assert "诉求甲已派单" in mail.body and "诉求乙已派单" in mail.body
    assert "诉求乙已派单的详情" in mail.body
    # and a third event waits for its own interval
    clock.shift(timedelta(minutes=5))
    _event(cast.jfj_handler, "诉求丙已办结")
    clock.shift(timedelta(minutes=30))
    assert notify_flush() == FlushResult()
    clock.shift(timedelta(minutes=30))
    assert notify_flush() == FlushResult(sent=1, digests=1)
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "诉求丙已办结"


def test_digests_are_per_recipient_case(cast, clock, mailoutbox):
    with_email(cast.jfj_handler)
    with_email(cast.kjj_handler)
    _event(cast.jfj_handler, "甲")
    _event(cast.kjj_handler, "乙")
    clock.shift(timedelta(minutes=61))
    assert notify_flush() == FlushResult(sent=2, digests=2)
    assert sorted(m.to[0] for m in mailoutbox) == ["jfj_handler@example.gov.cn", "kjj_handler@example.gov.cn"]


def test_urgent_goes_at_once_and_alone_case(cast, clock, mailoutbox, django_capture_on_commit_callbacks):
    # given a pending non-urgent item
    with_email(cast.desk)
    _event(cast.desk, "普通进展")
    # when an urgent one arrives (the flush task is enqueued after commit; Huey runs inline in tests)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _event(cast.desk, "紧急：诉求即将超期", urgent=True)
    # then it is mailed at once, by itself; the digest keeps waiting
    assert len(callbacks) == 1
    assert [m.subject for m in mailoutbox] == ["紧急：诉求即将超期"]
    states = dict(Delivery.objects.values_list("notification__title", "state"))
    assert states == {"普通进展": "pending", "紧急：诉求即将超期": "sent"}


def test_non_urgent_enqueues_no_flush_case(cast, django_capture_on_commit_callbacks):
    with_email(cast.desk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _event(cast.desk, "普通进展")
    assert callbacks == []


def test_a_second_flush_sends_nothing_again_case(cast, clock, mailoutbox):
    with_email(cast.desk)
    _event(cast.desk, "紧急", urgent=True)
    assert notify_flush().sent == 1
    assert notify_flush() == FlushResult()
    assert len(mailoutbox) == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.sent_at) == (DeliveryState.SENT, 1, T0)


def test_sms_failure_is_retried_until_three_attempts_case(cast, clock, channels, gateway):
    # given the SMS gateway is down (HTTP 503) and only SMS is on
    channels.NOTIFY_CHANNELS = ["sms"]
    gateway.status = 503
    _event(cast.liaison_a, "紧急", urgent=True)
    # when the flush runs: first attempt
    assert notify_flush() == FlushResult(failed=1)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.error) == ("pending", 1, "HTTP 503")
    assert delivery.due_at == T0 + timedelta(minutes=2)
    # a run before the retry is due does nothing
    assert notify_flush() == FlushResult()
    # second attempt
    clock.shift(timedelta(minutes=2))
    assert notify_flush() == FlushResult(failed=1)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 2)
    # third and last attempt
    clock.shift(timedelta(minutes=4))
    assert notify_flush() == FlushResult(failed=1)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    # then nothing more is tried
    clock.shift(timedelta(hours=1))
    assert notify_flush() == FlushResult()
    assert len(gateway.received) == MAX_ATTEMPTS


def test_a_retry_that_succeeds_is_sent_once_case(cast, clock, channels, gateway):
    channels.NOTIFY_CHANNELS = ["sms"]
    gateway.status = 500
    _event(cast.liaison_a, "紧急", urgent=True)
    notify_flush()
    gateway.status = 200
    clock.shift(timedelta(minutes=2))
    assert notify_flush() == FlushResult(sent=1)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert len(gateway.received) == 2


def test_wecom_errcode_is_a_failure_case(cast, clock, channels, gateway):
    # given the robot answers HTTP 200 but refuses the message
    channels.NOTIFY_CHANNELS = ["wecom"]
    gateway.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    _event(cast.liaison_a, "紧急", urgent=True)
    # when
    result = notify_flush()
    # then
    assert result == FlushResult(failed=1)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.error.startswith("wecom errcode 93000")


def test_one_digest_per_channel_case(cast, clock, channels, gateway, mailoutbox):
    # given every channel on and two events for a liaison with an e-mail address
    with_email(cast.liaison_a)
    _event(cast.liaison_a, "甲")
    _event(cast.liaison_a, "乙")
    clock.shift(timedelta(minutes=60))
    # when
    result = notify_flush()
    # then one message per channel, each carrying both
    assert result == FlushResult(sent=6, digests=3)
    assert len(mailoutbox) == 1
    by_path = {r.path.split("?")[0]: r for r in gateway.received}
    assert set(by_path) == {"/sms", "/cgi-bin/webhook/send"}
    assert by_path["/sms"].body == {
        "phone": "13800138000",
        "text": "【企服】您有2条新通知：甲；乙\n请登录企服查看详情。",
    }
    wecom = by_path["/cgi-bin/webhook/send"].body
    assert wecom["msgtype"] == "text"
    assert wecom["text"]["mentioned_mobile_list"] == ["13800138000"]
    assert wecom["text"]["content"].startswith("您有2条新通知\n1. 甲")


def test_an_address_removed_since_queueing_skips_case(cast, clock, mailoutbox):
    with_email(cast.desk)
    _event(cast.desk, "紧急", urgent=True)
    with_email(cast.desk, address="")
    assert notify_flush() == FlushResult()
    assert Delivery.objects.get().state == "skipped"
    assert mailoutbox == []


def test_a_channel_switched_off_since_queueing_skips_case(cast, clock, channels, gateway):
    _event(cast.liaison_a, "紧急", urgent=True)
    channels.NOTIFY_CHANNELS = ["email"]
    assert notify_flush() == FlushResult()
    assert dict(Delivery.objects.values_list("channel", "error")) == {
        "email": "no_address",
        "sms": "channel_off",
        "wecom": "channel_off",
    }
    assert gateway.received == []


def test_a_sender_bug_fails_that_delivery_only_case(cast, clock, mailoutbox, monkeypatch):
    # given two recipients, the first one's send blows up with an unexpected error
    with_email(cast.desk)
    with_email(cast.leader)
    _event(cast.desk, "甲", urgent=True)
    _event(cast.leader, "乙", urgent=True)
    from django.core import mail

    real = mail.send_mail

    def flaky(subject, message, from_email, recipient_list, **kwargs):
        if recipient_list == ["desk@example.gov.cn"]:
            raise RuntimeError("boom")
        return real(subject, message, from_email, recipient_list, **kwargs)

    monkeypatch.setattr("qifu.notify.senders.send_mail", flaky)
    # when
    result = notify_flush()
    # then the other recipient still gets theirs
    assert result == FlushResult(sent=1, failed=1)
    assert [m.to for m in mailoutbox] == [["leader@example.gov.cn"]]
    assert Delivery.objects.get(notification__recipient=cast.desk).error == "RuntimeError: boom"


def test_the_periodic_task_and_the_command_flush_case(cast, clock, mailoutbox, capsys):
    from qifu.notify.tasks import notify_flush_periodic

    with_email(cast.desk)
    _event(cast.desk, "甲", urgent=True)
    notify_flush_periodic()  # Huey runs it inline in tests
    assert len(mailoutbox) == 1
    _event(cast.desk, "乙")
    call_command("notify_flush", "--now", "2026-12-01T10:30+08:00")  # 02:30 UTC: the digest is due
    assert capsys.readouterr().out.strip() == '{"sent": 1, "failed": 0, "digests": 1}'
    assert len(mailoutbox) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_never_send_one_delivery_twice_case(cast, channels, gateway):
    """Worker A holds the delivery's row lock while the (slow) gateway answers; worker B, flushing at
    the same moment, skips the locked row (SKIP LOCKED) instead of sending it again or waiting."""
    channels.NOTIFY_CHANNELS = ["sms"]
    gateway.delay = 1.0
    _event(cast.liaison_a, "进展")  # not urgent: no flush runs on commit (transactional test)
    later = timezone.now() + timedelta(hours=2)
    results: dict[str, FlushResult] = {}
    took: list[float] = []

    def worker_a() -> None:
        try:
            results["a"] = notify_flush(later)
        finally:
            connection.close()

    def worker_b() -> None:
        try:
            gateway.arrived.wait(timeout=10)
            started = time.monotonic()
            results["b"] = notify_flush(later)
            took.append(time.monotonic() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker_a), threading.Thread(target=worker_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == {"a": FlushResult(sent=1, digests=1), "b": FlushResult()}
    assert took[0] < 0.8  # B did not wait for A's lock
    assert len(gateway.received) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT
