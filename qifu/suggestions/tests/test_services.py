"""The suggestion services (PRODUCT.md §2.3): submit, assign, answer, close — the happy path, the
notices, and every rule broken with its code and nothing changed (rows, state, audit entries)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from qifu.audit.models import AuditEntry
from qifu.core.errors import Conflict, NotFound, PermissionDenied, QifuError, RuleViolation
from qifu.notify.models import Notification
from qifu.suggestions.models import Suggestion, SuggestionTopic
from qifu.suggestions.services import suggestion_answer, suggestion_assign, suggestion_close, suggestion_submit
from qifu.suggestions.tests.conftest import actor, given, submit

BJ = ZoneInfo("Asia/Shanghai")


def _snapshot() -> tuple[Any, ...]:
    rows = tuple(Suggestion.objects.order_by("pk").values_list("pk", "state", "department_id", "topic_id", "answer"))
    return rows, AuditEntry.objects.count(), Notification.objects.count()


@contextmanager
def refused(kind: type[QifuError], code: str) -> Iterator[None]:
    """The block raises `kind` with `code`, and no suggestion, audit entry or notice changed."""
    before = _snapshot()
    with pytest.raises(kind) as caught:
        yield
    assert caught.value.code == code, caught.value.message
    assert caught.value.message  # a message for people, in Chinese
    assert _snapshot() == before


# --- submit ------------------------------------------------------------------------------------


def test_an_enterprise_submits_for_itself(cast) -> None:
    s = submit(cast, "ent_a", topic="infrastructure", title="")
    assert (s.enterprise_id, s.author_id, s.author_role, s.source) == (cast.a.pk, cast.ent_a.pk, "enterprise", "portal")
    assert s.state == "submitted" and s.department_id is None
    assert s.topic is not None and s.topic.code == "infrastructure"
    assert s.title == "建议在园区增设公交线路，方便员工通勤。"  # the text's first line when no title
    assert s.month == s.created_at.astimezone(BJ).date().replace(day=1)
    assert AuditEntry.objects.filter(action="suggestion_submit", object_id=str(s.pk)).exists()


def test_the_month_is_the_beijing_month(cast) -> None:
    # 31 Oct 2026 17:00 UTC is already 1 Nov in Beijing
    late = datetime(2026, 10, 31, 17, tzinfo=ZoneInfo("UTC"))
    s = suggestion_submit(actor=actor(cast, "ent_a"), text="月末", now=late)
    assert s.month == date(2026, 11, 1)


def test_liaison_and_deputy_file_as_themselves_about_an_enterprise_or_none(cast) -> None:
    a = submit(cast, "liaison_a", enterprise=cast.a)
    free = submit(cast, "deputy")
    assert (a.source, a.enterprise_id) == ("liaison", cast.a.pk)
    assert (free.source, free.enterprise_id, free.author_role) == ("deputy", None, "deputy")


def test_the_visit_service_may_file_for_a_participant_outside_their_scope(cast) -> None:
    # a handler on a joint visit to B: the visit log vouches for the enterprise
    s = submit(cast, "jfj_handler", enterprise=cast.b, source="visit", source_id=4711)
    assert (s.enterprise_id, s.source, s.source_id) == (cast.b.pk, "visit", 4711)


@pytest.mark.parametrize("who", ["jfj_handler", "kjj_head", "desk", "leader"])
def test_any_staff_role_files_what_it_heard_on_a_visit(cast, who) -> None:
    s = submit(cast, who, enterprise=cast.a, source="visit", source_id=1)
    assert (s.author_role, s.source) == (getattr(cast, who).role, "visit")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param({"text": ""}, "required", id="empty_text_case"),
        pytest.param({"text": "   \n "}, "required", id="blank_text_case"),
        pytest.param({"text": "长" * 5001}, "too_long", id="overlong_text_case"),
        pytest.param({"title": "题" * 121}, "too_long", id="overlong_title_case"),
        pytest.param({"topic": "no_such_topic"}, "unknown_topic", id="unknown_topic_case"),
        pytest.param({"source": "pigeon"}, "invalid_choice", id="unknown_source_case"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, data, code) -> None:
    with refused(RuleViolation, code):
        submit(cast, "liaison_a", **data)


def test_a_retired_topic_is_unknown(cast) -> None:
    SuggestionTopic.objects.filter(code="finance").update(active=False)
    with refused(RuleViolation, "unknown_topic"):
        submit(cast, topic="finance")


def test_the_error_names_the_field(cast) -> None:
    with pytest.raises(RuleViolation) as caught:
        submit(cast, text="")
    assert caught.value.data == {"field": "text"}


@pytest.mark.parametrize("who", ["leader", "jfj_handler", "kjj_head", "desk", "sysadmin", "auditor"])
def test_roles_that_do_not_file_are_refused(cast, who) -> None:
    with refused(PermissionDenied, "suggestion_submit_forbidden"):
        submit(cast, who)


def test_an_enterprise_cannot_file_for_another(cast) -> None:
    with refused(NotFound, "not_found"):
        submit(cast, "ent_a", enterprise=cast.b)


def test_a_liaison_cannot_name_an_enterprise_outside_their_scope(cast) -> None:
    with refused(NotFound, "not_found"):
        submit(cast, "liaison_a", enterprise=cast.b)


# --- assign ------------------------------------------------------------------------------------


def test_the_desk_tags_and_assigns_and_the_department_hears_of_it(cast) -> None:
    s = submit(cast)
    done = suggestion_assign(actor=actor(cast, "desk"), suggestion=s, department="JFJ", topic="talent")
    assert (done.state, done.department.code if done.department else "", done.topic and done.topic.code) == (
        "assigned",
        "JFJ",
        "talent",
    )
    assert done.assigned_by_id == cast.desk.pk and done.assigned_at is not None
    told = set(Notification.objects.filter(kind="suggestion_assigned").values_list("recipient_id", flat=True))
    assert told == {cast.jfj_handler.pk, cast.jfj_head.pk}
    assert AuditEntry.objects.filter(action="suggestion_assign", object_id=str(s.pk)).exists()


def test_the_desk_may_reassign_before_the_answer(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    again = suggestion_assign(actor=actor(cast, "desk"), suggestion=s.pk, department="KJJ")
    assert again.department is not None and again.department.code == "KJJ"
    assert again.topic is not None and again.topic.code == "infrastructure"  # kept


@pytest.mark.parametrize("who", ["ent_a", "liaison_a", "leader"])
def test_assigning_by_a_non_desk_is_forbidden(cast, who) -> None:
    s = submit(cast, "ent_a")  # visible to ent_a, liaison_a (A's liaison) and the leader
    with refused(PermissionDenied, "suggestion_assign_forbidden"):
        suggestion_assign(actor=actor(cast, who), suggestion=s, department="JFJ", topic="other")


def test_the_assigned_department_cannot_reassign_either(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    with refused(PermissionDenied, "suggestion_assign_forbidden"):
        suggestion_assign(actor=actor(cast, "jfj_head"), suggestion=s, department="KJJ")


def test_assigning_outside_the_scope_is_not_found(cast) -> None:
    s = submit(cast, "ent_b")
    with refused(NotFound, "not_found"):
        suggestion_assign(actor=actor(cast, "jfj_handler"), suggestion=s, department="JFJ")


@pytest.mark.parametrize(
    ("department", "topic", "code"),
    [
        pytest.param("", "other", "required", id="no_department_case"),
        pytest.param("NOPE", "other", "unknown_department", id="unknown_department_case"),
        pytest.param("JFJ", None, "required", id="untagged_without_topic_case"),
        pytest.param("JFJ", "nope", "unknown_topic", id="unknown_topic_case"),
    ],
)
def test_bad_assignments_are_refused(cast, department, topic, code) -> None:
    s = submit(cast)
    with refused(RuleViolation, code):
        suggestion_assign(actor=actor(cast, "desk"), suggestion=s, department=department, topic=topic)


def test_an_answered_suggestion_cannot_be_reassigned(cast) -> None:
    s = given(cast, "answered")
    with refused(Conflict, "suggestion_already_answered"):
        suggestion_assign(actor=actor(cast, "desk"), suggestion=s, department="KJJ")


# --- answer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["jfj_handler", "jfj_head"])
def test_the_assigned_department_answers_and_the_author_is_told(cast, who) -> None:
    s = given(cast, "assigned", department="JFJ")
    done = suggestion_answer(actor=actor(cast, who), suggestion=s, answer="  已采纳，下月实施。 ")
    assert (done.state, done.answer, done.answered_by_id) == ("answered", "已采纳，下月实施。", getattr(cast, who).pk)
    told = Notification.objects.get(kind="suggestion_answered")
    assert told.recipient_id == cast.ent_a.pk and told.url == f"/suggestions/{s.pk}/"
    assert AuditEntry.objects.filter(action="suggestion_answer", object_id=str(s.pk)).exists()


def test_the_desk_may_answer_an_unassigned_suggestion_itself(cast) -> None:
    s = submit(cast, "liaison_a", enterprise=cast.a)
    done = suggestion_answer(actor=actor(cast, "desk"), suggestion=s, answer="已转相关部门研究。")
    assert done.state == "answered" and done.department_id is None
    assert Notification.objects.filter(kind="suggestion_answered", recipient=cast.liaison_a).exists()


def test_answering_another_department_s_suggestion_is_not_found(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    with refused(NotFound, "not_found"):
        suggestion_answer(actor=actor(cast, "kjj_handler"), suggestion=s, answer="越权答复")


@pytest.mark.parametrize("who", ["ent_a", "liaison_a", "leader"])
def test_those_who_see_it_but_do_not_answer_are_forbidden(cast, who) -> None:
    s = given(cast, "assigned", department="JFJ")
    with refused(PermissionDenied, "suggestion_answer_forbidden"):
        suggestion_answer(actor=actor(cast, who), suggestion=s, answer="我来答复")


def test_answering_twice_is_refused(cast) -> None:
    s = given(cast, "answered", department="JFJ")
    with refused(Conflict, "suggestion_already_answered"):
        suggestion_answer(actor=actor(cast, "jfj_head"), suggestion=s, answer="再次答复")


@pytest.mark.parametrize(
    ("text", "code"),
    [pytest.param("", "required", id="empty_answer_case"), pytest.param("答" * 5001, "too_long", id="long_case")],
)
def test_a_bad_answer_is_refused(cast, text, code) -> None:
    s = given(cast, "assigned", department="JFJ")
    with refused(RuleViolation, code):
        suggestion_answer(actor=actor(cast, "jfj_handler"), suggestion=s, answer=text)


# --- close -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ent_a", "desk"])
def test_the_author_or_the_desk_closes_an_answered_one(cast, who) -> None:
    s = given(cast, "answered")
    done = suggestion_close(actor=actor(cast, who), suggestion=s)
    assert done.state == "closed" and done.closed_at is not None


def test_closing_before_the_answer_is_refused(cast) -> None:
    s = given(cast, "assigned")
    with refused(Conflict, "suggestion_invalid_state"):
        suggestion_close(actor=actor(cast, "desk"), suggestion=s)


def test_others_cannot_close(cast) -> None:
    s = given(cast, "answered", department="JFJ")
    with refused(PermissionDenied, "suggestion_close_forbidden"):
        suggestion_close(actor=actor(cast, "jfj_handler"), suggestion=s)
