"""The ledger (台账) and the work queues (PRODUCT.md §2.2; UX.md principles 1, 2, 5, 6): scope per
role, filters that narrow and never widen, per-role 404s, deadline colours, capped counts, the
one-click actions, and query counts that do not grow with the rows."""

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qifu.access.actor import Actor
from qifu.cases.models import Case, Extension
from qifu.cases.services import CaseData, case_file
from qifu.cases.tests.conftest import act, drive, file
from qifu.conftest import Cast

BJ = ZoneInfo("Asia/Shanghai")
LEDGER = reverse("ledger:list")
TOTAL = re.compile(r"共 <strong>(\d+)(\+?)</strong> 件诉求")
ROW_LINK = re.compile(r'<a href="/cases/(\d+)/" class="stretched-link')


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    """Monday 2 March 2026, 10:00 in Beijing (a working day in the Chinese calendar)."""
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BJ), tick=False):
        yield


def _html(response) -> str:
    return str(response.content.decode())


def _total(html: str) -> int:
    found = TOTAL.search(html)
    assert found, "no total on the page"
    return int(found.group(1))


def _ids(html: str) -> set[int]:
    return {int(n) for n in ROW_LINK.findall(html)}


def _file_for_b(cast: Cast, **data: object) -> Case:
    fields = {"text": "乙精密扩产需要招工，请协助对接。", "category": "recruitment", **data}
    return case_file(actor=Actor.of(cast.desk), enterprise=cast.b, data=CaseData(**fields))  # type: ignore[arg-type]


def _get(cast: Cast, who: str, url: str, **params: Any):
    client = Client()
    client.force_login(getattr(cast, who))
    return client.get(url, params)


@pytest.fixture
def cases(cast: Cast) -> dict[str, Case]:
    """A's case in progress at JFJ (KJJ assisting), A's new one, and B's (dispatched to RSJ)."""
    progress = drive(cast, "in_progress")
    fresh = file(cast, text="新诉求：道路积水", category="transport")
    b_case = _file_for_b(cast)
    act(cast, "desk", "accept", b_case)
    b_case = act(cast, "desk", "dispatch", b_case, lead="RSJ", assist=[])
    return {"progress": progress, "fresh": fresh, "b": b_case}


# --- The ledger: scope per role -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("desk", {"progress", "fresh", "b"}),
        ("leader", {"progress", "fresh", "b"}),
        ("liaison_a", {"progress", "fresh"}),  # A's liaison
        ("liaison_b", {"b"}),
        ("deputy", set()),  # C's liaison: C has no cases
        ("jfj_handler", {"progress"}),  # led by JFJ
        ("kjj_handler", {"progress", "fresh"}),  # assists; and sits in A's task force
        ("jfj_head", {"progress"}),
    ],
)
def test_ledger_shows_exactly_the_scope_case(cast, cases, who, expected):
    html = _html(_get(cast, who, LEDGER))
    assert _ids(html) == {cases[k].pk for k in expected}
    assert _total(html) == len(expected)


@pytest.mark.parametrize("who", ["ent_a", "sysadmin", "secadmin", "auditor"])
def test_ledger_is_404_for_enterprises_and_admins_case(cast, cases, who):
    response = _get(cast, who, LEDGER)
    assert response.status_code == 404
    assert cases["progress"].number not in _html(response)


def test_ledger_needs_a_login(db):
    response = Client().get(LEDGER)
    assert response.status_code == 302 and "login" in response["Location"]


