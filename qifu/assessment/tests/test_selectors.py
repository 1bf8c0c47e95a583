"""The report over cases driven through the real services (PRODUCT.md §2.2 考核), checked by hand.

November 2026 has no holiday: respond_by and sign_by are the next working day, a utilities case
(10 working days) dispatched on Monday 2 Nov is due on Monday 16 Nov.
"""

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from qifu.assessment.metrics import order
from qifu.assessment.models import AssessmentMonth
from qifu.assessment.periods import period_parse
from qifu.assessment.selectors import assessment_report
from qifu.assessment.tallies import assessment_refresh
from qifu.assessment.tests.conftest import act, at, bulk_cases, cadres, filed, handled, rated
from qifu.conftest import Cast
from qifu.core.errors import NotFound, RuleViolation

NOVEMBER = period_parse(period="2026-11")


@pytest.fixture
def november(cast: Cast) -> Cast:
    """Seven November cases of enterprise A (liaison: liaison_a), five of them led by JFJ."""
    # c1: everything on time; resolved 4 Nov (2 working days); 已解决, 满意
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4), rate=("solved", "satisfied"))
    # c2: accepted late (due 3 Nov); resolved 6 Nov (4 days); 已解决, 基本满意
    handled(cast, accept=at(11, 5), sign=at(11, 5), resolve=at(11, 6), rate=("solved", "basically_satisfied"))
    # c3: signed late (due 3 Nov), resolved late (due 16 Nov) on 20 Nov (14 days); 部分解决, 满意
    handled(cast, accept=at(11, 2), sign=at(11, 4), resolve=at(11, 20), rate=("partly_solved", "satisfied"))
    # c4: resolved 3 Nov, rated 未解决/不满意 on 4 Nov: reopened (重办), due again 18 Nov
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 3), rate=("not_solved", "dissatisfied"))
    # c5: returned (退单) by the head, dispatched again and signed on 3 Nov; due 17 Nov, still open
    c5 = handled(cast, accept=at(11, 2), sign=at(11, 2))
    act(cast, "jfj_head", "return", c5, at(11, 3), reason="需重新分办")
    act(cast, "desk", "dispatch", c5, at(11, 3), lead="JFJ")
    act(cast, "jfj_handler", "sign", c5, at(11, 3))
    # c6 and c7: never dispatched (no lead department); c7 filed 1 Nov 00:30 Beijing = 31 Oct UTC
    filed(cast, at(11, 2))
    filed(cast, at(11, 1, 0, 30))
    # not November: 31 Oct 23:30 and 1 Dec 00:30 Beijing (30 Nov in UTC)
    filed(cast, at(10, 31, 23, 30))
    filed(cast, at(12, 1, 0, 30))
    return cast


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat every period as too big to count live, so a fresh rollup is read."""
    monkeypatch.setattr("qifu.assessment.selectors.LIVE_MAX_CASES", 0)


def _row(report, key):
    return next(r for r in report.rows if r.key == key)


def _report(cast: Cast, who: str = "desk", on: datetime | None = None, **kw):
    with time_machine.travel(on or at(12, 31), tick=False):
        return assessment_report(actor=cast.actor(getattr(cast, who)), period=kw.pop("period", NOVEMBER), **kw)


def test_department_rates_by_hand(november: Cast) -> None:
    jfj = _row(_report(november), "JFJ")
    c, s = jfj.counts, jfj.scores
    # 5 cases led by JFJ, 4 with a valid rating (c1-c4)
    assert (c.total, c.valid) == (5, 4)
    assert s.response_rate == Decimal("0.7500")  # c2 answered late
    assert s.solve_rate == Decimal("0.5000")  # c1, c2
    assert s.satisfaction_rate == Decimal("0.7250")  # (2 满意 + 0.9 × 1 基本满意) / 4
    assert s.composite == Decimal("0.6150")  # 0.1 × 0.75 + 0.5 × 0.5 + 0.4 × 0.725
    assert s.sign_on_time_rate == Decimal("0.8000")  # c3 signed late
    # resolved: c1, c2 on time, c3 late; open and late on 31 Dec: c4 (due 18 Nov), c5 (due 17 Nov)
    assert (c.resolved, c.resolved_on_time, c.open_late) == (3, 2, 2)
    assert s.resolve_on_time_rate == Decimal("0.4000")
    assert s.return_rate == Decimal("0.2000")  # c5 of 5 dispatched
    assert s.reopen_rate == Decimal("0.2500")  # c4 of 4 resolved at least once
    assert s.avg_handling_days == Decimal("6.67")  # (2 + 4 + 14) / 3


def test_open_work_past_its_deadline_lowers_the_on_time_rate(november: Cast) -> None:
    # on 10 Nov nothing open is late yet: 2 of 3 resolved on time
    early = _row(_report(november, on=at(11, 10)), "JFJ")
    assert early.counts.open_late == 0 and early.scores.resolve_on_time_rate == Decimal("0.6667")
    # on 17 Nov c4 is still within its clock (18 Nov) while c5 (due 17 Nov) is late from 18 Nov
    assert _row(_report(november, on=at(11, 18)), "JFJ").counts.open_late == 1
    assert _row(_report(november, on=at(12, 31)), "JFJ").scores.resolve_on_time_rate == Decimal("0.4000")


def test_a_paused_case_is_not_late(november: Cast) -> None:
    case = filed(november, at(11, 2))
    act(november, "desk", "accept", case, at(11, 2))
    act(november, "desk", "dispatch", case, at(11, 2), lead="KJJ")
    act(november, "kjj_handler", "sign", case, at(11, 2))
    act(november, "kjj_handler", "request_info", case, at(11, 3), question="请补充负荷清单")
    kjj = _row(_report(november), "KJJ")
    assert kjj.counts.open_late == 0 and kjj.scores.resolve_on_time_rate is None


def test_departments_without_cases_show_dashes(november: Cast) -> None:
    kjj = _row(_report(november), "KJJ")
    assert (kjj.counts.total, kjj.counts.valid) == (0, 0)
    assert kjj.scores.composite is None and kjj.scores.return_rate is None and kjj.scores.avg_handling_days is None


def test_liaison_rows_count_every_case_filed_in_the_period(november: Cast) -> None:
    report = _report(november, by="liaison")
    assert [r.key for r in report.rows] == ["liaison_a"] and report.count == 1
    row = report.rows[0]
    assert row.name == "挂钩干部甲"
    assert (row.counts.total, row.counts.valid) == (7, 4)  # c1-c7, not 31 Oct nor 1 Dec
    assert row.scores.composite == Decimal("0.6150")


def test_the_month_follows_beijing_dates(november: Cast) -> None:
    october = _report(november, by="liaison", period=period_parse(period="2026-10")).rows[0]
    december = _report(november, by="liaison", period=period_parse(period="2026-12")).rows[0]
    assert (october.counts.total, december.counts.total) == (1, 1)


def test_a_date_range(november: Cast) -> None:
    report = _report(november, by="liaison", period=period_parse(since="2026-10-31", until="2026-11-01"))
    assert report.rows[0].counts.total == 2  # 31 Oct 23:30 and 1 Nov 00:30


@override_settings(ASSESS_BASIC_WEIGHT=0.5, ASSESS_WEIGHTS=(0.2, 0.4, 0.4))
def test_weights_come_from_the_settings(november: Cast) -> None:
    report = _report(november)
    s = _row(report, "JFJ").scores
    assert s.satisfaction_rate == Decimal("0.6250")  # (2 + 0.5 × 1) / 4
    assert s.composite == Decimal("0.6000")  # 0.2 × 0.75 + 0.4 × 0.5 + 0.4 × 0.625
    assert (report.weights.response, report.weights.basic) == (Decimal("0.2"), Decimal("0.5"))


def test_a_small_period_is_counted_live_even_with_a_fresh_rollup(november: Cast) -> None:
    with time_machine.travel(at(12, 31, 8), tick=False):
        assessment_refresh(months=[NOVEMBER.since])
    assert AssessmentMonth.objects.get(month=NOVEMBER.since).cases == 7
    assert _report(november).computed_at is None  # 7 cases: live, so a new rating shows at once


@pytest.mark.usefixtures("big")
def test_rollup_gives_the_live_numbers_and_is_used_only_when_counted_today(november: Cast) -> None:
    live = _report(november)
    assert live.computed_at is None
    with time_machine.travel(at(12, 31, 8), tick=False):
        assessment_refresh(months=[NOVEMBER.since])
    rolled = _report(november)
    assert rolled.computed_at == at(12, 31, 8)
    assert [(r.key, r.counts, r.scores) for r in rolled.rows] == [(r.key, r.counts, r.scores) for r in live.rows]
    assert rolled.board == live.board
    # later the same day it is still used; the next day it is stale (open-and-late depends on
    # the day), so the report is counted live again
    assert _report(november, on=at(12, 31, 23, 59)).computed_at is not None
    next_day = _report(november, on=datetime(2027, 1, 1, 1, tzinfo=UTC))
    assert next_day.computed_at is None


def test_refresh_is_idempotent_and_a_new_rating_shows_after_the_next_count(november: Cast) -> None:
    with time_machine.travel(at(12, 31, 8), tick=False):
        first = assessment_refresh(months=[NOVEMBER.since])
        again = assessment_refresh(months=[NOVEMBER.since])
    assert first.rows == again.rows == 2  # JFJ and liaison_a
    assert AssessmentMonth.objects.get(month=NOVEMBER.since).as_of.isoformat() == "2026-12-31"
    with time_machine.travel(at(12, 31, 9), tick=False):
        skipped = assessment_refresh(months=[NOVEMBER.since], stale_only=True)
    assert skipped.months == []


@pytest.mark.usefixtures("big")
def test_a_quarter_sums_the_monthly_rollups(november: Cast) -> None:
    quarter = period_parse(since="2026-10-01", until="2026-12-31")
    live = _report(november, by="liaison", period=quarter)
    with time_machine.travel(at(12, 31, 8), tick=False):
        assessment_refresh(months=list(quarter.months or ()))
    rolled = _report(november, by="liaison", period=quarter)
    assert rolled.computed_at is not None
    assert rolled.rows[0].counts == live.rows[0].counts
    assert rolled.rows[0].counts.total == 9


@pytest.mark.parametrize("who", ["jfj_handler", "kjj_handler", "ent_a", "sysadmin", "secadmin", "auditor"])
def test_roles_without_the_report_get_not_found(cast: Cast, who: str) -> None:
    with pytest.raises(NotFound):
        assessment_report(actor=cast.actor(getattr(cast, who)), period=NOVEMBER)


def test_a_head_sees_their_row_and_the_names_on_the_lists(cast: Cast, departments) -> None:
    for code, solved in (("JFJ", 5), ("KJJ", 4), ("AHJ", 3), ("CGJ", 2)):
        rated(departments[code], cast, solved=solved, valid=5)
    head = _report(cast, "jfj_head")
    assert [r.key for r in head.rows] == ["JFJ"] and not head.full and head.zone is None
    assert [p.key for p in head.board.red] == ["JFJ", "KJJ", "AHJ"]
    assert [p.key for p in head.board.black] == ["CGJ"]
    assert all(p.composite is None and p.valid is None for p in head.board.red + head.board.black)
    assert _report(cast, "jfj_head", by="liaison").rows == []
    desk = _report(cast, "desk")
    assert desk.full and desk.board.red[0].composite == Decimal("1.0000") and desk.board.red[0].valid == 5


def test_a_liaison_sees_only_their_own_row(november: Cast) -> None:
    mine = _report(november, "liaison_a", by="liaison")
    assert [r.key for r in mine.rows] == ["liaison_a"]
    other = _report(november, "liaison_b", by="liaison")
    assert [(r.key, r.counts.total, r.scores.composite) for r in other.rows] == [("liaison_b", 0, None)]
    assert _report(november, "liaison_a").rows == []  # by department: no rows, the lists' names only


def test_departments_under_the_minimum_are_listed_apart(cast: Cast, departments) -> None:
    rated(departments["JFJ"], cast, solved=4, valid=4)
    rated(departments["KJJ"], cast, solved=1, valid=5)
    with override_settings(ASSESS_MIN_CASES=5):
        report = _report(cast)
    assert [p.key for p in report.board.red] == ["KJJ"]
    assert "JFJ" in [p.key for p in report.board.unranked]
    with override_settings(ASSESS_MIN_CASES=4):
        report = _report(cast)
    assert [p.key for p in report.board.red] == ["JFJ", "KJJ"]


def test_bad_grouping(cast: Cast) -> None:
    with pytest.raises(RuleViolation) as exc:
        _report(cast, by="enterprise")
    assert exc.value.code == "assessment_bad_by"


def test_rows_come_a_page_at_a_time_best_first(cast: Cast) -> None:
    people = cadres(7)
    for i, person in enumerate(people):  # cadre0000 solves 0 of 6 … cadre0006 solves 6 of 6
        bulk_cases(
            enterprise=cast.a, filed_by=cast.ent_a, liaison=person, count=i, rated_at=at(11, 20), solved="solved"
        )
        bulk_cases(enterprise=cast.a, filed_by=cast.ent_a, liaison=person, count=6 - i, rated_at=at(11, 20))
    report = _report(cast, by="liaison", limit=3, offset=2)
    assert report.count == 7
    assert [r.key for r in report.rows] == ["cadre0004", "cadre0003", "cadre0002"]


@pytest.mark.usefixtures("big")
@pytest.mark.parametrize("source", ["live", "rollup"])
@pytest.mark.parametrize(("by", "queries"), [("department", 3), ("liaison", 5)])
def test_query_count_is_fixed_whatever_the_number_of_cases(
    cast: Cast,
    departments,
    django_assert_num_queries,
    source: str,
    by: str,
    queries: int,
) -> None:
    people = cadres(3)
    for n in (1, 40):
        for code, person in zip(("JFJ", "KJJ", "AHJ"), people, strict=True):
            bulk_cases(
                enterprise=cast.a, filed_by=cast.ent_a, lead_department=departments[code], liaison=person, count=n
            )
        if source == "rollup":
            with time_machine.travel(at(12, 31, 8), tick=False):
                assessment_refresh(months=[NOVEMBER.since])
        with time_machine.travel(at(12, 31), tick=False), django_assert_num_queries(queries):
            report = assessment_report(actor=cast.actor(cast.desk), period=NOVEMBER, by=by)
        assert (report.computed_at is not None) == (source == "rollup")


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_the_database_orders_liaisons_exactly_as_the_rules_say(cast: Cast, monkeypatch, source: str) -> None:
    # given liaisons with ties, near-ties (same composite after rounding), too few and no ratings
    rng = random.Random(7)
    for person in cadres(40):
        valid = rng.choice([0, 1, 3, 5, 5, 6, 9])
        solved = rng.randint(0, valid)
        fields: dict[str, Any] = {"liaison": person, "rated_at": at(11, 20), "responded_on_time": rng.random() < 0.8}
        bulk_cases(
            enterprise=cast.a, filed_by=cast.ent_a, count=solved, solved="solved", satisfaction="satisfied", **fields
        )
        bulk_cases(
            enterprise=cast.a, filed_by=cast.ent_a, count=valid - solved, satisfaction="basically_satisfied", **fields
        )
        bulk_cases(enterprise=cast.a, filed_by=cast.ent_a, liaison=person)  # not rated
    if source == "rollup":
        monkeypatch.setattr("qifu.assessment.selectors.LIVE_MAX_CASES", 0)
        with time_machine.travel(at(12, 31, 8), tick=False):
            assessment_refresh(months=[NOVEMBER.since])
    # when the report pages through them in the database
    pages = [_report(cast, by="liaison", limit=7, offset=o) for o in range(0, 42, 7)]
    assert (pages[0].computed_at is not None) == (source == "rollup")
    seen = [r for p in pages for r in p.rows]
    # then the order is the one the rules give in Python
    assert [r.key for r in seen] == [r.key for r in order(seen, 5)]
    assert len(seen) == pages[0].count == 40
