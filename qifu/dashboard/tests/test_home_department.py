"""The department home (issue 6 item 5): the department's most urgent cases with their deadlines,
and for the head the department's rates this month and the 3 months before, with its ranking.

November 2026 has no holiday: a utilities case (10 working days) signed on Monday 2 Nov is due on
Monday 16 Nov; a dispatched case must be signed by the next working day."""

import json
import re
from datetime import date

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from qifu.assessment.periods import month_of
from qifu.assessment.selectors import assessment_report, department_standing
from qifu.assessment.tests.conftest import act, at, filed, handled
from qifu.conftest import Cast
from qifu.core.errors import NotFound
from qifu.dashboard.selectors import department_home, trend_months

TODAY = date(2026, 11, 25)


def _html(response) -> str:
    return str(response.content.decode())


@pytest.fixture
def november(cast: Cast) -> dict[str, int]:
    """JFJ's cases: one overdue in progress, one not yet signed (overdue to sign), one due in
    December, one resolved and rated; an October case rated 已解决/满意. KJJ leads one case."""
    late = handled(cast, accept=at(11, 2), sign=at(11, 2))  # due 16 Nov: 7 working days late
    unsigned = filed(cast, at(11, 20))
    act(cast, "desk", "accept", unsigned, at(11, 20))
    act(cast, "desk", "dispatch", unsigned, at(11, 20), lead="JFJ")  # sign by 23 Nov
    fresh = handled(cast, accept=at(11, 24), sign=at(11, 24), filed_at=at(11, 24))  # due 8 Dec
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4), rate=("solved", "satisfied"))
    handled(
        cast,
        accept=at(10, 12),
        sign=at(10, 12),
        resolve=at(10, 14),
        rate=("solved", "satisfied"),
        filed_at=at(10, 12),
    )
    other = filed(cast, at(11, 23))
    act(cast, "desk", "accept", other, at(11, 23))
    act(cast, "desk", "dispatch", other, at(11, 23), lead="KJJ")
    return {"late": late.pk, "unsigned": unsigned.pk, "fresh": fresh.pk, "kjj": other.pk}


def test_trend_months_cross_the_year_boundary():
    assert trend_months(date(2026, 2, 14)) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert trend_months(date(2026, 11, 30), n=1) == [date(2026, 11, 1)]


@time_machine.travel(TODAY, tick=False)
def test_urgent_cases_put_the_overdue_first_and_stay_in_the_department(cast, november):
    # when
    home = department_home(actor=cast.actor(cast.jfj_handler))
    # then JFJ's waiting cases, the step due soonest first (sign by 23 Nov, then resolve by 16 Nov
    # is earlier: 16 Nov first), the December one last; never KJJ's case
    assert [c.pk for c in home.urgent] == [november["late"], november["unsigned"], november["fresh"]]
    kjj = department_home(actor=cast.actor(cast.kjj_handler))
    assert [c.pk for c in kjj.urgent] == [november["kjj"]]


@time_machine.travel(TODAY, tick=False)
@override_settings(ASSESS_MIN_CASES=1)
def test_the_head_sees_the_same_rates_as_the_assessment_and_the_rank(cast, november):
    head = cast.actor(cast.jfj_head)
    # when
    home = department_home(actor=head)
    # then four months, oldest first, November's row equals the assessment report's JFJ row
    assert [s.period.since for s in home.standings] == [date(2026, m, 1) for m in (8, 9, 10, 11)]
    report = assessment_report(actor=cast.actor(cast.leader), period=month_of(TODAY))
    jfj = next(r for r in report.rows if r.key == "JFJ")
    assert home.current is not None and home.current.row == jfj
    october = home.standings[2].row
    assert october.counts.total == 1 and october.scores.solve_rate == 1
    assert home.standings[0].row.counts.total == 0 and home.standings[0].row.scores.solve_rate is None
    # only JFJ has rated cases: ranked first of one, and on the 红榜
    assert (home.current.rank, home.current.ranked, home.current.board) == (1, 1, "red")
    # the chart's series are the same numbers in percent; no denominator is null, not 0
    assert home.trend["labels"] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert home.trend["series"]["solve_rate"] == [None, None, 100.0, 100.0]


