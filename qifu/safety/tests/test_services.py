"""The safety services: rules refuse with a code and change nothing; the rectification lifecycle."""

from datetime import date

import pytest

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases.models import Case
from qifu.core.errors import QifuError
from qifu.notify.models import Notification
from qifu.safety.models import Outcome, Rectification, RectState, SafetyCheck, SafetyResult
from qifu.safety.services import (
    ResultIn,
    check_record,
    rectification_create,
    rectification_escalate,
    rectification_reopen,
    rectification_submit,
    rectification_verify,
)
from qifu.safety.tests.conftest import answers, at, default_checklist, given_check, given_visit
from qifu.visits.models import VisitKind


def _counts() -> tuple[int, int, int, int]:
    return (
        SafetyCheck.objects.count(),
        SafetyResult.objects.count(),
        Rectification.objects.count(),
        AuditEntry.objects.count(),
    )


def _refused(code: str, call, *args, **kwargs) -> None:
    before = _counts()
    with pytest.raises(QifuError) as err:
        call(*args, **kwargs)
    assert err.value.code == code, err.value.message
    assert err.value.message  # a clear message for the page
    assert _counts() == before


def test_the_default_checklist_is_seeded(cast) -> None:
    checklist = default_checklist(cast.a)
    codes = list(checklist.items.values_list("code", flat=True))
    assert len(codes) >= 10 and codes[0] == "S01"
    assert checklist.items.filter(severity="major").exists()


def test_a_failed_item_becomes_a_rectification_due_in_working_days_across_the_holiday(cast) -> None:
    # given a safety visit on the eve of National Day
    visit = given_visit(cast.a, cast.liaison_a, when=at(2026, 9, 30))
    # when the fire equipment fails, 5 working days to fix
    check = given_check(visit, cast.liaison_a, fail={"S05": 5})
    # then one rectification, due after the 1–7 October holiday (10 Oct is a Saturday worked)
    rect = Rectification.objects.get()
    assert check.failed == 1 and rect.enterprise_id == cast.a.pk
    assert rect.state == RectState.OPEN and rect.severity == "major" and rect.days == 5
    assert rect.due == date(2026, 10, 13)
    # the enterprise and its liaison are told
    told = set(Notification.objects.filter(kind="safety_rectification").values_list("recipient__username", flat=True))
    assert told == {"ent_a", "liaison_a"}


def test_the_item_default_days_apply_when_none_given(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a, when=at(2026, 11, 20))
    given_check(visit, cast.liaison_a, fail={"S10": None})
    assert Rectification.objects.get().days == 15


def test_checklist_on_a_non_safety_visit_is_refused(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a, kind=VisitKind.ROUTINE)
    _refused("not_safety_visit", given_check, visit, cast.liaison_a, {"S05": 5})


def test_results_by_someone_not_on_the_visit_are_refused(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    _refused("not_on_visit", given_check, visit, ahj.handler, {"S05": 5})  # the authority sees it, was not there
    _refused("not_found", given_check, visit, cast.liaison_b)  # another liaison does not even see it


def test_an_unknown_item_is_refused(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    rows = [*answers(cast.a), ResultIn(item_id=999999, outcome=Outcome.PASS)]
    _refused("unknown_item", check_record, actor=Actor.of(cast.liaison_a), visit_id=visit.pk, results=rows)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("missing_case", "incomplete"),
        ("bad_outcome_case", "invalid_choice"),
        ("duplicate_case", "duplicate_item"),
        ("days_case", "out_of_range"),
    ],
)
def test_bad_results_are_refused(cast, change: str, code: str) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    rows = answers(cast.a)
    if change == "missing_case":
        rows = rows[1:]
    elif change == "bad_outcome_case":
        rows[0] = ResultIn(item_id=rows[0].item_id, outcome="maybe")
    elif change == "duplicate_case":
        rows.append(rows[0])
    else:
        rows[0] = ResultIn(item_id=rows[0].item_id, outcome=Outcome.FAIL, days=400)
    _refused(code, check_record, actor=Actor.of(cast.liaison_a), visit_id=visit.pk, results=rows)