# --- Filters narrow and never widen ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"enterprise": "A"}, {"progress", "fresh"}),
        ({"enterprise": "B"}, {"b"}),
        ({"department": "JFJ"}, {"progress"}),
        ({"department": "rsj"}, {"b"}),
        ({"assist_department": "KJJ"}, {"progress"}),
        ({"liaison": "liaison_b"}, {"b"}),
        ({"state": ["submitted", "dispatched"]}, {"fresh", "b"}),
        ({"state": "in_progress"}, {"progress"}),
        ({"category": "transport"}, {"fresh"}),
        ({"since": "2026-03-02", "until": "2026-03-02"}, {"progress", "fresh", "b"}),
        ({"until": "2026-03-01"}, set()),
        ({"overdue": "1"}, set()),
        ({"supervised": "1"}, set()),
        ({"green_channel": "1"}, set()),
        ({"is_common": "0"}, {"progress", "fresh", "b"}),
        ({"open": "1"}, {"progress", "fresh", "b"}),
        ({"state": "bogus", "since": "not-a-date", "x": "1"}, {"progress", "fresh", "b"}),  # bad values dropped
    ],
)
def test_ledger_filters_case(cast, cases, params, expected):
    params = {k: (getattr(cast, v.lower()).uscc if k == "enterprise" else v) for k, v in params.items()}
    html = _html(_get(cast, "desk", LEDGER, **params))
    assert _ids(html) == {cases[k].pk for k in expected}


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("liaison_a", {"enterprise": "B"}),
        ("liaison_a", {"liaison": "liaison_b"}),
        ("liaison_a", {"department": "RSJ"}),
        ("jfj_handler", {"enterprise": "B"}),
        ("jfj_handler", {"state": "dispatched"}),
        ("liaison_b", {"assist_department": "KJJ"}),
    ],
)
def test_filters_never_widen_the_scope_case(cast, cases, who, params):
    params = {k: (getattr(cast, v.lower()).uscc if k == "enterprise" else v) for k, v in params.items()}
    html = _html(_get(cast, who, LEDGER, **params))
    assert _ids(html) == set() and _total(html) == 0


def test_per_enterprise_ledger_names_the_enterprise_and_keeps_the_filter(cast, cases):
    html = _html(_get(cast, "desk", LEDGER, enterprise=cast.a.uscc))
    assert "企业：昆山甲电子科技有限公司" in html
    assert f'name="enterprise" value="{cast.a.uscc}"' in html
    assert f"/cases/export.xlsx?enterprise={cast.a.uscc}" in html


def test_outside_enterprise_is_not_named(cast, cases):
    html = _html(_get(cast, "liaison_a", LEDGER, enterprise=cast.b.uscc))
    assert cast.b.name not in html and "企业：不在您的查看范围内" in html


def test_ledger_answers_htmx_with_the_table_only(cast, cases):
    client = Client()
    client.force_login(cast.desk)
    html = _html(client.get(LEDGER, {"state": "submitted"}, headers={"HX-Request": "true"}))
    assert html.lstrip().startswith('<div id="case-table"')
    assert _ids(html) == {cases["fresh"].pk}
    assert "<form" not in html


def test_ledger_filter_form_is_htmx_with_url_push(cast, cases):
    html = _html(_get(cast, "desk", LEDGER))
    assert 'hx-get="/cases/"' in html and 'hx-push-url="true"' in html and 'hx-target="#case-table"' in html
    assert "qf-table" in html  # sticky header (qifu.css)


# --- Deadlines in the row (UX.md §5) -----------------------------------------------------------


def test_deadline_cell_is_red_when_late_with_badges(cast, cases):
    # given A's in-progress case supervised and on the green channel... seen a month later
    case = cases["progress"]
    act(cast, "leader", "supervise", case, note="请加快办理")
    Case.objects.filter(pk=case.pk).update(green_channel=True)
    with time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=BJ), tick=False):
        html = _html(_get(cast, "desk", LEDGER, state="in_progress"))
    # then the deadline is red with the working days late, and both badges show
    assert "qf-overdue-text" in html and "超期" in html and "个工作日" in html
    assert ">督办<" in html and ">绿色通道<" in html and "qf-row-green" in html


def test_deadline_cell_counts_the_working_days_left(cast, cases):
    html = _html(_get(cast, "desk", LEDGER, state="in_progress"))
    assert "剩 10 个工作日" in html and "qf-overdue-text" not in html


def test_deadline_cell_is_amber_when_due_soon(cast, cases):
    # the reminder day (80% of ten working days) has come: Friday 13 March is the 9th working day
    with time_machine.travel(datetime(2026, 3, 13, 10, tzinfo=BJ), tick=False):
        html = _html(_get(cast, "desk", LEDGER, state="in_progress"))
    assert "qf-due-soon-text" in html


# --- Capped count ----------------------------------------------------------------------------------


def test_count_is_capped_and_says_so(cast, cases, monkeypatch):
    monkeypatch.setattr("qifu.core.web.COUNT_CAP", 2)
    html = _html(_get(cast, "desk", LEDGER))
    assert "共 <strong>2+</strong> 件诉求" in html
    assert "请缩小筛选范围" in html
    assert _total(_html(_get(cast, "desk", LEDGER, enterprise=cast.b.uscc))) == 1


