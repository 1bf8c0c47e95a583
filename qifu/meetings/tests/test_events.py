"""Enterprise salons: invitation, registration rules (capacity, deadline, duplicates, not invited),
cancellation, attendance by the organisers, counts; the pages per role."""

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from qifu.access.actor import Actor
from qifu.accounts.roles import Role
from qifu.accounts.services import user_create
from qifu.audit.models import AuditEntry
from qifu.conftest import CAST_PASSWORD, Cast
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.meetings.models import Event, EventRegistration
from qifu.meetings.selectors import event_page
from qifu.meetings.services_events import (
    EventData,
    event_attendance,
    event_cancel,
    event_create,
    event_invite,
    event_register,
)
from qifu.meetings.tests.conftest import BJ


def _snapshot() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        EventRegistration.objects.count(),
        EventRegistration.objects.filter(state="registered").count(),
        AuditEntry.objects.count(),
    )


def _refused(exc_type: type[Exception], code: str, fn: Any, **kwargs: Any) -> Any:
    before = _snapshot()
    with pytest.raises(exc_type) as info:
        fn(**kwargs)
    assert getattr(info.value, "code", None) == code
    assert _snapshot() == before
    return info.value


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_invited_enterprise_registers_and_the_counts_follow(cast: Cast, event: Event) -> None:
    registration = event_register(actor=Actor.of(cast.ent_a), event_id=event.pk, attendees=3)
    assert registration.enterprise_id == cast.a.pk and registration.state == "registered"
    page = event_page(actor=Actor.of(cast.desk), event_id=event.pk)
    assert (page.registered, page.attendees, page.seats_left) == (1, 3, 2)


def test_registering_over_the_capacity_is_refused(cast: Cast, event: Event) -> None:
    event_register(actor=Actor.of(cast.ent_a), event_id=event.pk, attendees=4)
    err = _refused(Conflict, "event_full", event_register, actor=Actor.of(cast.ent_b), event_id=event.pk, attendees=2)
    assert "还剩1个名额" in err.message


def test_registering_after_registration_closed_is_refused(cast: Cast, event: Event) -> None:
    with time_machine.travel(datetime(2026, 3, 4, 18, 1, tzinfo=BJ), tick=False):
        err = _refused(Conflict, "registration_closed", event_register, actor=Actor.of(cast.ent_a), event_id=event.pk)
    assert "截止" in err.message


def test_registering_twice_is_refused_and_after_cancelling_allowed(cast: Cast, event: Event) -> None:
    ent = Actor.of(cast.ent_a)
    event_register(actor=ent, event_id=event.pk)
    _refused(Conflict, "already_registered", event_register, actor=ent, event_id=event.pk)
    event_cancel(actor=ent, event_id=event.pk)
    _refused(Conflict, "not_registered", event_cancel, actor=ent, event_id=event.pk)
    assert event_register(actor=ent, event_id=event.pk, attendees=2).attendees == 2


def test_bad_attendee_numbers_are_refused(cast: Cast, event: Event) -> None:
    for bad in (0, 21, "两"):
        _refused(
            RuleViolation, "out_of_range", event_register, actor=Actor.of(cast.ent_a), event_id=event.pk, attendees=bad
        )


def test_an_enterprise_cannot_act_on_another_enterprises_event(cast: Cast) -> None:
    desk = Actor.of(cast.desk)
    only_b = event_create(
        actor=desk,
        data=EventData(
            title="乙方专场",
            starts_at=datetime(2026, 3, 6, 14, tzinfo=BJ),
            place="管委会",
            capacity=10,
            registration_closes_at=None,
        ),
    )
    event_invite(actor=desk, event_id=only_b.pk, enterprises=[cast.b])
    ent_a = Actor.of(cast.ent_a)
    _refused(NotFound, "not_found", event_register, actor=ent_a, event_id=only_b.pk)
    event_register(actor=Actor.of(cast.ent_b), event_id=only_b.pk)
    _refused(NotFound, "not_found", event_cancel, actor=ent_a, event_id=only_b.pk)
    registration = EventRegistration.objects.get(event=only_b)
    _refused(
        NotFound,
        "not_found",
        event_attendance,
        actor=ent_a,
        event_id=only_b.pk,
        registration_id=registration.pk,
        attended=True,
    )
    # B sees its event but is not its organiser
    _refused(
        PermissionDenied,
        "event_forbidden",
        event_attendance,
        actor=Actor.of(cast.ent_b),
        event_id=only_b.pk,
        registration_id=registration.pk,
        attended=True,
    )
    client = _client(cast.ent_a)
    assert client.get(f"/meetings/events/{only_b.pk}/").status_code == 404
    assert client.post(f"/meetings/events/{only_b.pk}/register/", {"attendees": "1"}).status_code == 404
    assert "乙方专场" not in client.get("/meetings/events/?when=all").content.decode()