def test_a_result_with_a_rectification_cannot_be_changed(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    _refused("result_has_rectification", given_check, visit, cast.liaison_a)
    # other lines may still be corrected
    given_check(visit, cast.liaison_a, fail={"S05": 5, "S08": 3})
    assert Rectification.objects.count() == 2


def test_the_enterprise_reports_the_fix_and_cannot_verify_it(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    ent = Actor.of(cast.ent_a)
    rect = rectification_submit(actor=ent, rectification_id=rect.pk, note="已更换灭火器12具")
    assert rect.state == RectState.SUBMITTED and rect.submitted_at is not None
    _refused("action_not_allowed", rectification_verify, actor=ent, rectification_id=rect.pk)
    assert Rectification.objects.get().state == RectState.SUBMITTED
    # the authority accepts it
    rect = rectification_verify(actor=Actor.of(ahj.handler), rectification_id=rect.pk, note="现场核实")
    assert rect.state == RectState.VERIFIED and rect.verified_by_id == ahj.handler.pk


def test_another_enterprise_cannot_fix_the_item(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    _refused("not_found", rectification_submit, actor=Actor.of(cast.ent_b), rectification_id=rect.pk, note="x")
    assert Rectification.objects.get().state == RectState.OPEN


def test_staff_do_not_report_fixes_and_an_empty_note_is_refused(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    _refused(
        "action_not_allowed", rectification_submit, actor=Actor.of(cast.liaison_a), rectification_id=rect.pk, note="x"
    )
    _refused("required", rectification_submit, actor=Actor.of(cast.ent_a), rectification_id=rect.pk, note="  ")


def test_other_departments_and_liaisons_cannot_accept_without_a_recheck(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    rectification_submit(actor=Actor.of(cast.ent_a), rectification_id=rect.pk, note="已整改")
    _refused("action_not_allowed", rectification_verify, actor=Actor.of(cast.liaison_a), rectification_id=rect.pk)
    _refused("not_found", rectification_verify, actor=Actor.of(cast.jfj_handler), rectification_id=rect.pk)


def test_the_authority_accepts_only_a_reported_fix(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    _refused("invalid_state", rectification_verify, actor=Actor.of(ahj.head), rectification_id=rect.pk)


def test_a_recheck_visit_verifies_passed_items_and_reopens_failed_ones(cast, ahj) -> None:
    # given two hazards, both reported fixed
    visit = given_visit(cast.a, cast.liaison_a, when=at(2026, 11, 2))
    given_check(visit, cast.liaison_a, fail={"S05": 5, "S08": 5})
    fire, power = Rectification.objects.order_by("pk")
    for rect in (fire, power):
        rectification_submit(actor=Actor.of(cast.ent_a), rectification_id=rect.pk, note="已整改")
    # when a re-check visit finds the fire equipment fine and the wiring still bad
    recheck = given_visit(cast.a, ahj.handler, others=[cast.liaison_a], when=at(2026, 11, 20), recheck_of=visit)
    given_check(recheck, ahj.handler, fail={"S08": 3}, now=at(2026, 11, 20, 15))
    # then
    fire.refresh_from_db()
    power.refresh_from_db()
    assert fire.state == RectState.VERIFIED and fire.recheck_visit_id == recheck.pk
    assert power.state == RectState.REOPENED and power.reopen_count == 1
    assert power.due == date(2026, 11, 27)  # five working days from the re-check


def test_verify_with_a_visit_that_is_not_its_recheck_is_refused(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    unrelated = given_visit(cast.a, ahj.handler)
    _refused(
        "not_a_recheck",
        rectification_verify,
        actor=Actor.of(ahj.handler),
        rectification_id=rect.pk,
        recheck_visit_id=unrelated.pk,
    )
    recheck = given_visit(cast.a, ahj.handler, recheck_of=visit)
    rect = rectification_verify(actor=Actor.of(ahj.handler), rectification_id=rect.pk, recheck_visit_id=recheck.pk)
    assert rect.state == RectState.VERIFIED


def test_reopen_gives_a_new_deadline(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    _refused("invalid_state", rectification_reopen, actor=Actor.of(ahj.head), rectification_id=rect.pk, note="x")
    rectification_submit(actor=Actor.of(cast.ent_a), rectification_id=rect.pk, note="已整改")
    _refused("required", rectification_reopen, actor=Actor.of(ahj.head), rectification_id=rect.pk, note="")
    rect = rectification_reopen(
        actor=Actor.of(ahj.head), rectification_id=rect.pk, note="照片不清晰", days=3, now=at(2026, 11, 23)
    )
    assert rect.state == RectState.REOPENED and rect.due == date(2026, 11, 26)
    rect = rectification_submit(actor=Actor.of(cast.ent_a), rectification_id=rect.pk, note="补充照片")
    assert rect.state == RectState.SUBMITTED


def test_a_failed_item_left_without_rectification_can_get_one_later(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    rows = [
        ResultIn(item_id=r.item_id, outcome=r.outcome, rectify=False, note=r.note) for r in answers(cast.a, {"S12": 5})
    ]
    check_record(actor=Actor.of(cast.liaison_a), visit_id=visit.pk, results=rows)
    assert not Rectification.objects.exists()
    failed = SafetyResult.objects.get(outcome=Outcome.FAIL)
    passed = SafetyResult.objects.filter(outcome=Outcome.PASS).first()
    assert passed is not None
    _refused("not_failed", rectification_create, actor=Actor.of(ahj.handler), result_id=passed.pk)
    _refused("action_not_allowed", rectification_create, actor=Actor.of(cast.desk), result_id=failed.pk)
    rect = rectification_create(actor=Actor.of(ahj.handler), result_id=failed.pk, days=2)
    assert rect.days == 2
    _refused("rectification_exists", rectification_create, actor=Actor.of(ahj.handler), result_id=failed.pk)


def test_a_hazard_needing_help_becomes_a_safety_case(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S09": 5})
    rect = Rectification.objects.get()
    case = rectification_escalate(actor=Actor.of(cast.liaison_a), rectification_id=rect.pk)
    assert case.category is not None and case.category.code == "safety"
    assert Rectification.objects.get().case_id == case.pk
    with pytest.raises(QifuError) as err:
        rectification_escalate(actor=Actor.of(cast.liaison_a), rectification_id=rect.pk)
    assert err.value.code == "case_exists" and Case.objects.count() == 1
