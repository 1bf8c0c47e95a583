"""Meeting pages per role: visibility (404 outside the scope), the enterprise's narrow view of the
agenda, forms with errors beside the field, the minutes as a Word document, fixed query counts."""

from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.test import Client
from docx import Document

from qifu.access.actor import Actor
from qifu.cases.models import Case
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import Cast
from qifu.meetings.models import Meeting, MeetingItem
from qifu.meetings.services import (
    DecisionData,
    OutcomeData,
    meeting_decide,
    meeting_item_add,
    meeting_item_outcome,
    meeting_minutes,
)
from qifu.meetings.tests.conftest import DURING, plan


def _client(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, who))
    return client


def _case(cast: Cast, enterprise: Any, text: str) -> Case:
    desk = Actor.of(cast.desk)
    case = case_file(actor=desk, enterprise=enterprise, data=CaseData(text=text, title=text[:20]))
    return case_act(actor=desk, case_id=case.pk, action="accept")


@pytest.fixture
def agenda(cast: Cast, meeting: Meeting) -> tuple[MeetingItem, MeetingItem]:
    desk = Actor.of(cast.desk)
    a = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.a, "甲电子厂房用电增容").pk)
    b = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.b, "乙精密招工难题").pk)
    return a, b


@pytest.mark.parametrize(
    ("who_case", "status"),
    [
        ("desk", 200),
        ("leader", 200),
        ("jfj_head", 200),  # JFJ takes part
        ("jfj_handler", 200),
        ("liaison_a", 200),  # A is invited
        ("liaison_b", 200),  # B is invited
        ("ent_a", 200),
        ("deputy", 404),  # linked to C, not invited
        ("sysadmin", 404),
        ("auditor", 404),
    ],
)
def test_meeting_page_visibility_case(cast: Cast, meeting: Meeting, who_case: str, status: int) -> None:
    assert _client(cast, who_case).get(f"/meetings/{meeting.pk}/").status_code == status


def test_a_department_not_taking_part_gets_404(cast: Cast) -> None:
    meeting = plan(cast, departments=("JFJ",))
    assert _client(cast, "kjj_handler").get(f"/meetings/{meeting.pk}/").status_code == 404
    assert _client(cast, "kjj_handler").get(f"/meetings/{meeting.pk}/minutes.docx").status_code == 404
    assert meeting.title not in _client(cast, "kjj_handler").get("/meetings/?when=all").content.decode()


def test_the_enterprise_sees_only_its_own_cases_on_the_agenda(cast: Cast, meeting: Meeting, agenda: Any) -> None:
    html = _client(cast, "ent_a").get(f"/meetings/{meeting.pk}/").content.decode()
    assert "甲电子厂房用电增容" in html
    assert "乙精密招工难题" not in html and cast.b.name not in html
    desk_html = _client(cast, "desk").get(f"/meetings/{meeting.pk}/").content.decode()
    assert "乙精密招工难题" in desk_html


