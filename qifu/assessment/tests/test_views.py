"""考核 page: who may open it, what each role sees, the period in the URL, the nav entry."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from qifu.assessment.tests.conftest import at, bulk_cases, cadres, handled, rated
from qifu.conftest import Cast

URL = "/assessment/"


@pytest.fixture
def zone(cast: Cast, departments):
    handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4), rate=("solved", "satisfied"))
    rated(departments["JFJ"], cast, solved=4, valid=4)
    rated(departments["KJJ"], cast, solved=3, valid=5)
    rated(departments["AHJ"], cast, solved=1, valid=1)
    return cast


def _page(client: Client, user, **params):
    with time_machine.travel(at(12, 1), tick=False):  # signed in at that moment: sessions expire
        client.force_login(user)
        return client.get(URL, {"period": "2026-11", **params})


def test_the_url() -> None:
    assert reverse("assessment:index") == URL


def test_the_desk_sees_the_chart_the_lists_and_every_department(zone: Cast, client: Client) -> None:
    response = _page(client, zone.desk)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('id="chart-title"') < html.index('id="red-title"') < html.index("<table")
    chart = html[html.index('id="chart-title"') : html.index('id="red-title"')]
    assert chart.count('role="progressbar"') == 15  # a bar per department
    assert 'aria-label="经济发展局" aria-valuenow="100.0"' in chart
    red = html[html.index('id="red-title"') : html.index('id="black-title"')]
    assert "经济发展局" in red and "科技创新局" in red  # rank 1 and 2, with their scores
    assert "100.0 分" in red
    apart = html[html.index('id="apart-title"') :]
    assert "样本不足，不参与排名" in apart and "安全生产监督管理和环境保护局" in apart
    table = html[html.index("<table") :]
    assert table.count('<th scope="row"') == 15  # every active department
    assert "—" in table  # departments without cases
    assert '60.0% <small class="text-body-secondary">3/5</small>' in table  # KJJ: 3 of 5 solved
    assert 'value="2026-11"' in html  # the month picker keeps the period
    assert "/cases/?department=JFJ&amp;since=2026-11-01&amp;until=2026-11-30" in table  # count → the ledger


def test_a_head_sees_their_department_and_the_names_on_the_lists(zone: Cast, client: Client) -> None:
    html = _page(client, zone.kjj_head).content.decode()
    table = html[html.index("<table") :]
    assert table.count('<th scope="row"') == 1 and "科技创新局" in table
    red = html[html.index('id="red-title"') : html.index('id="black-title"')]
    assert "经济发展局" in red and " 分" not in red  # names only
    assert 'name="by" id="by-liaison"' not in html  # no grouping toggle


def test_a_liaison_lands_on_their_own_row(zone: Cast, client: Client) -> None:
    html = _page(client, zone.liaison_a).content.decode()
    table = html[html.index("<table") :]
    assert table.count('<th scope="row"') == 1 and "挂钩干部甲" in table


@pytest.mark.parametrize("who", ["jfj_handler", "ent_a", "sysadmin", "secadmin", "auditor"])
def test_other_roles_get_404(cast: Cast, client: Client, who: str) -> None:
    assert _page(client, getattr(cast, who)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(db, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_bad_period_shows_the_current_month_with_a_message(cast: Cast, client: Client) -> None:
    response = _page(client, cast.leader, period="2026-13")
    assert response.status_code == 200
    assert "时间段无效" in response.content.decode()
    assert 'value="2026-12"' in response.content.decode()


def test_a_range_in_the_url(zone: Cast, client: Client) -> None:
    html = _page(client, zone.desk, period="", since="2026-11-01", until="2026-11-05").content.decode()
    assert 'name="since" value="2026-11-01"' in html and '<details class="mt-2" open>' in html


def test_liaisons_page_by_fifty(cast: Cast, client: Client) -> None:
    for person in cadres(60):
        bulk_cases(enterprise=cast.a, filed_by=cast.ent_a, liaison=person, rated_at=at(11, 20))
    first = _page(client, cast.desk, by="liaison").content.decode()
    assert first[first.index("<table") :].count('<th scope="row"') == 50 and "第 1 / 2 页" in first
    second = _page(client, cast.desk, by="liaison", page="2").content.decode()
    assert second[second.index("<table") :].count('<th scope="row"') == 10
    past = _page(client, cast.desk, by="liaison", page="9").content.decode()
    assert "第 2 / 2 页" in past


@pytest.mark.parametrize(
    ("who", "shown"),
    [("desk", True), ("leader", True), ("jfj_head", True), ("jfj_handler", False), ("liaison_a", False)],
)
def test_the_nav_entry(cast: Cast, client: Client, who: str, shown: bool) -> None:
    client.force_login(getattr(cast, who))
    html = client.get("/").content.decode()
    assert bool(re.search(r'href="/assessment/"[^>]*>.*?考核', html)) is shown
