"""Filing and the lifecycle through the services: numbers, routing, clocks, pauses, extensions,
returns, reopening, and bad input that changes nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases import deadlines
from qifu.cases.models import Case, CaseEvent, CasePart, DepartmentRouting, InfoRequest, RoutingMode
from qifu.cases.services import CaseData, case_act, case_file, local_today, route_handler, routing_set
from qifu.cases.tests.conftest import act, drive, file
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.people.services import staff_create
from qifu.reference.models import Department
from qifu.workcal.calendar import zone_calendar

BJ = ZoneInfo("Asia/Shanghai")


def _lead(case: Case) -> str:
    return case.lead_department.code if case.lead_department else ""


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=BJ)


def test_filing_numbers_the_case_and_records_who_and_when(cast) -> None:
    first = file(cast)
    second = file(cast, "liaison_a", channel="visit")
    year = first.submitted_at.astimezone(BJ).year
    assert first.number == f"QF-{year}-000001"
    assert second.number == f"QF-{year}-000002"
    assert first.state == "submitted"
    assert first.liaison_id == cast.liaison_a.pk  # the liaison at filing time
    assert first.channel == "portal" and second.channel == "visit"
    assert first.filed_by_id == cast.ent_a.pk
    assert CaseEvent.objects.filter(case=first, action="file").count() == 1
    assert AuditEntry.objects.filter(action="case_file", object_id=first.number).exists()


def test_a_rolled_back_filing_gives_its_number_back(cast) -> None:
    file(cast)
    with pytest.raises(RuleViolation):
        file(cast, category="no-such-category")
    assert file(cast).number.endswith("000002")


def test_numbers_restart_each_year(cast) -> None:
    a = case_file(actor=cast.actor(cast.ent_a), enterprise=cast.a, data=CaseData(text="年末"), now=at(2026, 12, 31, 23))
    b = case_file(actor=cast.actor(cast.ent_a), enterprise=cast.a, data=CaseData(text="年初"), now=at(2027, 1, 1, 9))
    assert a.number == "QF-2026-000001"
    assert b.number == "QF-2027-000001"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"text": ""}, "required"),
        ({"text": "   \n "}, "required"),
        ({"text": "长" * 20000}, "too_long"),
        ({"text": "有问题", "category": "teleportation"}, "unknown_category"),
        ({"text": "有问题", "urgency": "yesterday"}, "invalid_choice"),
        ({"text": "有问题", "kind": "rumour"}, "invalid_choice"),
        ({"text": "有问题", "project": "XM-2026-002"}, "unknown_project"),  # project of enterprise B
        ({"text": "有问题", "title": "题" * 121}, "too_long"),
    ],
)
def test_bad_filings_are_refused_with_a_code_and_store_nothing(cast, data, code) -> None:
    with pytest.raises(RuleViolation) as exc:
        case_file(actor=cast.actor(cast.ent_a), enterprise=cast.a, data=CaseData(**data))
    assert exc.value.code == code
    assert exc.value.message  # a Chinese sentence for the page
    assert Case.objects.count() == 0
    assert not AuditEntry.objects.filter(action="case_file").exists()


def test_an_enterprise_cannot_file_for_another_enterprise(cast) -> None:
    with pytest.raises(NotFound):
        case_file(actor=cast.actor(cast.ent_a), enterprise=cast.b, data=CaseData(text="替别人提"))
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", ["jfj_handler", "jfj_head", "leader"])
def test_roles_that_do_not_file(cast, who) -> None:
    with pytest.raises(PermissionDenied):
        case_file(actor=cast.actor(getattr(cast, who)), enterprise=cast.a, data=CaseData(text="x"))


def test_an_action_on_a_withdrawn_case_is_refused_and_changes_nothing(cast) -> None:
    case = drive(cast, "withdrawn")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(Conflict) as exc:
        act(cast, "desk", "accept", case)
    assert exc.value.code == "action_not_allowed"
    case.refresh_from_db()
    assert case.state == "withdrawn"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_unknown_action_and_bad_payloads(cast) -> None:
    case = drive(cast, "in_progress")
    with pytest.raises(RuleViolation) as exc:
        act(cast, "jfj_handler", "teleport", case)
    assert exc.value.code == "unknown_action"
    with pytest.raises(RuleViolation) as exc:
        act(cast, "jfj_handler", "request_extension", case, days=0, reason="x")
    assert exc.value.code == "out_of_range"
    with pytest.raises(RuleViolation) as exc:
        act(cast, "jfj_handler", "resolve", case, answer="")
    assert exc.value.code == "required"


def test_dispatch_validates_departments(cast) -> None:
    case = drive(cast, "accepted")
    for payload, code in (
        ({"lead": "NOPE"}, "unknown_department"),
        ({"lead": "JFJ", "assist": ["JFJ"]}, "invalid_assist"),
        ({"lead": "JFJ", "assist": ["KJJ", "KJJ"]}, "invalid_assist"),
    ):
        with pytest.raises(RuleViolation) as exc:
            act(cast, "desk", "dispatch", case, **payload)
        assert exc.value.code == code
    case.refresh_from_db()
    assert case.state == "accepted" and case.lead_department_id is None


def test_dispatch_without_lead_uses_the_category_department(cast) -> None:
    case = drive(cast, "accepted")  # category utilities -> JFJ
    case = act(cast, "desk", "dispatch", case)
    assert _lead(case) == "JFJ"
    assert case.handler_id == cast.jfj_handler.pk


def test_dispatch_with_an_agreed_time_limit(cast) -> None:
    # given an urgent case (which would halve the category's time): an agreed limit is taken as is
    case = drive(cast, "accepted")
    Case.objects.filter(pk=case.pk).update(urgency="urgent")
    for bad in (0, 61, "x"):
        with pytest.raises(RuleViolation) as exc:
            act(cast, "desk", "dispatch", case, lead="JFJ", resolve_days=bad)
        assert exc.value.code == "out_of_range"
    case.refresh_from_db()
    assert case.state == "accepted"
    # when
    case = act(cast, "desk", "dispatch", case, lead="JFJ", resolve_days=7)
    # then
    assert case.resolve_days == 7
    assert case.resolve_by == deadlines.extended(zone_calendar(), local_today(), 7)


def test_clocks_across_spring_festival(cast) -> None:
    ent, desk, handler = (cast.actor(u) for u in (cast.ent_a, cast.desk, cast.jfj_handler))
    case = case_file(
        actor=ent, enterprise=cast.a, data=CaseData(text="政策咨询", category="policy"), now=at(2026, 2, 13)
    )
    assert case.respond_by == date(2026, 2, 14)
    case_act(actor=desk, case_id=case.pk, action="accept", now=at(2026, 2, 14))
    case = case_act(actor=desk, case_id=case.pk, action="dispatch", now=at(2026, 2, 14))
    assert case.sign_by == date(2026, 2, 24)
    assert case.resolve_by == date(2026, 2, 26)  # policy: 3 working days: 24, 25, 26
    assert case.responded_on_time is True
    case = case_act(actor=handler, case_id=case.pk, action="sign", now=at(2026, 2, 25))
    assert case.signed_on_time is False
    case = case_act(actor=handler, case_id=case.pk, action="resolve", payload={"answer": "已答复"}, now=at(2026, 2, 26))
    assert case.resolved_on_time is True
    assert case.handling_days == 4  # 14, 24, 25, 26 Feb


def test_green_channel_and_urgency_shorten_the_resolve_clock(cast) -> None:
    ent, desk = cast.actor(cast.ent_a), cast.actor(cast.desk)
    case = case_file(
        actor=ent,
        enterprise=cast.a,
        data=CaseData(text="急", category="utilities", urgency="urgent"),
        now=at(2026, 3, 2),
    )
    case_act(actor=desk, case_id=case.pk, action="accept", now=at(2026, 3, 2))
    case = case_act(actor=desk, case_id=case.pk, action="dispatch", payload={"green_channel": True}, now=at(2026, 3, 2))
    assert case.green_channel is True
    assert case.resolve_days == 3  # 10 × ½ × ½ → 2.5 → 3
    assert case.resolve_by == date(2026, 3, 5)


def test_request_info_pauses_the_clock_and_the_pause_is_recorded(cast) -> None:
    desk, handler, ent = cast.actor(cast.desk), cast.actor(cast.jfj_handler), cast.actor(cast.ent_a)
    case = case_file(actor=ent, enterprise=cast.a, data=CaseData(text="用电", category="utilities"), now=at(2026, 2, 9))
    case_act(actor=desk, case_id=case.pk, action="accept", now=at(2026, 2, 9))
    case_act(actor=desk, case_id=case.pk, action="dispatch", now=at(2026, 2, 9))
    case = case_act(actor=handler, case_id=case.pk, action="sign", now=at(2026, 2, 10))
    due = case.resolve_by
    case = case_act(
        actor=handler, case_id=case.pk, action="request_info", payload={"question": "负荷清单？"}, now=at(2026, 2, 13)
    )
    assert case.paused
    with pytest.raises(Conflict) as exc:
        case_act(actor=handler, case_id=case.pk, action="resolve", payload={"answer": "x"}, now=at(2026, 2, 13))
    assert exc.value.code == "info_pending"
    with pytest.raises(Conflict):
        case_act(
            actor=handler, case_id=case.pk, action="request_info", payload={"question": "再问"}, now=at(2026, 2, 13)
        )
    case = case_act(
        actor=ent, case_id=case.pk, action="provide_info", payload={"answer": "见附件"}, now=at(2026, 2, 24)
    )
    assert not case.paused
    assert case.paused_days == 2  # 14 Feb (adjusted Saturday) and 24 Feb
    assert due == date(2026, 2, 28)  # 10 working days from 9 Feb, two adjusted Saturdays included
    assert case.resolve_by == date(2026, 3, 3)
    info = InfoRequest.objects.get(case=case)
    assert info.paused_workdays == 2 and info.answer == "见附件"
    with pytest.raises(Conflict) as exc:
        case_act(actor=ent, case_id=case.pk, action="provide_info", payload={"answer": "again"})
    assert exc.value.code == "no_info_request"


def test_extension_is_approved_by_the_head_and_lengthens_the_clock(cast) -> None:
    case = drive(cast, "in_progress")
    due = case.resolve_by
    act(cast, "jfj_handler", "request_extension", case, days=5, reason="需现场勘察")
    with pytest.raises(Conflict) as exc:
        act(cast, "jfj_handler", "request_extension", case, days=2, reason="again")
    assert exc.value.code == "extension_pending"
    case = act(cast, "jfj_head", "approve_extension", case)
    assert case.extension_days == 5
    assert case.resolve_by and due and case.resolve_by > due
    with pytest.raises(Conflict) as exc:
        act(cast, "jfj_head", "deny_extension", case)
    assert exc.value.code == "no_pending_extension"


def test_a_handlers_return_waits_for_the_head_then_goes_back_to_the_desk(cast) -> None:
    case = drive(cast, "in_progress")
    case = act(cast, "jfj_handler", "return", case, reason="非本部门职责")
    assert case.state == "in_progress"
    case = act(cast, "jfj_head", "approve_return", case)
    assert case.state == "accepted" and case.return_count == 1 and case.handler_id is None
    assert not CasePart.objects.filter(case=case, active=True).exists()
    case = act(cast, "desk", "dispatch", case, lead="KJJ")
    assert case.state == "dispatched" and _lead(case) == "KJJ"


def test_resolve_waits_for_the_assisting_departments(cast) -> None:
    case = drive(cast, "in_progress")
    with pytest.raises(Conflict) as exc:
        act(cast, "jfj_handler", "resolve", case, answer="已办")
    assert exc.value.code == "parts_open"
    act(cast, "kjj_handler", "assist_sign", case)
    act(cast, "kjj_handler", "assist_reply", case, answer="同意")
    assert act(cast, "jfj_handler", "resolve", case, answer="已办").state == "resolved"


def test_a_dissatisfied_rating_reopens_to_the_same_department(cast) -> None:
    case = drive(cast, "resolved")
    case = act(cast, "ent_a", "rate", case, solved="not_solved", satisfaction="dissatisfied", comment="没解决")
    assert case.state == "in_progress" and case.reopen_count == 1
    assert _lead(case) == "JFJ" and case.resolved_at is None
    assert CaseEvent.objects.filter(case=case, action="rate", data__reopened=True).exists()
    act(cast, "jfj_handler", "resolve", case, answer="再次办理")
    case = act(cast, "ent_a", "rate", case, solved="solved", satisfaction="basically_satisfied")
    assert case.state == "closed" and case.satisfaction == "basically_satisfied"


def test_the_enterprise_does_not_see_internal_events(cast) -> None:
    from qifu.cases.selectors import case_view

    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "message", case, text="内部：企业资料不全", public=False)
    act(cast, "jfj_handler", "message", case, text="您好，正在办理", public=True)
    act(cast, "desk", "supervise", case, note="加快")
    mine = case_view(actor=cast.actor(cast.ent_a), case_id=case.pk)
    texts = [e.text for e in mine.events]
    assert "您好，正在办理" in texts and "内部：企业资料不全" not in texts and "加快" not in texts
    assert mine.parts == [] and "经济发展局" in mine.plain
    staff = case_view(actor=cast.actor(cast.jfj_handler), case_id=case.pk)
    assert "内部：企业资料不全" in [e.text for e in staff.events]


def test_an_enterprise_message_is_always_public(cast) -> None:
    case = drive(cast, "in_progress")
    act(cast, "ent_a", "message", case, text="请尽快", public=False)
    assert CaseEvent.objects.get(case=case, action="message").public is True


def _handler(cast, username: str) -> None:
    staff_create(
        actor=None,
        username=username,
        role="handler",
        display_name=username,
        department=Department.objects.get(code="JFJ"),
        position="科员",
        phone="13800138001",
        password="Qf!test-Pass42",
        must_change_password=False,
    )


def test_round_robin_and_least_loaded_routing(cast) -> None:
    _handler(cast, "jfj_handler2")
    jfj = Department.objects.get(code="JFJ")
    picked = [route_handler(jfj).username for _ in range(3)]  # type: ignore[union-attr]
    assert picked == ["jfj_handler", "jfj_handler2", "jfj_handler"]
    routing_set(actor=cast.actor(cast.jfj_head), department=jfj, mode=RoutingMode.LEAST_LOADED)
    drive(cast, "in_progress")  # routed to someone; the next goes to the other
    busy = Case.objects.get().handler.username  # type: ignore[union-attr]
    assert route_handler(jfj).username != busy  # type: ignore[union-attr]


def test_head_assigns_mode_leaves_the_case_for_the_head(cast) -> None:
    jfj = Department.objects.get(code="JFJ")
    routing_set(actor=cast.actor(cast.desk), department=jfj, mode=RoutingMode.HEAD_ASSIGNS)
    case = drive(cast, "dispatched")
    assert case.handler_id is None
    case = act(cast, "jfj_head", "assign", case, handler="jfj_handler")
    assert case.handler_id == cast.jfj_handler.pk
    with pytest.raises(RuleViolation):
        act(cast, "jfj_head", "assign", case, handler="kjj_handler")


def test_only_the_desk_or_the_departments_head_sets_routing(cast) -> None:
    jfj = Department.objects.get(code="JFJ")
    for who in ("kjj_head", "jfj_handler", "leader"):
        with pytest.raises(PermissionDenied):
            routing_set(actor=cast.actor(getattr(cast, who)), department=jfj, mode="least_loaded")
    assert not DepartmentRouting.objects.filter(department=jfj, mode="least_loaded").exists()


def test_out_of_scope_actor_gets_not_found(cast) -> None:
    case = drive(cast, "submitted")
    with pytest.raises(NotFound):
        case_act(actor=Actor.of(cast.ent_b), case_id=case.pk, action="withdraw")
    with pytest.raises(NotFound):
        case_act(actor=Actor.of(cast.desk), case_id=999999, action="accept")


def test_filing_tells_the_liaison_and_only_urgent_requests_reach_each_desk_member(cast) -> None:
    from qifu.notify.models import Notification

    file(cast)
    assert Notification.objects.filter(recipient=cast.liaison_a, kind="case_filed").count() == 1
    assert not Notification.objects.filter(recipient=cast.desk).exists()  # the intake queue shows it
    file(cast, urgency="urgent")
    assert Notification.objects.filter(recipient=cast.desk, kind="case_filed", urgent=True).count() == 1
