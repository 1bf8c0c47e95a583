"""The enterprise home (issue 6 item 5, UX.md principle 1): its open requests in plain Chinese with
who handles them and by when, those waiting for its rating, its liaison with a phone number, and
the current policies that fit it with the reasons (the first 5, the full list one click away).
Nothing of another enterprise appears; the page and its policy card cost a bounded number of
queries."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from qifu.assessment.tests.conftest import at, filed, handled
from qifu.cases.models import CaseState
from qifu.cases.services import CaseData, case_file
from qifu.conftest import Cast
from qifu.policies.services import policy_import

TODAY = date(2026, 11, 25)
CHIPS_A = {"field": "industry", "op": "prefix", "value": "C39"}  # enterprise A (C3985)
MACHINES_B = {"field": "industry", "op": "prefix", "value": "C34"}  # enterprise B (C3484)


def _html(response) -> str:
    return str(response.content.decode())


def _policy(code: str, title: str, conditions: dict[str, Any], **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "title": title,
        "category": "innovation",
        "department": "KJJ",
        "document_no": f"昆科〔2026〕{code}号",
        "valid_from": "2026-01-01",
        "valid_to": "2099-12-31",
        "benefit": "一次性奖励30万元",
        "summary": "摘要",
        "interpretation": "通俗地说：符合条件的企业可以申请。",
        "full_text": "第一条 为了……",
        "conditions": conditions,
        "status": "published",
    }
    data.update(over)
    return data


@pytest.fixture
def requests_of_a(cast: Cast) -> dict[str, int]:
    """Enterprise A: one request in progress at JFJ (due 8 Dec), one resolved and waiting for its
    rating, one closed after rating; enterprise B: one submitted."""
    working = handled(cast, accept=at(11, 24), sign=at(11, 24), filed_at=at(11, 24))
    to_rate = handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4))
    closed = handled(cast, accept=at(11, 2), sign=at(11, 2), resolve=at(11, 4), rate=("solved", "satisfied"))
    data = CaseData(text="乙公司申请人才公寓，请协助。", category="utilities")
    other = case_file(actor=cast.actor(cast.ent_b), enterprise=cast.b, data=data, now=at(11, 24))
    assert to_rate.state == CaseState.RESOLVED and closed.state == CaseState.CLOSED
    return {"working": working.pk, "to_rate": to_rate.pk, "closed": closed.pk, "other": other.pk}


@time_machine.travel(TODAY, tick=False)
def test_my_requests_in_plain_words_with_whom_and_by_when(cast, client, requests_of_a):
    client.force_login(cast.ent_a)
    # when
    html = _html(client.get(reverse("dashboard:home")))
    # then the open request says who handles it and by when, the resolved one asks for a rating
    mine = html[html.index('id="my-requests"') : html.index('id="to-rate"')]
    assert "正在办理 · 经济发展局 · 预计12月8日前答复" in mine
    assert f'href="/cases/{requests_of_a["working"]}/"' in mine
    # the resolved one waits for its rating, listed apart with a button to rate it
    to_rate = html[html.index('id="to-rate"') : html.index("</section>", html.index('id="to-rate"'))]
    assert "已办结，请您评价" in to_rate and "1 件待评价" in to_rate and "去评价" in to_rate
    assert f'href="/cases/{requests_of_a["to_rate"]}/"' in to_rate
    assert f'href="/cases/{requests_of_a["to_rate"]}/"' not in mine
    assert f'href="/cases/{requests_of_a["closed"]}/"' not in html  # rated: no longer followed here
    # never an internal state code
    assert "in_progress" not in mine and "resolved<" not in mine


@time_machine.travel(TODAY, tick=False)
def test_no_other_enterprise_appears(cast, client, requests_of_a):
    client.force_login(cast.ent_b)
    html = _html(client.get(reverse("dashboard:home")))
    assert cast.b.name in html and cast.a.name not in html
    assert f'href="/cases/{requests_of_a["other"]}/"' in html
    for key in ("working", "to_rate", "closed"):
        assert f'href="/cases/{requests_of_a[key]}/"' not in html
    assert "挂钩干部乙" in html and "挂钩干部甲" not in html


def test_my_liaison_with_a_phone_number(cast, client):
    client.force_login(cast.ent_a)
    html = _html(client.get(reverse("dashboard:home")))
    liaison = html[html.index('id="h-liaison"') :]
    assert "挂钩干部甲" in liaison and 'href="tel:13800138000"' in liaison


def test_policies_for_us_the_first_five_current_with_reasons_and_a_link_to_all(cast, client):
    # given 7 current policies for A's industry, one expired, one draft, and one for B only
    today = timezone.localdate()
    items = [_policy(f"A{i}", f"电子信息专项{i}", CHIPS_A) for i in range(7)]
    items += [
        _policy("OLD", "已失效的电子政策", CHIPS_A, valid_from="2020-01-01", valid_to=str(today - timedelta(days=1))),
        _policy("DRAFT", "草稿电子政策", CHIPS_A, status="draft"),
        _policy("B1", "精密机械专项", MACHINES_B),
    ]
    policy_import(actor=None, items=items)
    client.force_login(cast.ent_a)
    assert 'hx-get="/policies/home-card/"' in _html(client.get(reverse("dashboard:home")))
    # when the card loads
    card = _html(client.get(reverse("policies:home_card")))
    # then 5 of the 7 eligible, each with the condition it meets, and a link to all 7
    picks = re.findall(r'<li class="list-group-item py-2" data-policy="([^"]+)">', card)
    assert len(picks) == 5 and set(picks) <= {f"A{i}" for i in range(7)}
    assert card.count("符合的理由：") == 5 and "行业" in card and "✓" in card
    assert "有 7 项现行政策符合条件" in card and "查看全部 7 项符合条件的政策" in card
    assert reverse("policies:for_us") in card
    for absent in ("已失效的电子政策", "草稿电子政策", "精密机械专项"):
        assert absent not in card
    # B sees its own policy only
    client.force_login(cast.ent_b)
    card_b = _html(client.get(reverse("policies:home_card")))
    assert "精密机械专项" in card_b and "电子信息专项" not in card_b and "查看全部" not in card_b


@time_machine.travel(TODAY, tick=False)
def test_enterprise_home_and_card_query_counts_are_bounded(cast, client, requests_of_a, django_assert_max_num_queries):
    # given many requests and policies, more than the home lists
    for day in (2, 3, 4, 5, 6, 9, 10, 11, 12):
        filed(cast, at(11, day))
    policy_import(actor=None, items=[_policy(f"A{i}", f"电子信息专项{i}", CHIPS_A) for i in range(12)])
    client.force_login(cast.ent_a)
    client.get(reverse("dashboard:home"))
    client.get(reverse("policies:home_card"))
    # then
    # session, user, the profile (enterprise, liaisons, projects, milestones, task forces), the
    # unread count, the open requests and their total, those to rate: 13, however many requests
    with django_assert_max_num_queries(13):
        html = _html(client.get(reverse("dashboard:home")))
    open_list = html[html.index('id="my-requests"') : html.index('id="to-rate"')]
    assert len(re.findall(r'href="/cases/\d+/"', open_list)) == 8  # the short list; "all" links to 我的诉求
    with django_assert_max_num_queries(9):
        card = _html(client.get(reverse("policies:home_card")))
    assert card.count("符合的理由：") == 5