def test_count_reads_at_most_cap_plus_one_rows(cast, cases, monkeypatch):
    monkeypatch.setattr("qifu.core.web.COUNT_CAP", 2)
    client = Client()
    client.force_login(cast.desk)
    with CaptureQueriesContext(connection) as queries:
        client.get(LEDGER)
    sqls = [q["sql"] for q in queries.captured_queries]
    counts = [sql for sql in sqls if "COUNT(" in sql.upper() and '"cases_case"' in sql]
    assert counts and all("LIMIT 3" in sql for sql in counts), counts


# --- Per-role 404 for the queues -------------------------------------------------------------------

QUEUES = {
    "ledger:intake": {"desk"},
    "ledger:inbox": {"jfj_handler", "jfj_head", "kjj_handler", "kjj_head"},
    "ledger:approvals": {"jfj_head", "kjj_head"},
    "ledger:supervision": {"leader"},
}
ROLES = ("desk", "leader", "jfj_handler", "jfj_head", "liaison_a", "deputy", "ent_a", "sysadmin", "auditor")


@pytest.mark.parametrize("name", sorted(QUEUES))
@pytest.mark.parametrize("who", ROLES)
def test_queues_are_404_for_roles_that_do_not_use_them_case(cast, name, who):
    status = _get(cast, who, reverse(name)).status_code
    assert status == (200 if who in QUEUES[name] else 404)


@pytest.mark.parametrize("who", ["jfj_handler", "liaison_a", "leader"])
def test_one_click_posts_are_404_for_other_roles_case(cast, cases, who):
    client = Client()
    client.force_login(getattr(cast, who))
    assert client.post(reverse("ledger:accept", args=[cases["fresh"].pk])).status_code == 404
    assert client.post(reverse("ledger:decide", args=[cases["progress"].pk, "approve_extension"])).status_code == 404
    assert Case.objects.get(pk=cases["fresh"].pk).state == "submitted"


# --- Intake -------------------------------------------------------------------------------------


def test_intake_lists_submitted_and_accepted_oldest_first(cast, cases):
    accepted = act(cast, "desk", "accept", file(cast, text="第三件"))
    html = _html(_get(cast, "desk", reverse("ledger:intake")))
    order = [int(n) for n in re.findall(r'<a href="/cases/(\d+)/" class="fw-medium"', html)]
    assert order == [cases["fresh"].pk, accepted.pk]
    assert "受理时限" in html and html.count(">受理</button>") == 1 and ">分办<" in html


def test_intake_accepts_in_one_click_and_refuses_twice(cast, cases):
    client = Client()
    client.force_login(cast.desk)
    url = reverse("ledger:accept", args=[cases["fresh"].pk])
    response = client.post(url, follow=True)
    assert Case.objects.get(pk=cases["fresh"].pk).state == "accepted"
    assert "已受理。" in _html(response)
    # a second click is refused with the service's message and changes nothing
    response = client.post(url, follow=True)
    assert Case.objects.get(pk=cases["fresh"].pk).state == "accepted"
    assert "alert-error" in _html(response) or "alert-danger" in _html(response) or "不能" in _html(response)


def test_accept_is_post_only(cast, cases):
    client = Client()
    client.force_login(cast.desk)
    assert client.get(reverse("ledger:accept", args=[cases["fresh"].pk])).status_code == 405


# --- Department inbox -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "tab", "expected"),
    [
        ("jfj_handler", "to_sign", set()),
        ("jfj_handler", "in_progress", {"progress"}),
        ("jfj_handler", "due_soon", set()),
        ("jfj_handler", "overdue", set()),
        ("kjj_handler", "assist", {"progress"}),
        ("kjj_handler", "in_progress", set()),
        ("jfj_head", "bogus", set()),  # unknown tab: 待签收
    ],
)
def test_inbox_tabs_case(cast, cases, who, tab, expected):
    html = _html(_get(cast, who, reverse("ledger:inbox"), tab=tab))
    assert _ids(html) == {cases[k].pk for k in expected}


def test_inbox_shows_the_tab_counts(cast, cases):
    html = _html(_get(cast, "jfj_handler", reverse("ledger:inbox"), tab="in_progress"))
    assert re.search(r'href="\?tab=in_progress">办理中 <span class="badge[^"]*">1</span>', html)


