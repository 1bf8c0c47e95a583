"""The cockpit's figures on small data through the real services: each section, its drill-down
addresses, the JSON form, who may open it and the number of queries."""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from qifu.access.actor import Actor
from qifu.assessment.periods import month_of
from qifu.assessment.selectors import assessment_report
from qifu.cases.forms import filters_from_query
from qifu.cases.models import Case, CaseState
from qifu.cases.selectors import case_filtered
from qifu.cockpit.figures import CockpitFigures, as_json, cockpit_figures, ledger_url
from qifu.conftest import Cast
from qifu.core.errors import PermissionDenied
from qifu.visits.selectors import coverage_total

from .conftest import NOVEMBER, SLA_DAY, TODAY, November, cube_ok

pytestmark = pytest.mark.django_db


def _figures(cast: Cast, who: str = "leader", month: date = NOVEMBER) -> CockpitFigures:
    return cockpit_figures(actor=Actor.of(getattr(cast, who)), month=month, today=TODAY)


def test_cases_by_category_department_state_and_month(cast: Cast, november: November) -> None:
    cube_ok()
    f = _figures(cast)
    assert f.month == "2026-11" and f.since == "2026-11-01" and f.until == "2026-11-30"
    # four cases filed in November (the October one is not counted in the month)
    assert f.totals.filed == 4
    assert f.totals.done == 1  # the closed one
    assert f.totals.open == 3
    assert (
        f.totals.open_now
        == Case.objects.filter(state__in=["submitted", "accepted", "dispatched", "in_progress"]).count()
    )
    assert {(i.key, i.value) for i in f.by_category} == {("utilities", 3), ("talent", 1)}
    talent = next(i for i in f.by_category if i.key == "talent")
    assert talent.url == ledger_url(category="talent", since="2026-11-01", until="2026-11-30")
    assert {(i.key, i.value) for i in f.by_department} == {("JFJ", 2), ("KJJ", 1), ("", 1)}
    states = {i.key: i.value for i in f.by_state}
    assert states == {CaseState.SUBMITTED: 1, CaseState.IN_PROGRESS: 2, CaseState.CLOSED: 1}
    assert [i.key for i in f.by_state] == [s for s in CaseState if s in states]  # lifecycle order
    # the 12 months end with November; October holds the case resolved in October
    assert f.trend.months[-1] == "2026-11" and f.trend.months[0] == "2025-12" and len(f.trend.months) == 12
    assert f.trend.filed[-1] == 4 and f.trend.done[-1] == 1
    assert f.trend.filed[-2] == 1 and f.trend.done[-2] == 1  # resolved (not yet rated) counts as done
    assert f.trend.urls[-2] == ledger_url(since="2026-10-01", until="2026-10-31")


def _ledger_count(cast: Cast, url: str) -> int:
    """How many cases the ledger page lists at URL (its own query parsing and filter), on the day
    the deadline job last ran (the ledger's 超期 also counts cases late since; the cockpit counts
    the job's flags — docs/COCKPIT.md)."""
    path, _, query = url.partition("?")
    assert path == reverse("ledger:list")
    filters = filters_from_query(QueryDict(query))
    return case_filtered(actor=Actor.of(cast.leader), filters=filters, today=SLA_DAY).count()


def test_a_drill_down_lists_exactly_the_cases_counted(cast: Cast, november: November, client: Client) -> None:
    """The ledger behind a bar lists as many cases as the bar counts, and the page opens."""
    f = _figures(cast)
    for item in [*f.by_category, *f.by_department, *f.by_state, *f.common.items]:
        assert _ledger_count(cast, item.url) == item.value, item
    for month, url, filed in zip(f.trend.months, f.trend.urls, f.trend.filed, strict=True):
        assert _ledger_count(cast, url) == filed, month
    for d in f.backlog.departments:
        assert _ledger_count(cast, d.overdue_url) == d.overdue and _ledger_count(cast, d.supervised_url) == d.supervised
    client.force_login(cast.leader)
    assert client.get(f.by_category[0].url).status_code == 200


def test_backlog_overdue_and_supervised_now(cast: Cast, november: November) -> None:
    f = _figures(cast)
    assert Case.objects.get(pk=november.common.pk).overdue
    assert f.backlog.overdue == 1
    assert f.backlog.supervised == 2  # the leader's 督办 and the deadline job's
    by_dept = {d.key: (d.overdue, d.supervised) for d in f.backlog.departments}
    assert by_dept == {"KJJ": (1, 1), "JFJ": (0, 1)}
    assert f.backlog.departments[0].key == "KJJ"  # the most overdue first
    assert f.backlog.overdue_url == ledger_url(overdue=1, open=1)


