"""无事不扰 for messages: during an enterprise's quiet period its users' non-urgent messages wait
(the inbox row is written, the e-mail digest goes out the morning after the period); urgent ones go."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from qifu.access.actor import Actor
from qifu.conftest import Cast
from qifu.notify.models import Delivery, DeliveryState, Notification
from qifu.notify.services import notify, notify_flush
from qifu.visits.services import quiet_period_add
from qifu.visits.tests.domain_helpers import BJ

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 20, 10, 0, tzinfo=BJ)


def test_quiet_period_holds_non_urgent_messages_to_the_enterprise(cast: Cast) -> None:
    cast.ent_a.email = "ent_a@example.cn"
    cast.ent_a.save()
    cast.liaison_a.email = "liaison_a@example.cn"
    cast.liaison_a.save()
    with time_machine.travel(START, tick=False):
        quiet_period_add(
            actor=Actor.of(cast.ent_a), enterprise=cast.a, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 22)
        )
        notify(recipients=[cast.ent_a, cast.liaison_a], kind="t", title="一般通知", body="内容")
        notify(recipients=[cast.ent_a], kind="t", title="紧急通知", body="内容", urgent=True)
    assert Notification.objects.filter(recipient=cast.ent_a).count() == 2  # the inbox is never held
    mail.outbox.clear()
    notify_flush(now=START + timedelta(hours=2))
    assert sorted(m.to[0] for m in mail.outbox) == ["ent_a@example.cn", "liaison_a@example.cn"]
    urgent = [m for m in mail.outbox if m.to == ["ent_a@example.cn"]]
    text = f"{urgent[0].subject} {urgent[0].body}"
    assert "紧急通知" in text and "一般通知" not in text
    held = Delivery.objects.get(notification__recipient=cast.ent_a, notification__urgent=False)
    assert held.state == DeliveryState.PENDING
    assert held.due_at == datetime(2026, 11, 23, 8, 0, tzinfo=BJ)
    mail.outbox.clear()
    notify_flush(now=datetime(2026, 11, 23, 8, 1, tzinfo=BJ))
    assert [m.to for m in mail.outbox] == [["ent_a@example.cn"]]
