"""/api/v1/meetings and /api/v1/events: shapes, rules as {"code","detail"}, scope (404), paging and
query counts."""

from datetime import datetime
from typing import Any

import time_machine

from qifu.access.actor import Actor
from qifu.cases.models import Case
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import Cast
from qifu.meetings.models import Event, Meeting, MeetingItem
from qifu.meetings.tests.conftest import BJ, DURING, plan

M = "/api/v1/meetings"
E = "/api/v1/events"


def _case(cast: Cast, enterprise: Any, text: str = "厂房用电增容需协调") -> Case:
    desk = Actor.of(cast.desk)
    case = case_file(actor=desk, enterprise=enterprise, data=CaseData(text=text))
    return case_act(actor=desk, case_id=case.pk, action="accept")


def test_plan_invite_agenda_outcome_decision_minutes(cast: Cast, api_as: Any) -> None:
    desk = api_as(cast.desk)
    body = {
        "kind": "coordination",
        "title": "乙精密扩产项目现场协调会",
        "starts_at": "2026-03-05T09:00:00+08:00",
        "place": "精密机械产业园",
        "departments": ["JFJ", "KJJ"],
    }
    created = desk.post(M, body)
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert set(created.json()["departments"]) == {"YSB", "JFJ", "KJJ"}
    invited = desk.post(f"{M}/{meeting_id}/invites", {"enterprises": [cast.a.uscc, cast.b.uscc]})
    assert [i["state"] for i in invited.json()["invites"]] == ["invited", "invited"]
    case_b = _case(cast, cast.b)
    item = desk.post(f"{M}/{meeting_id}/items", {"case": case_b.pk})
    assert item.status_code == 201 and item.json()["outcome"] == "pending"
    refused = desk.post(f"{M}/{meeting_id}/items", {"case": _case(cast, cast.c).pk})
    assert refused.status_code == 422
    assert refused.json()["code"] == "enterprise_not_invited" and refused.json()["detail"]
    early = desk.post(f"{M}/{meeting_id}/items/{item.json()['id']}/outcome", {"outcome": "needs_policy"})
    assert early.status_code == 409 and early.json()["code"] == "meeting_not_started"
    with time_machine.travel(DURING, tick=False):
        desk = api_as(cast.desk)
        done = desk.post(
            f"{M}/{meeting_id}/items/{item.json()['id']}/outcome",
            {"outcome": "assigned", "department": "KJJ", "deadline_days": 5},
        )
        assert done.status_code == 200 and done.json()["case_action"] == "dispatch"
        assert done.json()["due_on"] == "2026-03-12" and done.json()["case_state"] == "dispatched"
        no_dept = desk.post(
            f"{M}/{meeting_id}/decisions", {"enterprise": cast.b.uscc, "text": "扩产用地", "deadline_days": 10}
        )
        assert no_dept.status_code == 422 and no_dept.json()["code"] == "required"
        decision = desk.post(
            f"{M}/{meeting_id}/decisions",
            {"enterprise": cast.b.uscc, "text": "扩产用地由经发局牵头协调", "department": "JFJ", "deadline_days": 10},
        )
        assert decision.status_code == 201
        case = Case.objects.get(pk=decision.json()["case"])
        assert case.channel == "onsite_office" and case.state == "dispatched"
        minutes = desk.put(f"{M}/{meeting_id}/minutes", {"minutes": "会议明确了两项事项。"})
        assert minutes.json()["state"] == "held"
        docx = desk.get(f"{M}/{meeting_id}/minutes.docx")
        assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_planning_in_the_past_answers_422(cast: Cast, api_as: Any) -> None:
    body = {"title": "会", "starts_at": "2026-03-01T09:00:00+08:00", "place": "x"}
    response = api_as(cast.desk).post(M, body)
    assert response.status_code == 422 and response.json()["code"] == "meeting_in_past"
    assert Meeting.objects.count() == 0
    forbidden = api_as(cast.jfj_handler).post(M, {**body, "starts_at": "2026-03-09T09:00:00+08:00"})
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "meeting_forbidden"


