"""`qifu seed`: the cases (诉求) — deterministic, numbered, and settled as the services settle them."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases import deadlines
from qifu.cases.models import OPEN_STATES, Case, CaseEvent, CasePart, CaseSequence, CaseState
from qifu.cases.services import CaseData, case_act, case_file
from qifu.linkage.models import Linkage
from qifu.ops.seeding.cases import TableCalendar
from qifu.ops.seeding.commons import COMMON_CASES
from qifu.ops.seeding.digest import seed_digest
from qifu.ops.seeding.scales import SCALES
from qifu.workcal.calendar import WorkCalendar, zone_calendar

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 27)  # a Friday


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = None
    return tmp_path


def seed(number: int = 1, as_of: date = AS_OF) -> str:
    out = StringIO()
    call_command("seed", scale="small", seed=number, as_of=as_of, no_progress=True, stdout=out)
    return out.getvalue()


def local(moment: datetime) -> date:
    return timezone.localdate(moment)


def test_cases_are_deterministic_for_a_seed_and_a_day():
    # given: one run, rolled back
    with transaction.atomic():
        seed()
        first = seed_digest()
        transaction.set_rollback(True)

    # when: the same seed and day again
    seed()

    # then
    assert seed_digest() == first
    assert Case.objects.count() == SCALES["small"].cases + COMMON_CASES  # + qifu.commons demo cases


def test_another_day_moves_the_timelines():
    with transaction.atomic():
        seed(as_of=AS_OF)
        first = list(Case.objects.order_by("number").values_list("submitted_at", flat=True))
        transaction.set_rollback(True)

    seed(as_of=AS_OF + timedelta(days=7))

    assert list(Case.objects.order_by("number").values_list("submitted_at", flat=True)) != first


def test_every_state_and_a_realistic_mix():
    # when
    output = seed()

    # then
    states = Counter(Case.objects.values_list("state", flat=True))
    assert set(states) == set(CaseState.values)
    # The mix of the seeded history: the common-problem demo cases, filed after it, are all accepted.
    filed = list(Case.objects.order_by("submitted_at", "id").values_list("state", flat=True))
    history = Counter(filed[: len(filed) - COMMON_CASES])
    assert set(filed[len(filed) - COMMON_CASES :]) == {"accepted"}
    assert history["closed"] > sum(history[s] for s in OPEN_STATES) / 2  # most are closed
    assert "cases" in output and "as of 2026-11-27" in output
    assert Case.objects.filter(state="in_progress", overdue=True, supervised=True).exists()
    assert Case.objects.filter(state="in_progress", paused=True).exists()
    assert Case.objects.filter(extensions__state="pending").exists()
    assert Case.objects.filter(returns__state="pending").exists()
    assert CasePart.objects.filter(active=True).exists()
    rated = Case.objects.exclude(satisfaction="")
    assert rated.filter(satisfaction="satisfied").count() > rated.exclude(satisfaction="satisfied").count()
    assert not Case.objects.filter(satisfaction="", rated_at__isnull=False).exists()
    assert not Case.objects.exclude(satisfaction="").filter(rated_at__isnull=True).exists()


def test_numbers_are_gap_free_per_year_and_filing_continues_them():
    # given
    seed()

    # then: numbers follow the filing order (and the ids), 1..N per year, the sequence at N
    rows = list(Case.objects.order_by("id").values_list("number", "submitted_at"))
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    by_year: dict[int, list[int]] = {}
    for number, submitted in rows:
        prefix, year_text, seq = number.split("-")
        assert prefix == "QF" and int(year_text) == local(submitted).year
        by_year.setdefault(int(year_text), []).append(int(seq))
    for year, seqs in by_year.items():
        assert seqs == list(range(1, len(seqs) + 1))
        assert CaseSequence.objects.get(year=year).last == len(seqs)

    # when: a new filing through the service
    ent = User.objects.get(username="ent")
    assert ent.enterprise is not None
    case = case_file(actor=Actor.of(ent), enterprise=ent.enterprise, data=CaseData(text="新诉求"))

    # then
    this_year = timezone.localdate().year
    assert case.number == f"QF-{this_year}-{len(by_year.get(this_year, [])) + 1:06d}"


def test_clocks_and_settled_fields_follow_the_services_rules():
    # given
    seed()
    cal = WorkCalendar(overrides=zone_calendar().overrides)
    end = timezone.make_aware(datetime.combine(AS_OF, time()))

    # then
    for case in Case.objects.select_related("category", "enterprise"):
        filed = local(case.submitted_at)
        assert case.respond_by == deadlines.respond_by(cal, filed, urgency=case.urgency, green_channel=False)
        assert case.last_event_at < end
        if case.first_response_at is not None:
            assert case.responded_on_time == (local(case.first_response_at) <= case.respond_by)
        if case.signed_at is not None and case.sign_by is not None:
            assert case.signed_on_time == (local(case.signed_at) <= case.sign_by)
        if case.state in ("resolved", "closed") and case.resolved_at is not None:
            done = local(case.resolved_at)
            assert case.handling_days == cal.workdays_between(filed, done)
            if case.resolve_by is not None:
                assert case.resolved_on_time == (done <= case.resolve_by)
        if case.dispatched_at is not None and case.state in ("dispatched", "in_progress") and not case.reopen_count:
            sent = local(case.dispatched_at)
            assert case.sign_by == deadlines.sign_by(cal, sent, urgency=case.urgency, green_channel=case.green_channel)
            assert case.category is not None
            clock = deadlines.resolve_clock(
                cal, sent, case.category.days, urgency=case.urgency, green_channel=case.green_channel
            )
            assert case.resolve_by == cal.add_workdays(clock.due, case.extension_days + case.paused_days)
        case.full_clean(validate_unique=False, validate_constraints=False)


def test_timelines_chain_from_filing_to_the_present_state():
    # given
    seed()

    # then
    events = list(
        CaseEvent.objects.order_by("case_id", "at", "id").values("case_id", "action", "from_state", "to_state", "at")
    )
    cases = {c.pk: c for c in Case.objects.all()}
    by_case: dict[int, list[Any]] = {}
    for event in events:
        by_case.setdefault(event["case_id"], []).append(event)
    for pk, timeline in by_case.items():
        case = cases[pk]
        assert timeline[0]["action"] == "file" and timeline[0]["at"] == case.submitted_at
        state = "submitted"
        for event in timeline[1:]:
            assert event["from_state"] == state, (case.number, event)
            state = event["to_state"]
        assert state == case.state
    assert set(by_case) == set(cases)
    per_case = Counter(e["case_id"] for e in events)
    assert max(per_case.values()) <= 16


def test_liaison_is_the_primary_liaison_on_the_filing_day():
    seed()

    for case in Case.objects.all():
        day = local(case.submitted_at)
        link = (
            Linkage.objects.filter(
                enterprise_id=case.enterprise_id, project__isnull=True, role="primary", started_on__lte=day
            )
            .exclude(ended_on__lte=day)
            .first()
        )
        assert link is not None and case.liaison_id == link.liaison_id


def test_the_demo_accounts_have_work_in_every_state():
    # given
    seed()
    ent = User.objects.get(username="ent")

    # then: the enterprise user has a case in each open state and one waiting for its rating
    mine = Counter(Case.objects.filter(enterprise=ent.enterprise).values_list("state", flat=True))
    for state in (*OPEN_STATES, "resolved", "closed"):
        assert mine[state] >= 1, state
    assert Case.objects.filter(enterprise=ent.enterprise, paused=True).exists()
    jfj = User.objects.get(username="jfj_handler")
    assert Case.objects.filter(handler=jfj, state="dispatched").exists()
    assert Case.objects.filter(handler=jfj, state="in_progress", overdue=True).exists()
    assert Case.objects.filter(handler=jfj, extensions__state="pending").exists()
    assert CasePart.objects.filter(department__code="JFJ", active=True).exclude(state="done").exists()

    # and the services take it from there: the head approves, the enterprise rates
    head = Actor.of(User.objects.get(username="jfj_head"))
    pending = Case.objects.filter(handler=jfj, extensions__state="pending").first()
    assert pending is not None
    before = pending.resolve_by
    approved = case_act(actor=head, case_id=pending.pk, action="approve_extension")
    assert approved.resolve_by is not None and before is not None and approved.resolve_by > before
    waiting = Case.objects.filter(enterprise=ent.enterprise, state="resolved").first()
    assert waiting is not None
    rated = case_act(
        actor=Actor.of(ent),
        case_id=waiting.pk,
        action="rate",
        payload={"solved": "solved", "satisfaction": "satisfied"},
    )
    assert rated.state == "closed"


def test_table_calendar_answers_as_the_work_calendar():
    base = WorkCalendar(overrides={date(2025, 10, 11): True, date(2026, 5, 6): False})
    table = TableCalendar.over(base, date(2024, 11, 1), date(2027, 3, 1))

    for offset in range(0, 800, 3):
        day = date(2024, 11, 20) + timedelta(days=offset)
        assert table.is_workday(day) == base.is_workday(day)
        for n in (0, 1, 3, 10, 20):
            assert table.add_workdays(day, n) == base.add_workdays(day, n)
        later = day + timedelta(days=offset % 40)
        assert table.workdays_between(day, later) == base.workdays_between(day, later)
        assert table.workdays_between(later, day) == base.workdays_between(later, day)