def test_the_enterprise_answers_the_invitation_on_the_page(cast: Cast, meeting: Meeting) -> None:
    client = _client(cast, "ent_a")
    response = client.post(f"/meetings/{meeting.pk}/respond/", {"state": "attending"})
    assert response.status_code == 302
    assert "您已确认参加本次会议" in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_planning_in_the_past_shows_the_error_beside_the_field(cast: Cast) -> None:
    client = _client(cast, "desk")
    data = {"kind": "coordination", "title": "协调会", "starts_at": "2026-03-01T09:00", "place": "管委会"}
    response = client.post("/meetings/new/", data)
    assert response.status_code == 200
    assert "开始时间已过" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_the_desk_plans_through_the_form(cast: Cast) -> None:
    data = {
        "kind": "onsite_office",
        "title": "精密机械产业园集中现场办公",
        "starts_at": "2026-03-10T09:30",
        "place": "精密机械产业园服务站",
        "departments": ["JFJ", "KJJ"],
    }
    response = _client(cast, "desk").post("/meetings/new/", data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.starts_at.isoformat() == "2026-03-10T01:30:00+00:00"  # 09:30 Beijing, stored UTC


@pytest.mark.parametrize("who_case", ["jfj_handler", "liaison_a", "ent_a", "sysadmin"])
def test_only_planners_open_the_planning_form_case(cast: Cast, who_case: str) -> None:
    assert _client(cast, who_case).get("/meetings/new/").status_code == 404


def test_agenda_with_a_case_of_an_enterprise_not_invited_says_why(cast: Cast, meeting: Meeting) -> None:
    case = _case(cast, cast.c, "丙生物环评咨询")
    client = _client(cast, "desk")
    response = client.post(f"/meetings/{meeting.pk}/items/", {"case": case.number}, follow=True)
    assert "未被邀请参加本次会议" in response.content.decode()
    assert MeetingItem.objects.count() == 0


def test_outcome_and_decision_through_the_page(cast: Cast, meeting: Meeting, agenda: Any) -> None:
    item_a, _item_b = agenda
    with time_machine.travel(DURING, tick=False):
        client = _client(cast, "desk")  # signed in on the day (sessions time out when idle)
        client.post(
            f"/meetings/{meeting.pk}/items/{item_a.pk}/outcome/",
            {"outcome": "assigned", "department": "JFJ", "deadline_days": "5"},
        )
        missing = client.post(
            f"/meetings/{meeting.pk}/decisions/", {"enterprise": cast.a.uscc, "text": "协调用地", "department": ""}
        )
        assert missing.status_code == 422 and "请选择责任部门" in missing.content.decode()
        client.post(
            f"/meetings/{meeting.pk}/decisions/",
            {"enterprise": cast.a.uscc, "text": "协调用地", "department": "JFJ", "deadline_days": "10"},
        )
    item_a.refresh_from_db()
    assert item_a.outcome == "assigned"
    assert Case.objects.filter(channel="onsite_office").count() == 1


def test_minutes_as_a_word_document(cast: Cast, meeting: Meeting, agenda: Any) -> None:
    item_a, item_b = agenda
    desk = Actor.of(cast.desk)
    with time_machine.travel(DURING, tick=False):
        meeting_item_outcome(
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item_a.pk,
            data=OutcomeData("resolved_on_spot", note="现场答复：下周增容"),
        )
        meeting_item_outcome(
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item_b.pk,
            data=OutcomeData("assigned", department="KJJ", deadline_days=5),
        )
        meeting_decide(
            actor=desk,
            meeting_id=meeting.pk,
            data=DecisionData(enterprise=cast.a, text="经发局牵头协调新厂房用地", department="JFJ", deadline_days=10),
        )
        meeting_minutes(actor=desk, meeting_id=meeting.pk, minutes="会议听取了两家企业的诉求。")
    response = _client(cast, "desk").get(f"/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "光电产业园集中现场办公会议纪要" in text
    assert "2026年3月5日 09:00" in text
    assert "光电产业园服务中心302会议室" in text
    assert "经济发展局" in text or "经发" in text  # departments line
    assert cast.a.name in text and cast.b.name in text  # attendees
    assert "现场解决：现场答复：下周增容" in cells
    assert "明确责任限时办结" in cells and "5个工作日内（3月12日前）办结" in cells
    assert "经发局牵头协调新厂房用地" in cells and "10个工作日（3月19日前）" in cells
    assert "会议听取了两家企业的诉求。" in text
    # the enterprise's copy holds only its own case
    mine = Document(BytesIO(_client(cast, "ent_a").get(f"/meetings/{meeting.pk}/minutes.docx").content))
    mine_cells = "\n".join(c.text for t in mine.tables for row in t.rows for c in row.cells)
    assert "下周增容" in mine_cells and "明确责任限时办结" not in mine_cells


def test_list_and_page_query_counts_stay_fixed(
    cast: Cast, meeting: Meeting, agenda: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        plan(cast, title=f"协调会{n}")
    client = _client(cast, "desk")
    client.get("/meetings/")  # warm the session and reference caches
    with django_assert_max_num_queries(12):
        assert client.get("/meetings/?when=all").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    ent = _client(cast, "ent_a")
    ent.get("/meetings/")
    with django_assert_max_num_queries(12):
        assert ent.get("/meetings/?when=all").status_code == 200


def test_the_edit_form_for_managers_only(cast: Cast, meeting: Meeting) -> None:
    desk = _client(cast, "desk")
    form = desk.get(f"/meetings/{meeting.pk}/edit/")
    assert form.status_code == 200 and meeting.title in form.content.decode()
    moved = desk.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "kind": "onsite_office",
            "title": "改期后的现场办公",
            "starts_at": "2026-03-06T14:00",
            "place": "管委会",
            "departments": ["KJJ"],
        },
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "改期后的现场办公" and meeting.host_department.code == "YSB"
    assert (
        _client(cast, "kjj_head").get(f"/meetings/{meeting.pk}/edit/").status_code == 404
    )  # takes part, does not host


def test_inviting_an_unknown_enterprise_says_which_line(cast: Cast) -> None:
    meeting = plan(cast)
    response = _client(cast, "desk").post(
        f"/meetings/{meeting.pk}/invite/", {"enterprises": f"{cast.a.uscc}\n不存在的公司"}
    )
    assert response.status_code == 422
    assert "不存在的公司" in response.content.decode() and "没有找到这家企业" in response.content.decode()
    assert MeetingItem.objects.count() == 0 and meeting.invites.count() == 0