def test_scope_on_the_api(cast: Cast, meeting: Meeting, api_as: Any) -> None:
    desk = Actor.of(cast.desk)
    from qifu.meetings.services import meeting_item_add

    meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.a, "甲的诉求").pk)
    meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.b, "乙的诉求").pk)
    mine = api_as(cast.ent_a).get(f"{M}/{meeting.pk}").json()
    assert [i["enterprise"] for i in mine["items"]] == [cast.a.uscc]
    assert [i["enterprise"] for i in mine["invites"]] == [cast.a.uscc]
    assert len(api_as(cast.jfj_head).get(f"{M}/{meeting.pk}").json()["items"]) == 2
    for user in (cast.deputy, cast.sysadmin):
        response = api_as(user).get(f"{M}/{meeting.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api_as(cast.deputy).get(M).json() == {"items": [], "count": 0}
    item = MeetingItem.objects.filter(enterprise=cast.b).get()
    with time_machine.travel(DURING, tick=False):
        hidden = api_as(cast.ent_a).post(f"{M}/{meeting.pk}/items/{item.pk}/outcome", {"outcome": "needs_policy"})
    assert hidden.status_code == 403  # an enterprise never manages a meeting


def test_meeting_list_pages_with_a_fixed_query_count(
    cast: Cast, meeting: Meeting, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(4):
        plan(cast, title=f"协调会{n}")
    client = api_as(cast.desk)
    with django_assert_max_num_queries(6):
        page = client.get(M, {"limit": 2, "offset": 1})
    assert page.json()["count"] == 5 and len(page.json()["items"]) == 2
    ent = api_as(cast.ent_a)
    with django_assert_max_num_queries(6):
        assert ent.get(M).json()["count"] == 1
    with django_assert_max_num_queries(12):
        assert client.get(f"{M}/{meeting.pk}").status_code == 200


def test_events_over_the_api(cast: Cast, event: Event, api_as: Any, django_assert_max_num_queries: Any) -> None:
    ent_a, ent_b, desk = api_as(cast.ent_a), api_as(cast.ent_b), api_as(cast.desk)
    listed = ent_a.get(E).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == event.pk
    registered = ent_a.post(f"{E}/{event.pk}/register", {"attendees": 4})
    assert registered.status_code == 201 and registered.json()["my_registration"]["attendees"] == 4
    full = ent_b.post(f"{E}/{event.pk}/register", {"attendees": 2})
    assert full.status_code == 409 and full.json()["code"] == "event_full" and full.json()["seats_left"] == 1
    twice = ent_a.post(f"{E}/{event.pk}/register", {"attendees": 1})
    assert twice.json()["code"] == "already_registered"
    staff = desk.get(f"{E}/{event.pk}").json()
    assert (staff["registered"], staff["attendees"], staff["seats_left"]) == (1, 4, 1)
    assert ent_b.get(f"{E}/{event.pk}").json()["registrations"] == []  # not A's registration
    with time_machine.travel(datetime(2026, 3, 5, 14, 10, tzinfo=BJ), tick=False):
        desk = api_as(cast.desk)
        marked = desk.post(f"{E}/{event.pk}/attendance", {"registration": staff["registrations"][0]["id"]})
        assert marked.json()["attended"] == 1
        late = api_as(cast.ent_a).post(f"{E}/{event.pk}/cancel")
        assert late.status_code == 409 and late.json()["code"] == "registration_closed"
    leader = api_as(cast.leader)
    with django_assert_max_num_queries(6):
        assert leader.get(E).status_code == 200


def test_events_closed_and_not_invited(cast: Cast, event: Event, api_as: Any) -> None:
    other = api_as(cast.desk).post(
        E, {"title": "乙方专场", "starts_at": "2026-03-06T14:00:00+08:00", "place": "x", "capacity": 3}
    )
    assert other.status_code == 201
    api_as(cast.desk).post(f"{E}/{other.json()['id']}/invites", {"enterprises": [cast.b.uscc]})
    response = api_as(cast.ent_a).post(f"{E}/{other.json()['id']}/register", {"attendees": 1})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    with time_machine.travel(datetime(2026, 3, 4, 19, tzinfo=BJ), tick=False):
        closed = api_as(cast.ent_a).post(f"{E}/{event.pk}/register", {"attendees": 1})
    assert closed.status_code == 409 and closed.json()["code"] == "registration_closed"