@pytest.mark.parametrize("who", ["jfj_handler", "leader", "liaison_a", "ent_a"])
def test_only_a_department_head_has_a_standing_case(cast, who):
    with pytest.raises(NotFound):
        department_standing(actor=cast.actor(getattr(cast, who)), periods=[month_of(TODAY)])


@time_machine.travel(TODAY, tick=False)
@override_settings(ASSESS_MIN_CASES=1)
def test_head_page_shows_rates_rank_chart_and_urgent_deadlines(cast, client, november):
    client.force_login(cast.jfj_head)
    # when
    html = _html(client.get(reverse("dashboard:home")))
    # then the urgent list with deadlines, overdue in red
    urgent = html[html.index('id="urgent-cases"') : html.index('id="department-rates"')]
    assert (
        len(re.findall(r"href=\"/cases/\d+/\"", urgent)) == 3
        and "qf-overdue-text" in urgent
        and "超期 7 个工作日" in urgent
    )
    # the rates: 4 months, the current first, the rank and the board
    assert re.findall(r'data-month="([\d-]+)"', html) == ["2026-11", "2026-10", "2026-09", "2026-08"]
    assert "本月综合排名第 1 名（共 1 个部门参与排名）" in html and "红榜" in html
    for label in ("响应率", "解决率", "满意率", "及时签收率", "按时办结率", "回退率"):
        assert label in html
    # the chart: data in a json_script, drawn by a static script (no inline script, CSP)
    found = re.search(r'<script id="rate-trend-data" type="application/json">(.*?)</script>', html, re.S)
    assert found
    data = json.loads(found[1])
    assert data["labels"][-1] == "2026-11"
    assert "/static/dashboard/home.js" in html and "/static/vendor/echarts/echarts.min.js" in html
    assert not re.search(r"<script>(?!\s*</script>)", html)


@time_machine.travel(TODAY, tick=False)
def test_handler_page_lists_urgent_cases_without_the_assessment(cast, client, november):
    client.force_login(cast.jfj_handler)
    html = _html(client.get(reverse("dashboard:home")))
    assert 'id="urgent-cases"' in html and 'id="department-rates"' not in html
    assert f'href="/cases/{november["late"]}/"' in html
    assert f'href="/cases/{november["kjj"]}/"' not in html


@time_machine.travel(TODAY, tick=False)
def test_kjj_head_sees_no_jfj_case(cast, client, november):
    client.force_login(cast.kjj_head)
    html = _html(client.get(reverse("dashboard:home")))
    for key in ("late", "unsigned", "fresh"):
        assert f'href="/cases/{november[key]}/"' not in html
    assert f'href="/cases/{november["kjj"]}/"' in html
    assert "暂不参与排名" in html  # KJJ has no rated case


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("who", "budget"), [("jfj_handler", 12), ("jfj_head", 26)])
def test_department_home_query_count_is_bounded_case(
    cast, client, november, django_assert_max_num_queries, who, budget
):
    # given more cases in the queue than the short list shows
    for day in (3, 4, 5, 6, 9, 10, 11, 12, 13):
        handled(cast, accept=at(11, day), sign=at(11, day), filed_at=at(11, day))
    client.force_login(getattr(cast, who))
    client.get(reverse("dashboard:home"))
    # then the page costs a fixed number of queries (a head: + 3 a month for the rates)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("dashboard:home"))
    assert len(re.findall(r'href="/cases/\d+/"', _html(response))) == 8


@time_machine.travel(TODAY, tick=False)
def test_the_leader_home_links_to_this_and_last_months_report(cast, client):
    client.force_login(cast.leader)
    html = _html(client.get(reverse("dashboard:home")))
    links = re.findall(r'href="(/cockpit/report/[\d-]+\.docx)"', html)
    assert links == ["/cockpit/report/2026-11.docx", "/cockpit/report/2026-10.docx"]
    assert client.get(links[1]).status_code == 200