def test_inbox_overdue_tab_lists_late_cases(cast, cases):
    with time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=BJ), tick=False):
        html = _html(_get(cast, "jfj_handler", reverse("ledger:inbox"), tab="overdue"))
    assert _ids(html) == {cases["progress"].pk}


def test_inbox_mine_narrows_to_my_cases(cast, cases):
    html = _html(_get(cast, "jfj_head", reverse("ledger:inbox"), tab="in_progress", mine="1"))
    assert _ids(html) == set()


# --- Approvals ---------------------------------------------------------------------------------


def test_head_approves_an_extension_in_one_click(cast, cases):
    case = act(cast, "jfj_handler", "request_extension", cases["progress"], days=5, reason="需要现场踏勘")
    html = _html(_get(cast, "jfj_head", reverse("ledger:approvals")))
    assert "需要现场踏勘" in html and case.number in html
    assert _html(_get(cast, "kjj_head", reverse("ledger:approvals"))).count("需要现场踏勘") == 0
    client = Client()
    client.force_login(cast.jfj_head)
    response = client.post(reverse("ledger:decide", args=[case.pk, "approve_extension"]), follow=True)
    assert Extension.objects.get(case=case).state == "approved"
    assert "需要现场踏勘" not in _html(response).split("</h1>", 1)[1].split("延期申请", 1)[1]


def test_decide_refuses_unknown_decisions(cast, cases):
    client = Client()
    client.force_login(cast.jfj_head)
    assert client.post(reverse("ledger:decide", args=[cases["progress"].pk, "resolve"])).status_code == 404


# --- Supervision ---------------------------------------------------------------------------------


def test_supervision_lists_supervised_and_late_open_cases_latest_first(cast, cases):
    act(cast, "desk", "supervise", cases["fresh"], note="请尽快受理")
    with time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=BJ), tick=False):
        html = _html(_get(cast, "leader", reverse("ledger:supervision")))
    order = [int(n) for n in ROW_LINK.findall(html)]
    # all three are late by 20 April; the fresh one (respond by 3 March) is the latest
    assert order[0] == cases["fresh"].pk and set(order) == {c.pk for c in cases.values()}


def test_supervision_leaves_out_settled_cases(cast):
    closed = drive(cast, "closed")
    html = _html(_get(cast, "leader", reverse("ledger:supervision")))
    assert closed.pk not in _ids(html)


# --- Query counts --------------------------------------------------------------------------------


def _more_cases(cast: Cast, n: int) -> None:
    for i in range(n):
        case = _file_for_b(cast, text=f"第{i}件：用工")
        if i % 2:
            act(cast, "desk", "accept", case)
            act(cast, "desk", "dispatch", case, lead="JFJ", assist=["KJJ"])


@pytest.mark.parametrize(
    ("who", "url", "htmx"),
    [
        ("desk", LEDGER, False),
        ("desk", LEDGER, True),
        ("desk", reverse("ledger:intake"), False),
        ("jfj_handler", reverse("ledger:inbox") + "?tab=to_sign", False),
        ("kjj_handler", reverse("ledger:inbox") + "?tab=assist", False),
        ("leader", reverse("ledger:supervision"), False),
        ("jfj_head", reverse("ledger:approvals"), False),
        ("liaison_b", LEDGER, False),
    ],
)
def test_query_count_does_not_grow_with_rows_case(cast, cases, who, url, htmx):
    # given one of each kind already, and the calendar cached
    client = Client()
    client.force_login(getattr(cast, who))
    headers = {"HX-Request": "true"} if htmx else {}
    _more_cases(cast, 2)
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers=headers)
    # when 12 more cases exist
    _more_cases(cast, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers=headers)
    # then
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 12


# --- Enterprise 360 and nav ----------------------------------------------------------------------


def test_enterprise_page_lists_its_latest_cases_with_a_link_to_all(cast, cases):
    html = _html(_get(cast, "desk", reverse("enterprises:detail", args=[cast.a.uscc])))
    assert _ids(html) == {cases["progress"].pk, cases["fresh"].pk}
    assert f"/cases/?enterprise={cast.a.uscc}" in html and "全部诉求" in html


