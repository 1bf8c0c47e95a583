"""Meetings and events set up through the real services, on a fixed clock (Beijing time)."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qifu.access.actor import Actor
from qifu.conftest import Cast
from qifu.meetings.models import Event, Meeting
from qifu.meetings.services import MeetingData, meeting_create, meeting_invite
from qifu.meetings.services_events import EventData, event_create, event_invite

BJ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, tzinfo=BJ)  # planning happens now
MEETING_AT = datetime(2026, 3, 5, 9, tzinfo=BJ)  # Thursday morning
DURING = datetime(2026, 3, 5, 10, tzinfo=BJ)


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[Any]:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def plan(cast: Cast, who: str = "desk", **fields: Any) -> Meeting:
    data = {
        "title": "光电产业园集中现场办公",
        "starts_at": MEETING_AT,
        "place": "光电产业园服务中心302会议室",
        "kind": "onsite_office",
        "departments": ("JFJ", "KJJ"),
        **fields,
    }
    return meeting_create(actor=Actor.of(getattr(cast, who)), data=MeetingData(**data))


@pytest.fixture
def meeting(cast: Cast) -> Meeting:
    """Planned by the desk for Thursday; enterprises A and B invited (C is not)."""
    m = plan(cast)
    meeting_invite(actor=Actor.of(cast.desk), meeting_id=m.pk, enterprises=[cast.a, cast.b])
    return m


@pytest.fixture
def event(cast: Cast) -> Event:
    """A salon on Thursday afternoon for 5 people, registration closing Wednesday 18:00; A and B invited."""
    e = event_create(
        actor=Actor.of(cast.desk),
        data=EventData(
            title="专精特新企业沙龙",
            starts_at=datetime(2026, 3, 5, 14, tzinfo=BJ),
            place="科创中心路演厅",
            capacity=5,
            registration_closes_at=datetime(2026, 3, 4, 18, tzinfo=BJ),
            description="政策解读与融资对接",
        ),
    )
    event_invite(actor=Actor.of(cast.desk), event_id=e.pk, enterprises=[cast.a, cast.b])
    return e