def test_staff_do_not_register(cast: Cast, event: Event) -> None:
    _refused(
        PermissionDenied, "registration_enterprise_only", event_register, actor=Actor.of(cast.desk), event_id=event.pk
    )


def test_planning_an_event_in_the_past_or_closing_after_it_starts_is_refused(cast: Cast) -> None:
    desk = Actor.of(cast.desk)
    past = EventData(
        title="沙龙", starts_at=datetime(2026, 3, 1, 9, tzinfo=BJ), place="x", capacity=5, registration_closes_at=None
    )
    _refused(RuleViolation, "event_in_past", event_create, actor=desk, data=past)
    late = EventData(
        title="沙龙",
        starts_at=datetime(2026, 3, 9, 9, tzinfo=BJ),
        place="x",
        capacity=5,
        registration_closes_at=datetime(2026, 3, 9, 10, tzinfo=BJ),
    )
    _refused(RuleViolation, "event_bad_close", event_create, actor=desk, data=late)
    _refused(PermissionDenied, "event_forbidden", event_create, actor=Actor.of(cast.liaison_a), data=late)


def test_organisers_mark_attendance_on_the_day(cast: Cast, event: Event, monkeypatch: Any) -> None:
    contacts: list[dict[str, Any]] = []
    monkeypatch.setattr("qifu.meetings.services_events.record_contact", lambda **kw: contacts.append(kw))
    registration = event_register(actor=Actor.of(cast.ent_a), event_id=event.pk, attendees=2)
    desk = Actor.of(cast.desk)
    _refused(
        Conflict,
        "event_not_started",
        event_attendance,
        actor=desk,
        event_id=event.pk,
        registration_id=registration.pk,
        attended=True,
    )
    with time_machine.travel(datetime(2026, 3, 5, 14, 30, tzinfo=BJ), tick=False):
        done = event_attendance(actor=desk, event_id=event.pk, registration_id=registration.pk, attended=True)
        assert done.attended is True
        assert event_page(actor=desk, event_id=event.pk).attended == 1
        _refused(Conflict, "registration_closed", event_cancel, actor=Actor.of(cast.ent_a), event_id=event.pk)
    assert [(c["enterprise"].pk, c["kind"], c["requested"]) for c in contacts] == [(cast.a.pk, "event", True)]


def test_the_enterprise_registers_on_the_event_page(cast: Cast, event: Event) -> None:
    client = _client(cast.ent_a)
    page = client.get(f"/meetings/events/{event.pk}/").content.decode()
    assert "我要报名" in page
    response = client.post(f"/meetings/events/{event.pk}/register/", {"attendees": "2"}, follow=True)
    html = response.content.decode()
    assert "报名成功" in html and "贵单位已报名，2 人参加" in html
    again = client.post(f"/meetings/events/{event.pk}/register/", {"attendees": "1"}, follow=True)
    assert "贵单位已报名本活动" in again.content.decode()
    assert EventRegistration.objects.filter(state="registered").count() == 1


def test_event_pages_per_role(cast: Cast, event: Event) -> None:
    ent_c = user_create(
        actor=None,
        username="ent_c",
        role=Role.ENTERPRISE,
        enterprise_id=cast.c.pk,
        password=CAST_PASSWORD,
        must_change_password=False,
    )
    assert _client(ent_c).get(f"/meetings/events/{event.pk}/").status_code == 404
    for user in (cast.desk, cast.leader, cast.jfj_handler, cast.liaison_a, cast.ent_b):
        assert _client(user).get(f"/meetings/events/{event.pk}/").status_code == 200
    assert _client(cast.sysadmin).get(f"/meetings/events/{event.pk}/").status_code == 404
    assert _client(cast.jfj_handler).get("/meetings/events/new/").status_code == 404


def test_the_event_list_has_a_fixed_query_count(cast: Cast, event: Event, django_assert_max_num_queries: Any) -> None:
    desk = Actor.of(cast.desk)
    for n in range(5):
        e = event_create(
            actor=desk,
            data=EventData(
                title=f"沙龙{n}",
                starts_at=datetime(2026, 3, 10 + n, 14, tzinfo=BJ),
                place="x",
                capacity=9,
                registration_closes_at=None,
            ),
        )
        event_invite(actor=desk, event_id=e.pk, enterprises=[cast.a])
        event_register(actor=Actor.of(cast.ent_a), event_id=e.pk)
    for user in (cast.desk, cast.ent_a):
        client = _client(user)
        client.get("/meetings/events/")
        with django_assert_max_num_queries(12):
            assert client.get("/meetings/events/?when=all").status_code == 200