def test_enterprise_page_shows_only_cases_in_scope(cast, cases):
    html = _html(_get(cast, "kjj_handler", reverse("enterprises:detail", args=[cast.a.uscc])))
    assert _ids(html) == {cases["progress"].pk, cases["fresh"].pk}  # assisting, and in A's task force
    html = _html(_get(cast, "ent_a", reverse("enterprises:detail", args=[cast.a.uscc])))
    assert "全部诉求" not in html  # the enterprise has its own 我的诉求


def test_enterprise_page_query_count_is_fixed(cast, cases):
    client = Client()
    client.force_login(cast.desk)
    url = reverse("enterprises:detail", args=[cast.a.uscc])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        drive(cast, "dispatched", text=f"第{i}件")
    with CaptureQueriesContext(connection) as many:
        html = _html(client.get(url))
    assert len(many) == len(few)
    assert len(_ids(html)) == 10


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("desk", ["诉求台账", "受理分办"], ["待办", "审批"]),
        ("jfj_handler", ["诉求台账", "待办"], ["受理分办", "审批"]),
        ("jfj_head", ["诉求台账", "待办", "审批"], ["受理分办"]),
        ("leader", ["诉求台账", "督办"], ["受理分办", "待办"]),
        ("liaison_a", ["诉求台账"], ["受理分办", "待办", "审批"]),
        ("ent_a", [], ["诉求台账", "受理分办"]),
    ],
)
def test_nav_links_per_role_case(cast, who, present, absent):
    html = _html(_get(cast, who, reverse("dashboard:home")))
    nav = html.split("qf-sidebar", 1)[1].split("</nav>", 1)[0]
    for word in present:
        assert f"</i> {word}</a>" in nav, word
    for word in absent:
        assert f"</i> {word}</a>" not in nav, word


# --- Home pages (UX.md principles 1 and 2) ---------------------------------------------------------

STAT = re.compile(r'<a class="stretched-link qf-stat-value" href="([^"]+)">(\d+)</a>')
LIST_TOTAL = re.compile(r"共 <strong>(\d+)</strong> 件(?:诉求|待审批)")


@pytest.mark.parametrize("who", ["desk", "jfj_handler", "jfj_head", "kjj_handler", "liaison_a", "liaison_b"])
def test_every_case_number_at_home_links_to_a_list_showing_it_case(cast, cases, who):
    # given cases at every step: late, supervised, resolved, with an extension waiting
    drive(cast, "resolved")
    act(cast, "leader", "supervise", cases["fresh"], note="请尽快受理")
    act(cast, "jfj_handler", "request_extension", cases["progress"], days=3, reason="等待检测报告")
    act(cast, "desk", "accept", file(cast, text="待分办的一件"))
    client = Client()
    with time_machine.travel(datetime(2026, 3, 13, 10, tzinfo=BJ), tick=False):
        client.force_login(getattr(cast, who))  # sessions expire: sign in on the day
        html = _html(client.get(reverse("dashboard:home")))
        stats = [(u.replace("&amp;", "&"), int(n)) for u, n in STAT.findall(html) if u.startswith("/cases/")]
        # then every case number is a link to a list that shows the same number
        assert len(stats) >= 2
        for url, number in stats:
            found = LIST_TOTAL.search(_html(client.get(url)))
            assert found and int(found.group(1)) == number, (url, number)
    assert any(n for _, n in stats)


def test_desk_home_counts(cast, cases):
    act(cast, "desk", "supervise", cases["fresh"], note="请尽快受理")
    with time_machine.travel(datetime(2026, 3, 4, 10, tzinfo=BJ), tick=False):
        html = _html(_get(cast, "desk", reverse("dashboard:home")))
    stats = {u.replace("&amp;", "&"): int(n) for u, n in STAT.findall(html)}
    assert stats["/cases/?state=submitted"] == 1
    assert stats["/cases/?state=submitted&overdue=1"] == 1  # respond by 3 March
    assert stats["/cases/?supervised=1&open=1"] == 1
    assert stats["/cases/?state=accepted"] == 0


@pytest.mark.parametrize("who", ["desk", "jfj_head", "jfj_handler", "liaison_a"])
def test_home_case_counts_cost_a_fixed_number_of_queries_case(cast, cases, who):
    client = Client()
    client.force_login(getattr(cast, who))
    client.get(reverse("dashboard:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard:home"))
    _more_cases(cast, 8)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard:home"))
    assert len(many) == len(few)