def test_assessment_is_the_assessment_report(cast: Cast, november: November) -> None:
    f = _figures(cast)
    report = assessment_report(actor=Actor.of(cast.leader), period=month_of(NOVEMBER))
    assert report.zone is not None
    assert f.assessment.valid == report.zone.counts.valid == 1
    assert f.assessment.composite == float(report.zone.scores.composite or 0) == 1.0
    assert f.assessment.solve_rate == 1.0
    assert [p.key for p in f.assessment.red] == [p.key for p in report.board.red]
    assert f.assessment.url == reverse("assessment:index") + "?period=2026-11"


def test_visits_disturbance_lists_common_and_projects(cast: Cast, november: November) -> None:
    f = _figures(cast)
    total = coverage_total(actor=Actor.of(cast.leader), month=NOVEMBER)
    assert (f.visits.linked, f.visits.visited) == (total.linked, total.visited)
    assert f.visits.visited == 1 and f.visits.rate == round(total.visited / total.linked, 4)
    assert f.visits.url == reverse("visits:coverage") + "?month=2026-11"
    assert [(d.uscc, d.counted) for d in f.disturbed] == [(cast.a.uscc, 1)]
    assert f.disturbed[0].url == reverse("enterprises:detail", args=[cast.a.uscc])
    # lists: November vs October
    assert f.lists.month == "2026-11"
    moved = {x.key: (x.members, x.entered, x.left) for x in f.lists.lists if x.members or x.left}
    first, second = (x.key for x in f.lists.lists[:2])
    assert moved == {first: (1, 0, 1), second: (1, 1, 0)}
    assert f.lists.lists[0].url.endswith("?month=2026-11")
    # too few common cases (1 < 10): every case, by industry section × category
    assert f.common.basis == "all"
    assert sum(i.value for i in f.common.items) == 4
    assert {i.industry for i in f.common.items} == {cast.a.industry[:1]}
    assert f.projects.total == 2 and sum(s.value for s in f.projects.statuses) == 2
    assert f.projects.statuses[0].url == reverse("projects:board") + "?status=late"


def test_common_problems_count_only_common_cases_when_enough(cast: Cast, november: November) -> None:
    from qifu.cockpit.figures import COMMON_MIN

    for n in range(COMMON_MIN):
        case = Case.objects.get(pk=november.waiting.pk) if n == 0 else None
        if case is None:
            from .conftest import act, at, filed

            case = filed(cast, at(11, 21, 9, n))
        from .conftest import act, at

        act(cast, "desk", "accept", case, at(11, 22, 9, n), is_common=True, category="financing")
    f = _figures(cast)
    assert f.common.basis == "common"
    assert [(i.category, i.value) for i in f.common.items] == [("financing", COMMON_MIN), ("talent", 1)]
    assert "is_common=1" in f.common.items[0].url


def test_as_json_is_plain_json(cast: Cast, november: November) -> None:
    data = as_json(_figures(cast))
    assert json.loads(json.dumps(data)) == data
    assert set(data) >= {"by_category", "assessment", "backlog", "visits", "disturbed", "lists", "common", "projects"}


def test_an_empty_month_has_zeros_not_errors(cast: Cast) -> None:
    f = _figures(cast, month=date(2025, 1, 1))
    assert f.totals.filed == 0 and f.by_category == [] and f.assessment.composite is None
    assert f.trend.filed == [0] * 12


@pytest.mark.parametrize("who", ["leader", "desk"])
def test_leaders_and_the_desk_open_it(cast: Cast, who: str) -> None:
    assert _figures(cast, who).month == "2026-11"


@pytest.mark.parametrize(
    "who", ["ent_a", "liaison_a", "deputy", "jfj_handler", "jfj_head", "sysadmin", "secadmin", "auditor"]
)
def test_everyone_else_is_refused(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied):
        _figures(cast, who)


def test_a_fixed_number_of_queries(
    cast: Cast, november: November, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    _figures(cast)  # the month's coverage is built on its first read
    with django_assert_max_num_queries(22):
        _figures(cast)


def test_project_figures_follow_a_new_project_at_once(cast: Cast, november: November) -> None:
    from decimal import Decimal

    from qifu.projects.services import ProjectData, project_create

    before = _figures(cast).projects.total
    assert before == 2
    project_create(
        actor=Actor.of(cast.desk),
        enterprise=cast.c,
        data=ProjectData(code="XM-2026-099", name="丙医药研发楼", total_investment=Decimal("8000")),
    )
    assert _figures(cast).projects.total == before + 1  # the cached board counts were dropped
