"""Meetings (PRODUCT.md §2.7) through the services: planning, agenda, outcomes, decisions → cases,
minutes; every refused rule leaves nothing changed (rows and audit log)."""

from datetime import datetime
from typing import Any

import pytest
import time_machine

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases.models import Case, CaseEvent
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import Cast
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.meetings.models import Meeting, MeetingDecision, MeetingDepartment, MeetingInvite, MeetingItem
from qifu.meetings.services import (
    DecisionData,
    MeetingData,
    OutcomeData,
    meeting_cancel,
    meeting_decide,
    meeting_invite,
    meeting_item_add,
    meeting_item_outcome,
    meeting_minutes,
    meeting_respond,
    meeting_update,
)
from qifu.meetings.tests.conftest import BJ, DURING, plan


def _case(cast: Cast, enterprise: Any, *, accept: bool = True) -> Case:
    desk = Actor.of(cast.desk)
    case = case_file(
        actor=desk, enterprise=enterprise, data=CaseData(text="厂房用电增容需协调供电公司", category="utilities")
    )
    if accept:
        case = case_act(actor=desk, case_id=case.pk, action="accept")
    return case


def _snapshot() -> tuple[int, ...]:
    return (
        Meeting.objects.count(),
        MeetingDepartment.objects.count(),
        MeetingInvite.objects.count(),
        MeetingItem.objects.count(),
        MeetingDecision.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def _refused(exc_type: type[Exception], code: str, fn: Any, **kwargs: Any) -> Any:
    before = _snapshot()
    with pytest.raises(exc_type) as info:
        fn(**kwargs)
    assert getattr(info.value, "code", None) == code
    assert _snapshot() == before
    return info.value


def test_desk_plans_a_meeting_with_its_departments(cast: Cast) -> None:
    meeting = plan(cast)
    codes = set(MeetingDepartment.objects.filter(meeting=meeting).values_list("department__code", flat=True))
    assert codes == {"YSB", "JFJ", "KJJ"}
    assert meeting.host_department.code == "YSB"
    assert meeting.state == "planned"


def test_a_department_head_hosts_with_their_own_department(cast: Cast) -> None:
    meeting = plan(cast, "jfj_head", host_department="KJJ", kind="coordination")
    assert meeting.host_department.code == "JFJ"


@pytest.mark.parametrize("who_case", ["jfj_handler", "liaison_a", "ent_a", "leader", "sysadmin"])
def test_other_roles_cannot_plan_case(cast: Cast, who_case: str) -> None:
    _refused(PermissionDenied, "meeting_forbidden", plan, cast=cast, who=who_case)


def test_planning_a_meeting_in_the_past_is_refused(cast: Cast) -> None:
    err = _refused(RuleViolation, "meeting_in_past", plan, cast=cast, starts_at=datetime(2026, 3, 1, 9, tzinfo=BJ))
    assert "将来" in err.message


def test_moving_a_meeting_into_the_past_is_refused(cast: Cast, meeting: Meeting) -> None:
    data = MeetingData(title="改期", starts_at=datetime(2026, 3, 2, 9, tzinfo=BJ), place="会议室")
    _refused(
        RuleViolation, "meeting_in_past", meeting_update, actor=Actor.of(cast.desk), meeting_id=meeting.pk, data=data
    )
    assert Meeting.objects.get(pk=meeting.pk).title == meeting.title


@pytest.mark.parametrize(
    ("field_case", "value", "code"),
    [
        ("title", "", "required"),
        ("place", " ", "required"),
        ("kind", "party", "invalid_choice"),
        ("title", "长" * 121, "too_long"),
    ],
)
def test_bad_plan_input_case(cast: Cast, field_case: str, value: str, code: str) -> None:
    _refused(RuleViolation, code, plan, cast=cast, **{field_case: value})


def test_another_department_head_cannot_manage_it(cast: Cast, meeting: Meeting) -> None:
    # KJJ takes part (so its head sees the meeting) but does not host it
    _refused(
        PermissionDenied, "meeting_forbidden", meeting_cancel, actor=Actor.of(cast.kjj_head), meeting_id=meeting.pk
    )


def test_invitations_are_contacts_in_the_disturbance_budget(cast: Cast, monkeypatch: Any) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("qifu.meetings.services.record_contact", lambda **kw: calls.append(kw))
    meeting = plan(cast)
    desk = Actor.of(cast.desk)
    meeting_invite(actor=desk, meeting_id=meeting.pk, enterprises=[cast.a])
    meeting_invite(actor=desk, meeting_id=meeting.pk, enterprises=[cast.a, cast.b], requested=True)
    assert [(c["enterprise"].pk, c["requested"], c["kind"], c["source"]) for c in calls] == [
        (cast.a.pk, False, "meeting", "meeting"),
        (cast.b.pk, True, "meeting", "meeting"),
    ]
    assert all(c["source_id"] == meeting.pk and str(c["on"]) == "2026-03-05" for c in calls)
    assert MeetingInvite.objects.filter(meeting=meeting).count() == 2


def test_the_enterprise_answers_its_invitation(cast: Cast, meeting: Meeting) -> None:
    invite = meeting_respond(actor=Actor.of(cast.ent_a), meeting_id=meeting.pk, state="attending")
    assert invite.enterprise_id == cast.a.pk and invite.state == "attending"


def test_agenda_takes_cases_of_invited_enterprises_only(cast: Cast, meeting: Meeting) -> None:
    desk = Actor.of(cast.desk)
    item = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.a).pk)
    assert item.enterprise_id == cast.a.pk
    not_invited = _case(cast, cast.c)
    err = _refused(
        RuleViolation,
        "enterprise_not_invited",
        meeting_item_add,
        actor=desk,
        meeting_id=meeting.pk,
        case_id=not_invited.pk,
    )
    assert cast.c.name in err.message
    _refused(Conflict, "item_duplicate", meeting_item_add, actor=desk, meeting_id=meeting.pk, case_id=item.case_id)


