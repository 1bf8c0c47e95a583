"""The liaison home's 我的企业 (issue 6 item 5): the first few of my enterprises with this month's
visit (when done, or the date it is due by) and their open requests, not yet visited first; the
full list one click away; nothing of an enterprise I am not linked to; a bounded query count."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from qifu.assessment.tests.conftest import at, filed
from qifu.conftest import Cast
from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc
from qifu.linkage.services import linkage_assign
from qifu.visits.tests.domain_helpers import backdate_links, log

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _linked_since_january(cast: Cast) -> None:
    """The cast's links start on the real day it is built; the tests' month is November 2026."""
    backdate_links(date(2026, 1, 1))


def _html(response) -> str:
    return str(response.content.decode())


def _mine(html: str) -> str:
    return html[html.index('id="my-enterprises"') :]


def _more_enterprises(cast: Cast, n: int) -> None:
    desk = cast.actor(cast.desk)
    for i in range(n):
        e = enterprise_create(
            actor=desk, data=EnterpriseData(uscc=make_uscc(8300 + i), name=f"挂钩{i:02d}号有限公司", park="光电产业园")
        )
        linkage_assign(actor=desk, enterprise=e, liaison=cast.liaison_a, started_on=date(2026, 1, 1))


@time_machine.travel(TODAY, tick=False)
def test_my_enterprise_with_its_visit_due_date_and_open_requests(cast, client):
    # given two open requests of A (liaison_a's) and one of B (liaison_b's)
    filed(cast, at(11, 20))
    filed(cast, at(11, 21))
    client.force_login(cast.liaison_a)
    # when
    mine = _mine(_html(client.get(reverse("dashboard:home"))))
    # then A, due by the month's end, with its 2 open requests linked to the ledger behind them
    assert cast.a.name in mine and "待走访 · 11月30日前" in mine
    assert f'href="/cases/?enterprise={cast.a.uscc}&amp;open=1">2</a>' in mine
    assert cast.b.name not in mine and cast.c.name not in mine


@time_machine.travel(TODAY, tick=False)
def test_visited_ones_go_last_and_say_when(cast, client):
    _more_enterprises(cast, 2)
    log(cast, now=at(11, 10, 12))
    client.force_login(cast.liaison_a)
    mine = _mine(_html(client.get(reverse("dashboard:home"))))
    usccs = re.findall(r'<tr data-uscc="([^"]+)">', mine)
    assert usccs[-1] == cast.a.uscc and len(usccs) == 3
    assert "11月10日已走访" in mine


@time_machine.travel(TODAY, tick=False)
def test_a_short_list_with_a_link_to_all_and_a_bounded_query_count(cast, client, django_assert_max_num_queries):
    # given 12 more enterprises: 13 in all, more than the short list
    _more_enterprises(cast, 12)
    for _ in range(3):
        filed(cast, at(11, 20))
    client.force_login(cast.liaison_a)
    client.get(reverse("dashboard:home"))
    # then the first 8, the one with open requests first, and "all 13" linking to the plan
    with django_assert_max_num_queries(16):
        mine = _mine(_html(client.get(reverse("dashboard:home"))))
    usccs = re.findall(r'<tr data-uscc="([^"]+)">', mine)
    assert len(usccs) == 8 and usccs[0] == cast.a.uscc
    assert f'href="{reverse("visits:plan")}">全部 13 家' in mine


@pytest.mark.parametrize("who", ["deputy", "liaison_b"])
def test_each_liaison_sees_only_their_own_case(cast, client, who):
    client.force_login(getattr(cast, who))
    mine = _mine(_html(client.get(reverse("dashboard:home"))))
    own = cast.c if who == "deputy" else cast.b
    assert own.name in mine and cast.a.name not in mine