def test_a_case_outside_the_actors_scope_is_not_found(cast: Cast) -> None:
    meeting = plan(cast, "kjj_head")
    meeting_invite(actor=Actor.of(cast.desk), meeting_id=meeting.pk, enterprises=[cast.b])
    case = _case(cast, cast.b)  # accepted, not yet KJJ's
    _refused(
        NotFound, "not_found", meeting_item_add, actor=Actor.of(cast.kjj_head), meeting_id=meeting.pk, case_id=case.pk
    )


def test_outcomes_wait_for_the_meeting(cast: Cast, meeting: Meeting) -> None:
    desk = Actor.of(cast.desk)
    item = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.a).pk)
    data = OutcomeData(outcome="needs_policy")
    _refused(
        Conflict,
        "meeting_not_started",
        meeting_item_outcome,
        actor=desk,
        meeting_id=meeting.pk,
        item_id=item.pk,
        data=data,
    )


def test_resolved_on_the_spot_answers_the_case_through_its_lifecycle(cast: Cast, meeting: Meeting) -> None:
    desk = Actor.of(cast.desk)
    case = _case(cast, cast.a)
    item = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=case.pk)
    with time_machine.travel(DURING, tick=False):
        done = meeting_item_outcome(
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item.pk,
            data=OutcomeData("resolved_on_spot", note="供电公司现场承诺下周增容"),
        )
    case.refresh_from_db()
    assert done.outcome == "resolved_on_spot" and done.case_changed == "answer"
    assert case.state == "resolved" and case.answer == "供电公司现场承诺下周增容"
    assert CaseEvent.objects.filter(case=case, action="answer").count() == 1
    with time_machine.travel(DURING, tick=False):
        _refused(
            Conflict,
            "item_decided",
            meeting_item_outcome,
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item.pk,
            data=OutcomeData("needs_policy"),
        )


def test_resolved_on_the_spot_needs_the_answer(cast: Cast, meeting: Meeting) -> None:
    desk = Actor.of(cast.desk)
    item = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.a).pk)
    with time_machine.travel(DURING, tick=False):
        _refused(
            RuleViolation,
            "required",
            meeting_item_outcome,
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item.pk,
            data=OutcomeData("resolved_on_spot"),
        )


def test_assigned_dispatches_an_accepted_case_with_a_deadline(cast: Cast, meeting: Meeting) -> None:
    desk = Actor.of(cast.desk)
    case = _case(cast, cast.b)
    item = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=case.pk)
    with time_machine.travel(DURING, tick=False):
        done = meeting_item_outcome(
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item.pk,
            data=OutcomeData("assigned", department="KJJ", deadline_days=5),
        )
    case.refresh_from_db()
    assert done.department is not None and case.lead_department is not None
    assert done.department.code == "KJJ" and str(done.due_on) == "2026-03-12"  # Thu + 5 working days
    assert case.state == "dispatched" and case.lead_department.code == "KJJ"


@pytest.mark.parametrize(
    ("dept", "days", "code"),
    [("", 5, "required"), ("KJJ", None, "required"), ("KJJ", 0, "out_of_range"), ("XXX", 5, "unknown_department")],
)
def test_assigned_needs_department_and_deadline_case(
    cast: Cast, meeting: Meeting, dept: str, days: Any, code: str
) -> None:
    desk = Actor.of(cast.desk)
    item = meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.b).pk)
    with time_machine.travel(DURING, tick=False):
        _refused(
            RuleViolation,
            code,
            meeting_item_outcome,
            actor=desk,
            meeting_id=meeting.pk,
            item_id=item.pk,
            data=OutcomeData("assigned", department=dept, deadline_days=days),
        )


def test_a_decision_becomes_a_dispatched_case_from_the_onsite_office(cast: Cast, meeting: Meeting) -> None:
    desk = Actor.of(cast.desk)
    with time_machine.travel(DURING, tick=False):
        decision = meeting_decide(
            actor=desk,
            meeting_id=meeting.pk,
            data=DecisionData(
                enterprise=cast.a, text="由经发局牵头协调甲电子新厂房用地指标", department="JFJ", deadline_days=10
            ),
        )
    assert decision.case_id is not None
    case = Case.objects.get(pk=decision.case_id)
    assert case.channel == "onsite_office"
    assert case.enterprise_id == cast.a.pk
    assert case.lead_department is not None
    assert case.state == "dispatched" and case.lead_department.code == "JFJ"
    assert case.resolve_by is not None and case.sign_by is not None
    assert str(decision.due_on) == "2026-03-19"  # Thu 5 March + 10 working days
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["file", "accept", "dispatch"]


@pytest.mark.parametrize(
    ("dept", "days", "code"), [("", 10, "required"), ("JFJ", None, "required"), ("JFJ", 99, "out_of_range")]
)
def test_a_decision_without_department_or_deadline_is_refused_case(
    cast: Cast, meeting: Meeting, dept: str, days: Any, code: str
) -> None:
    data = DecisionData(enterprise=cast.a, text="协调用地", department=dept, deadline_days=days)
    with time_machine.travel(DURING, tick=False):
        _refused(RuleViolation, code, meeting_decide, actor=Actor.of(cast.desk), meeting_id=meeting.pk, data=data)


def test_a_decision_for_an_enterprise_not_invited_is_refused(cast: Cast, meeting: Meeting) -> None:
    data = DecisionData(enterprise=cast.c, text="协调用地", department="JFJ", deadline_days=5)
    with time_machine.travel(DURING, tick=False):
        _refused(
            RuleViolation,
            "enterprise_not_invited",
            meeting_decide,
            actor=Actor.of(cast.desk),
            meeting_id=meeting.pk,
            data=data,
        )


def test_only_the_desk_turns_decisions_into_cases(cast: Cast) -> None:
    meeting = plan(cast, "jfj_head")
    meeting_invite(actor=Actor.of(cast.desk), meeting_id=meeting.pk, enterprises=[cast.a])
    data = DecisionData(enterprise=cast.a, text="协调用地", department="JFJ", deadline_days=5)
    with time_machine.travel(DURING, tick=False):
        _refused(
            PermissionDenied,
            "decision_desk_only",
            meeting_decide,
            actor=Actor.of(cast.jfj_head),
            meeting_id=meeting.pk,
            data=data,
        )


def test_minutes_mark_the_meeting_held(cast: Cast, meeting: Meeting) -> None:
    with time_machine.travel(DURING, tick=False):
        held = meeting_minutes(
            actor=Actor.of(cast.desk), meeting_id=meeting.pk, minutes="一、会议听取了企业诉求。\n二、明确了责任部门。"
        )
    assert held.state == "held" and held.held_at is not None
    _refused(Conflict, "meeting_not_planned", meeting_cancel, actor=Actor.of(cast.desk), meeting_id=meeting.pk)


def test_invitations_land_on_the_disturbance_ledger(cast: Cast) -> None:
    from datetime import date

    from qifu.visits.contacts import budget_status
    from qifu.visits.models import Contact

    meeting = plan(cast)
    desk = Actor.of(cast.desk)
    meeting_invite(actor=desk, meeting_id=meeting.pk, enterprises=[cast.a])
    meeting_invite(actor=desk, meeting_id=meeting.pk, enterprises=[cast.b], requested=True)
    rows = {c.enterprise_id: c for c in Contact.objects.filter(source="meeting", source_id=meeting.pk)}
    assert rows[cast.a.pk].counted and not rows[cast.b.pk].counted
    assert rows[cast.a.pk].kind == "meeting" and rows[cast.a.pk].on == date(2026, 3, 5)
    assert budget_status(cast.a, date(2026, 3, 5)).used == 1
    assert budget_status(cast.b, date(2026, 3, 5)).used == 0


def test_a_cancelled_meeting_leaves_the_disturbance_ledger(cast: Cast, meeting: Meeting) -> None:
    from qifu.visits.models import Contact

    assert Contact.objects.filter(source="meeting", source_id=meeting.pk).count() == 2
    meeting_cancel(actor=Actor.of(cast.desk), meeting_id=meeting.pk, reason="台风预警")
    assert Contact.objects.filter(source="meeting", source_id=meeting.pk).count() == 0
    assert MeetingInvite.objects.filter(meeting=meeting).count() == 2


def test_a_liaison_sees_only_the_rows_of_its_enterprises(cast: Cast, meeting: Meeting) -> None:
    from qifu.meetings.selectors import meeting_page

    desk = Actor.of(cast.desk)
    meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.a).pk)
    meeting_item_add(actor=desk, meeting_id=meeting.pk, case_id=_case(cast, cast.b).pk)
    page = meeting_page(actor=Actor.of(cast.liaison_b), meeting_id=meeting.pk)
    assert {i.enterprise_id for i in page.items} == {cast.b.pk}
    assert {i.enterprise_id for i in page.invites} == {cast.b.pk}
    assert not page.can_manage
